/**
 * The items of a mapped task log into the task's own log file; each line names its item, so the
 * lines of items running side by side can be told apart. Every line of a message is tagged, as in a
 * subprocess, whose lines each come back one by one (task-log-lines.ts): a stack or a multi-line
 * message reads the same with either executor.
 */
import type { Logger } from '../../plugins/types.ts'
import { logTextLines } from '../../spec/task-log-lines.ts'

export function itemLogger(log: Logger, index: number): Logger {
  const tag = `[item ${index}] `
  const tagged = (message: unknown, fields?: Record<string, unknown>): string => tag + logTextLines(message, fields).join(`\n${tag}`)
  return {
    debug: (message, fields) => log.debug(tagged(message, fields)),
    info: (message, fields) => log.info(tagged(message, fields)),
    warn: (message, fields) => log.warn(tagged(message, fields)),
    error: (message, fields) => log.error(tagged(message, fields)),
  }
}
