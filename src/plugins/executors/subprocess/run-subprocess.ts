/**
 * The subprocess executor's implementation: writes the attempt's inputs.json, renders the task's
 * command template (engine placeholders get local values), spawns it as an argv array (never a
 * shell), streams its output into the task log, and reads the result back from the documents
 * `weir execute` wrote under the output prefix. Each task process is recorded in the run store
 * while it lives and dies with this process (parent-pipe.ts).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createInterface } from 'node:readline'
import type { AttemptOutcome, AttemptRequest, ErrorInfo, Executor, PluginEnv } from '../../types.ts'
import { renderCommand } from '../../targets/command-template.ts'
import { commandTemplateOf } from '../../targets/remote-command.ts'
import { ERROR_DOCUMENT, OUTPUTS_DOCUMENT } from './contract.ts'
import type { ErrorDocument, InputsDocument, OutputsDocument } from './contract.ts'
import { openDocuments } from './documents.ts'
import { defaultOutputPrefix } from './output-prefix.ts'
import { localEngineValues } from './local-engine.ts'
import { findWeirCli } from './find-cli.ts'
import { PARENT_PIPE_ENV, PARENT_PIPE_FD } from './parent-pipe.ts'
import { recordRunProcess } from '../../../runtime/run-store/run-processes.ts'
import { runDir } from '../../../runtime/run-store/read-runs.ts'
import type { SubprocessExecutorConfig } from './index.ts'

const STDERR_TAIL_LINES = 20

export function createSubprocessRunner(config: SubprocessExecutorConfig, env: PluginEnv): Executor {
  const cli = config.cli ?? findWeirCli()
  const stateDir = resolve(env.cwd, env.stateDir)
  const children = new Set<ChildProcess>()
  return {
    async runAttempt(request) {
      const prefix = defaultOutputPrefix(request.pipeline, request.task, request.runId, env)
      if (prefix === undefined)
        return failed(`Task '${request.task.id}' uses IoManager '${request.task.io}', whose outputs another process cannot read; use 'fs' or 'gcs' with --executor subprocess.`, 'SUBPROCESS_UNSUPPORTED_IO', false)
      const inputs = await writeInputs(request, stateDir)
      let argv: string[]
      try {
        argv = renderCommand(commandTemplateOf(request.pipeline, request.task, config.command), {
          cli,
          pipeline: request.pipeline.name,
          task: request.task.id,
          spec: request.pipeline.sourcePath,
          runId: request.runId,
          inputs,
          outputPrefix: prefix,
          attempt: String(request.attempt),
          params: Object.fromEntries(Object.entries(request.params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
        }, localEngineValues(request))
      } catch (error) {
        return failed((error as Error).message, 'COMMAND_TEMPLATE', false)
      }
      const exit = await runProcess(argv, request, { cwd: env.cwd, stateDir, killGraceMs: config.killGraceMs ?? 5000, children })
      if (request.signal.aborted) return { status: 'cancelled' }
      return readOutcome(request, prefix, exit, env.cwd)
    },
    async close() {
      for (const child of children) child.kill('SIGKILL')
    },
  }
}

/** inputs.json for the attempt, under the state dir; returns its file:// URI. */
async function writeInputs(request: AttemptRequest, stateDir: string): Promise<string> {
  const folder = join(stateDir, 'execute', request.runId, request.task.id)
  await mkdir(folder, { recursive: true })
  const file = join(folder, `inputs-${request.attempt}.json`)
  const doc: InputsDocument = { outputs: request.upstreamOutputs, values: request.upstreamValues }
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`)
  return pathToFileURL(file).href
}

interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderrTail: readonly string[]
  readonly spawnError?: Error
}

function runProcess(argv: readonly string[], request: AttemptRequest, opts: { cwd: string; stateDir: string; killGraceMs: number; children: Set<ChildProcess> }): Promise<ProcessExit> {
  return new Promise((resolvePromise) => {
    const tail: string[] = []
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, WEIR_STATE_DIR: opts.stateDir, [PARENT_PIPE_ENV]: String(PARENT_PIPE_FD) },
      // fd 3: the pipe the child watches to die with this process (parent-pipe.ts); never written.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    })
    opts.children.add(child)
    const forget = child.pid === undefined ? undefined : recordRunProcess(runDir(opts.stateDir, request.runId), child.pid)
    const parentPipe = child.stdio[PARENT_PIPE_FD] as Socket | null | undefined
    parentPipe?.on('error', () => undefined)
    // Processes the handler started may hold the child's end open: do not wait for them.
    child.once('exit', () => parentPipe?.destroy())
    createInterface({ input: child.stdout! }).on('line', (line) => request.log.info(line))
    createInterface({ input: child.stderr! }).on('line', (line) => {
      request.log.warn(line)
      tail.push(line)
      if (tail.length > STDERR_TAIL_LINES) tail.shift()
    })
    let killer: ReturnType<typeof setTimeout> | undefined
    const stop = (): void => {
      child.kill('SIGTERM')
      killer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs)
      killer.unref()
    }
    if (request.signal.aborted) stop()
    else request.signal.addEventListener('abort', stop, { once: true })
    let spawnError: Error | undefined
    child.once('error', (error) => {
      spawnError = error
    })
    child.once('close', (code, signal) => {
      opts.children.delete(child)
      forget?.()
      request.signal.removeEventListener('abort', stop)
      if (killer) clearTimeout(killer)
      resolvePromise({ code, signal, stderrTail: tail, ...(spawnError && { spawnError }) })
    })
  })
}

/** The attempt's outcome from the documents `weir execute` wrote (or from its exit, if it wrote none). */
async function readOutcome(request: AttemptRequest, prefix: string, exit: ProcessExit, cwd: string): Promise<AttemptOutcome> {
  if (exit.spawnError) return failed(`Could not start '${exit.spawnError.message}'; check the command template and the 'cli' option.`, 'SUBPROCESS_SPAWN', false)
  const docs = await openDocuments(prefix, request.pipeline, cwd)
  if (exit.code === 0) {
    const outputs = await docs.read<OutputsDocument>(OUTPUTS_DOCUMENT)
    if (outputs && outputs.attempt === request.attempt) return { status: 'succeeded', ...(outputs.output && { output: outputs.output }), values: outputs.values }
    return failed(`weir execute exited 0 but wrote no ${OUTPUTS_DOCUMENT} for attempt ${request.attempt} under '${prefix}'; does the command template run 'weir execute'?`, 'SUBPROCESS_NO_RESULT')
  }
  const error = await docs.read<ErrorDocument>(ERROR_DOCUMENT)
  if (error && error.attempt === request.attempt) {
    const { attempt: _a, timestamp: _t, task: _task, runId: _r, ...info } = error
    return { status: 'failed', error: info, values: {} }
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`
  return failed(`weir execute ${how} without an ${ERROR_DOCUMENT}${exit.stderrTail.length > 0 ? `: ${exit.stderrTail.slice(-3).join(' | ')}` : ''}.`, 'SUBPROCESS_CRASHED', exit.code !== 2 && exit.code !== 3)
}

function failed(message: string, code: string, recoverable = true): AttemptOutcome {
  const error: ErrorInfo = { code, message, origin: 'system', recoverable }
  return { status: 'failed', error, values: {} }
}
