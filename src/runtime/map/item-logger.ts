/**
 * The items of a mapped task log into the task's own log file; each line names its item, so the
 * lines of items running side by side can be told apart.
 */
import type { Logger } from '../../plugins/types.ts'

export function itemLogger(log: Logger, index: number): Logger {
  const tag = `[item ${index}] `
  return {
    debug: (message, fields) => log.debug(tag + message, fields),
    info: (message, fields) => log.info(tag + message, fields),
    warn: (message, fields) => log.warn(tag + message, fields),
    error: (message, fields) => log.error(tag + message, fields),
  }
}
