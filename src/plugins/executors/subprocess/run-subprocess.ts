/**
 * The subprocess executor's implementation: asks the runtime to prepare the attempt (its inputs.json
 * and output prefix), renders the task's command template (engine placeholders get local values),
 * spawns it as an argv array (never a shell), streams its output into the task log, kills it on
 * cancel, and hands its exit back to the runtime, which reads the documents `weir execute` wrote.
 * Each task process is recorded in the run store while it lives (`RemoteAttempt.trackProcess`) and
 * dies with this process: it watches a pipe at `parentPipeFd` that this process never writes to.
 *
 * An attempt ends when its process says on that pipe that its result is recorded, or else when the
 * process exits: never when its stdout and stderr close, which processes the handler started (and
 * that inherited them) may hold open long after. After an exit, what is already in the pipes is read
 * for `EXIT_DRAIN_MS` at most, then they are closed.
 *
 * An attempt that times out (or outlives a cancel's grace) is settled at once from here, whatever
 * its process does; the process gets SIGTERM and `killGraceMs` to stop, then SIGKILL. Closing the
 * executor (the run's end) waits out that grace rather than cutting it short: a process stopping
 * on SIGTERM is aborting its output's write, and a SIGKILL then would leave the temp file behind.
 */
import { spawn } from 'node:child_process'
import type { Socket } from 'node:net'
import type { AttemptOutcome, AttemptRequest, ErrorInfo, Executor, ExecutorEnv, ProcessExit, RemoteAttempt } from '../../types.ts'
import { renderCommand } from '../../targets/command-template.ts'
import { commandTemplateOf } from '../../targets/remote-command.ts'
import { localEngineValues } from './local-engine.ts'
import { paramText } from '../../../spec/param-text.ts'
import { parseTaskLogLine, V8_FATAL } from '../../../spec/task-log-lines.ts'
import { findWeirCli } from './find-cli.ts'
import { describeArgvRefused, describeArgvTooLong } from './argv-too-long.ts'
import { readLines } from './read-lines.ts'
import type { SubprocessExecutorConfig } from './index.ts'

const STDERR_TAIL_LINES = 20
/**
 * How long the pipes are read after the process exited, when something else (a process the handler
 * started with inherited stdio) keeps them open: what the process wrote is already in them.
 */
const EXIT_DRAIN_MS = 100

/** The codes of spawn's own refusals of an argv, thrown before any process starts. */
const ARGV_REFUSED: ReadonlySet<string> = new Set(['E2BIG', 'ERR_INVALID_ARG_VALUE'])

export function createSubprocessRunner(config: SubprocessExecutorConfig, env: ExecutorEnv): Executor {
  const cli = config.cli ?? findWeirCli()
  const children = new Set<TaskProcess>()
  return {
    async runAttempt(request) {
      const prepared = await env.host.prepareRemote(request)
      if (!prepared.ok) return prepared.outcome
      const remote = prepared.attempt
      let argv: string[]
      try {
        argv = renderCommand(commandTemplateOf(request.pipeline, request.task, config.command), {
          cli,
          pipeline: request.pipeline.name,
          task: request.task.id,
          spec: request.pipeline.sourcePath,
          runId: request.runId,
          inputs: remote.inputs,
          outputPrefix: remote.outputPrefix,
          attempt: String(request.attempt),
          // As text that `weir execute --param` reads back as the same value (spec/param-text.ts).
          params: Object.fromEntries(Object.entries(request.params).map(([k, v]) => [k, paramText(request.pipeline, k, v)])),
        }, localEngineValues(request))
      } catch (error) {
        return failed((error as Error).message, 'COMMAND_TEMPLATE', false)
      }
      // One item of a mapped task (docs/fan-out.md): the process is given its index, never the item.
      if (request.item !== undefined && !argv.includes('--item-index')) argv.push('--item-index', String(request.item.index))
      // What `${{ run.trigger }}` and `${{ run.scheduled_at }}` are in the task, as in process ('manual' is execute's own default).
      if (request.run.trigger !== 'manual' && !argv.includes('--trigger')) argv.push('--trigger', request.run.trigger)
      if (request.run.scheduledAt !== undefined && !argv.includes('--scheduled-at')) argv.push('--scheduled-at', request.run.scheduledAt)
      let exit: SpawnedExit
      try {
        exit = await runProcess(argv, request, { cwd: env.cwd, remote, killGraceMs: config.killGraceMs ?? 5000, children })
      } catch (error) {
        // spawn throws at once for an argv the system (E2BIG) or Node (a NUL character) refuses; anything else is weir's own fault.
        if (!ARGV_REFUSED.has((error as NodeJS.ErrnoException).code as string)) throw error
        exit = { code: null, signal: null, stderrTail: [], spawnError: error as Error }
      }
      if (request.signal.aborted) return { status: 'cancelled' }
      const refused = (exit.spawnError as NodeJS.ErrnoException | undefined)?.code
      if (refused === 'E2BIG') return failed(describeArgvTooLong(request.task.id, argv), 'SUBPROCESS_SPAWN', false)
      // Node's message quotes the argument, which may hold a secret param: never passed on.
      if (refused !== undefined && ARGV_REFUSED.has(refused)) return failed(describeArgvRefused(request.task.id, argv), 'SUBPROCESS_SPAWN', false)
      if (exit.spawnError) return failed(`Could not start '${exit.spawnError.message}'; check the command template and the 'cli' option.`, 'SUBPROCESS_SPAWN', false)
      return remote.readOutcome(exit)
    },
    async close() {
      // Every process still here was told to stop (or is told now) and is SIGKILLed when its grace is up.
      await Promise.all([...children].map((child) => child.stop()))
    },
  }
}

interface SpawnedExit extends ProcessExit {
  readonly spawnError?: Error
}

/** A task process while it lives. */
interface TaskProcess {
  /** SIGTERM now (once), SIGKILL after the grace; resolves when the process has exited. */
  stop(): Promise<void>
}

function runProcess(argv: readonly string[], request: AttemptRequest, opts: { cwd: string; remote: RemoteAttempt; killGraceMs: number; children: Set<TaskProcess> }): Promise<SpawnedExit> {
  return new Promise((resolvePromise) => {
    const tail: string[] = []
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.remote.env },
      // The pipe the child watches to die with this process (kill -9 included); only the child writes on it.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    })
    const exited = new Promise<void>((done) => child.once('exit', () => done()).once('error', () => done()))
    let killer: ReturnType<typeof setTimeout> | undefined
    const stop = (): Promise<void> => {
      if (killer === undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        killer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs)
        // The process's own handle keeps this process alive until it exits; the timer need not.
        killer.unref()
      }
      return exited
    }
    const running: TaskProcess = { stop }
    opts.children.add(running)
    const forget = child.pid === undefined ? undefined : opts.remote.trackProcess(child.pid)
    let settled = false
    const settle = (exit: SpawnedExit): void => {
      if (settled) return
      settled = true
      resolvePromise(exit)
    }
    const parentPipe = child.stdio[opts.remote.parentPipeFd] as Socket | null | undefined
    parentPipe?.on('error', () => undefined)
    if (parentPipe)
      readLines(parentPipe, (line) => {
        const code = opts.remote.recordedExitCode(line)
        // Decided: the outcome is in the documents. The lines it wrote before are in the pipes, and
        // are read in this turn of the event loop: the attempt ends after them.
        if (code !== undefined) setImmediate(() => settle({ code, signal: null, stderrTail: tail }))
      })
    readLines(child.stdout!, (line) => request.log.info(line))
    // `weir execute`'s own report of how the attempt ended, written for an engine's log: this run
    // reports the attempt itself (from error.json), as it does in process, so the task log reads the
    // same with either executor. It stays in the tail, which a crash report quotes.
    const ownReport = `weir: execute: task '${request.task.id}': `
    // After V8's fatal error line (out of memory) come dozens of native stack frames: they go to the
    // task log, but the tail, which the crash report quotes, keeps the line that says what happened.
    let fatal = false
    readLines(child.stderr!, (line) => {
      // The task's own log lines keep their level; anything else the process says is a warning.
      const logged = parseTaskLogLine(line, request.task.id)
      if (logged) request.log[logged.level](logged.text)
      else if (!line.startsWith(ownReport)) request.log.warn(line)
      if (fatal) return
      fatal = line.startsWith(V8_FATAL)
      tail.push(line)
      if (tail.length > STDERR_TAIL_LINES) tail.shift()
    })
    const onAbort = (): void => void stop()
    if (request.signal.aborted) onAbort()
    else request.signal.addEventListener('abort', onAbort, { once: true })
    let spawnError: Error | undefined
    child.once('error', (error) => {
      spawnError = error
    })
    let drain: ReturnType<typeof setTimeout> | undefined
    child.once('exit', () => {
      // Processes the handler started may hold the child's end of the parent pipe open: do not wait for them.
      parentPipe?.destroy()
      // Nor for their stdout and stderr (see EXIT_DRAIN_MS). After the timer, one more turn of the
      // event loop reads what is in the pipes by then, before they are closed.
      drain = setTimeout(() => setImmediate(() => (child.stdout!.destroy(), child.stderr!.destroy())), EXIT_DRAIN_MS)
    })
    child.once('close', (code, signal) => {
      opts.children.delete(running)
      forget?.()
      request.signal.removeEventListener('abort', onAbort)
      if (killer) clearTimeout(killer)
      if (drain) clearTimeout(drain)
      settle({ code, signal, stderrTail: tail, ...(spawnError && { spawnError }) })
    })
  })
}

function failed(message: string, code: string, recoverable = true): AttemptOutcome {
  const error: ErrorInfo = { code, message, origin: 'system', recoverable }
  return { status: 'failed', error, values: {} }
}
