/**
 * How `weir execute` writes its task's log on stderr: `[<task>] <level> <text>`, one line for each
 * line of a message. Engines show these lines as the task log; the subprocess executor reads them
 * back into the run's task log at the level they were logged at, so a task log reads the same in
 * process and in a subprocess. Both sides use this file, so it lives in the bottom layer.
 */
import { thrownLine } from './thrown-value.ts'

/**
 * How V8 starts the line that says why it aborted a process (`FATAL ERROR: Reached heap limit
 * Allocation failed - JavaScript heap out of memory`); its native stack trace follows on stderr.
 */
export const V8_FATAL = 'FATAL ERROR: '

/** The levels of `ctx.log`. */
export type TaskLogLevel = 'debug' | 'info' | 'warn' | 'error'

const LINE_END = /\r\n|\n|\r/
const LEVELS: ReadonlySet<string> = new Set<TaskLogLevel>(['debug', 'info', 'warn', 'error'])

/** The stderr text of one `ctx.log` call (each line prefixed, the last one ended). */
export function formatTaskLogLines(taskId: string, level: TaskLogLevel, message: unknown, fields?: Record<string, unknown>): string {
  return logTextLines(message, fields)
    .map((line) => `[${taskId}] ${level} ${line}\n`)
    .join('')
}

/**
 * The lines of one `ctx.log` call: its message as text (a handler may pass an Error, a number, an
 * object: TypeScript's types are no guarantee at run time), its fields as JSON after it, split at
 * line breaks. Every executor writes a task log from these, so a task's log reads the same in
 * process, in a subprocess and on an engine.
 */
export function logTextLines(message: unknown, fields?: Record<string, unknown>): string[] {
  const text = typeof message === 'string' ? message : safeString(message)
  return (fields && typeof fields === 'object' && Object.keys(fields).length > 0 ? `${text} ${safeJson(fields)}` : text).split(LINE_END)
}

function safeString(value: unknown): string {
  try {
    return String(value)
  } catch {
    // An object whose toString throws, or has none (Object.create(null)).
    try {
      return Object.prototype.toString.call(value)
    } catch {
      return thrownLine(value) // a Proxy whose every read throws
    }
  }
}

/** The level and text of a line `formatTaskLogLines` wrote for this task, or undefined for any other line. */
export function parseTaskLogLine(line: string, taskId: string): { readonly level: TaskLogLevel; readonly text: string } | undefined {
  const prefix = `[${taskId}] `
  if (!line.startsWith(prefix)) return undefined
  const space = line.indexOf(' ', prefix.length)
  const level = space === -1 ? '' : line.slice(prefix.length, space)
  if (!LEVELS.has(level)) return undefined
  return { level: level as TaskLogLevel, text: line.slice(space + 1) }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    // A cycle or a BigInt: the message still gets through.
    return safeString(value)
  }
}
