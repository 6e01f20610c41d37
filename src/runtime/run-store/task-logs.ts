/**
 * Per-task log files: `logs/<task>.log`, one line per `ctx.log` call, every attempt, prefixed with
 * the time, attempt and level. Lines are batched like the journal; a task that logs nothing gets no file.
 * Lines still queued when the process exits (a handler's `process.exit` right after logging why)
 * are written on the way out (write-on-exit.ts).
 */
import { appendFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../../plugins/types.ts'
import { makeDirs, makeDirsSync } from '../../plugins/io/make-dirs.ts'
import { logTextLines } from '../../spec/task-log-lines.ts'
import { writeOnExit } from './write-on-exit.ts'

export interface TaskLogs {
  /** A logger for one attempt of one task. */
  logger(taskId: string, attempt: number): Logger
  /** Path of a task's log file (it may not exist: the task logged nothing). */
  pathOf(taskId: string): string
  /** Writes what is queued; the run has ended. (Lines logged later are still written, but no longer as the process exits.) */
  close(): Promise<void>
}

type Level = 'debug' | 'info' | 'warn' | 'error'

/** Creates the log writer of one run; `echo` also receives every line (e.g. for a verbose display). */
export function createTaskLogs(logDir: string, echo?: (taskId: string, level: Level, line: string) => void): TaskLogs {
  const pending = new Map<string, string[]>()
  let scheduled = false
  let writing: Promise<void> = Promise.resolve()
  let madeDir = false

  function writePending(): Promise<void> {
    scheduled = false
    if (pending.size === 0) return writing
    const batch = [...pending]
    pending.clear()
    writing = writing.then(async () => {
      try {
        if (!madeDir) await makeDirs(logDir)
        madeDir = true
        await Promise.all(batch.map(([taskId, lines]) => appendFile(join(logDir, `${taskId}.log`), lines.join('\n') + '\n')))
      } catch {
        // Logs are best effort: a full disk must not fail the task that logged.
      }
    })
    return writing
  }

  /** What is still queued, written now: the process is exiting and runs no further turn. */
  function writePendingNow(): void {
    try {
      if (pending.size > 0) makeDirsSync(logDir)
      for (const [taskId, lines] of pending) appendFileSync(join(logDir, `${taskId}.log`), lines.join('\n') + '\n')
    } catch {
      // Best effort, as always for logs.
    }
    pending.clear()
  }
  const forgetOnExit = writeOnExit(writePendingNow)

  function write(taskId: string, attempt: number, level: Level, message: unknown, fields?: Record<string, unknown>): void {
    // One line per line of the message, each with its prefix, as `weir execute` writes them (task-log-lines.ts).
    const prefix = `${new Date().toISOString()} [attempt ${attempt}] ${level.toUpperCase().padEnd(5)} `
    let lines = pending.get(taskId)
    if (!lines) pending.set(taskId, (lines = []))
    for (const text of logTextLines(message, fields)) {
      lines.push(prefix + text)
      echo?.(taskId, level, text)
    }
    if (!scheduled) {
      scheduled = true
      setImmediate(writePending)
    }
  }

  return {
    logger: (taskId, attempt) => new AttemptLogger(write, taskId, attempt),
    pathOf: (taskId) => join(logDir, `${taskId}.log`),
    close: () => {
      forgetOnExit()
      return writePending()
    },
  }
}

type Write = (taskId: string, attempt: number, level: Level, message: unknown, fields?: Record<string, unknown>) => void

/**
 * The logger of one attempt. Every attempt gets one and most never log, so it is one small object:
 * its methods are made on first use (four closures were five objects per attempt). They are getters
 * returning functions bound to the attempt, so `const { info } = ctx.log` works as before.
 */
class AttemptLogger implements Logger {
  #methods: Logger | undefined
  readonly #write: Write
  readonly #taskId: string
  readonly #attempt: number

  constructor(write: Write, taskId: string, attempt: number) {
    this.#write = write
    this.#taskId = taskId
    this.#attempt = attempt
  }

  #made(): Logger {
    if (this.#methods) return this.#methods
    const write = this.#write
    const taskId = this.#taskId
    const attempt = this.#attempt
    return (this.#methods = {
      debug: (m, f) => write(taskId, attempt, 'debug', m, f),
      info: (m, f) => write(taskId, attempt, 'info', m, f),
      warn: (m, f) => write(taskId, attempt, 'warn', m, f),
      error: (m, f) => write(taskId, attempt, 'error', m, f),
    })
  }

  get debug(): Logger['debug'] {
    return this.#made().debug
  }
  get info(): Logger['info'] {
    return this.#made().info
  }
  get warn(): Logger['warn'] {
    return this.#made().warn
  }
  get error(): Logger['error'] {
    return this.#made().error
  }
}
