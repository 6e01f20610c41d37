/**
 * The parent's side of the protocol, for executors that start `weir execute` processes (the
 * subprocess executor): before an attempt, write its inputs.json and work out its output prefix;
 * after it, read how it ended from the documents it wrote under that prefix, or from its exit.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AttemptOutcome, AttemptRequest, ErrorInfo, PluginEnv, ProcessExit, RemotePreparation } from '../../plugins/types.ts'
import { ERROR_DOCUMENT, OUTPUTS_DOCUMENT, PARAMS_RESOLVED_ENV, SPEC_HASH_ENV, SPEC_PLAN_ENV } from './contract.ts'
import { specPlanFile } from './spec-plan-file.ts'
import { cacheSettingsToEnv, type CacheSettings } from '../cache/task-cache.ts'
import type { ErrorDocument, InputsDocument, OutputsDocument } from './contract.ts'
import { openDocuments } from './documents.ts'
import { PARENT_PIPE_ENV, PARENT_PIPE_FD, recordedExitCode } from './parent-pipe.ts'
import { recordRunProcess } from '../run-store/run-processes.ts'
import { runDir } from '../run-store/read-runs.ts'
import { defaultOutputPrefix, remoteIoTypes } from './output-prefix.ts'
import { itemPrefix } from './item.ts'
import type { ProtocolEnv } from './output-prefix.ts'
import { makeDirsSync } from '../../plugins/io/make-dirs.ts'
import { V8_FATAL } from '../../spec/task-log-lines.ts'

/** Prepares one attempt for a `weir execute` process (`ExecutorHost.prepareRemote`). */
export async function prepareRemoteAttempt(request: AttemptRequest, env: PluginEnv & ProtocolEnv & { readonly cache?: CacheSettings }): Promise<RemotePreparation> {
  const taskPrefix = defaultOutputPrefix(request.pipeline, request.task, request.runId, env)
  if (taskPrefix === undefined)
    return refuse(`Task '${request.task.id}' uses IoManager '${request.task.io}', whose outputs another process cannot read; use ${remoteIoTypes(env)} with --executor subprocess.`, 'SUBPROCESS_UNSUPPORTED_IO')
  const stateDir = resolve(env.cwd, env.stateDir)
  const [inputs, plan] = await Promise.all([writeInputs(request, stateDir), specPlanFile(request.pipeline, stateDir, request.runId)])
  // An item of a mapped task: the process is told the task's prefix and `--item-index`, and
  // writes its documents under the item's own prefix (item.ts), where they are read back.
  const prefix = request.item === undefined ? taskPrefix : itemPrefix(taskPrefix, request.item.index)
  return {
    ok: true,
    attempt: {
      inputs,
      outputPrefix: taskPrefix,
      env: { WEIR_STATE_DIR: stateDir, [PARAMS_RESOLVED_ENV]: '1', [SPEC_HASH_ENV]: request.pipeline.specHash, ...(plan !== undefined && { [SPEC_PLAN_ENV]: plan }), [PARENT_PIPE_ENV]: String(PARENT_PIPE_FD), ...cacheSettingsToEnv(env.cache ?? {}) },
      parentPipeFd: PARENT_PIPE_FD,
      recordedExitCode,
      trackProcess: (pid) => recordRunProcess(runDir(stateDir, request.runId), pid),
      readOutcome: (exit) => readOutcome(request, prefix, exit, env),
    },
  }
}

/**
 * inputs.json for the attempt, under the state dir; returns its file:// URI. Written synchronously:
 * a small local file, on the path from one task to the next, where each of the four operations
 * would otherwise wait for a worker thread (milliseconds each on a busy machine).
 */
async function writeInputs(request: AttemptRequest, stateDir: string): Promise<string> {
  const folder = join(stateDir, 'execute', request.runId, request.task.id)
  makeDirsSync(folder)
  const file = join(folder, request.item === undefined ? `inputs-${request.attempt}.json` : `inputs-${request.item.index}-${request.attempt}.json`)
  const itemOutputs = request.upstreamItemOutputs && Object.fromEntries(Object.entries(request.upstreamItemOutputs).map(([id, refs]) => [id, refs.map((r) => r ?? null)]))
  const doc: InputsDocument = { outputs: request.upstreamOutputs, values: request.upstreamValues, ...(itemOutputs && { itemOutputs }) }
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
  return pathToFileURL(file).href
}

/** The attempt's outcome from the documents `weir execute` wrote (or from its exit, if it wrote none). */
async function readOutcome(request: AttemptRequest, prefix: string, exit: ProcessExit, env: PluginEnv & ProtocolEnv): Promise<AttemptOutcome> {
  let docs
  try {
    docs = await openDocuments(prefix, request.pipeline, env)
  } catch (error) {
    // The documents live where the task's outputs do: without credentials there, no retry helps.
    if ((error as { code?: unknown }).code === 'IO_NO_CREDENTIALS') return failed((error as Error).message, 'IO_NO_CREDENTIALS', false)
    throw error
  }
  if (exit.code === 0) {
    const outputs = await docs.read<OutputsDocument>(OUTPUTS_DOCUMENT)
    if (outputs && outputs.attempt === request.attempt)
      return { status: 'succeeded', ...(outputs.output && { output: outputs.output }), values: outputs.values, ...(outputs.cachedFrom && { cachedFrom: outputs.cachedFrom }) }
    return failed(`weir execute exited 0 but wrote no ${OUTPUTS_DOCUMENT} for attempt ${request.attempt} under '${prefix}'; does the command template run 'weir execute'?`, 'SUBPROCESS_NO_RESULT')
  }
  const error = await docs.read<ErrorDocument>(ERROR_DOCUMENT)
  if (error && error.attempt === request.attempt) {
    const { attempt: _a, timestamp: _t, task: _task, runId: _r, ...info } = error
    return { status: 'failed', error: info, values: {} }
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`
  const fatal = exit.stderrTail.findLast((line) => line.startsWith(V8_FATAL))
  if (fatal !== undefined) return failed(describeFatal(how, fatal), 'SUBPROCESS_CRASHED')
  const said = exit.stderrTail.length > 0 ? `: ${exit.stderrTail.slice(-3).join(' | ')}` : ''
  // What the process said often ends a sentence itself (a usage error does): no second full stop.
  return failed(`weir execute ${how} without an ${ERROR_DOCUMENT}${said}${/[.!?]$/.test(said) ? '' : '.'}`, 'SUBPROCESS_CRASHED', exit.code !== 2 && exit.code !== 3)
}

/**
 * A process V8 aborted: its own line says why, where the last lines of stderr are native stack
 * frames. Running out of heap gets what to do about it: the limit is Node's, set by
 * --max-old-space-size, which the task process takes from NODE_OPTIONS in weir run's environment.
 */
function describeFatal(how: string, fatal: string): string {
  if (/heap out of memory/i.test(fatal))
    return `weir execute ${how}: the task's process ran out of memory (its JavaScript heap reached Node's limit: '${fatal.slice(V8_FATAL.length)}'). Raise the limit with NODE_OPTIONS=--max-old-space-size=<MiB> (task processes inherit weir run's environment), or make the handler hold less at once (return a stream for large data).`
  return `weir execute ${how}: V8 stopped it with '${fatal}'.`
}

function refuse(message: string, code: string): RemotePreparation {
  return { ok: false, outcome: failed(message, code, false) }
}

function failed(message: string, code: string, recoverable = true): AttemptOutcome {
  const error: ErrorInfo = { code, message, origin: 'system', recoverable }
  return { status: 'failed', error, values: {} }
}
