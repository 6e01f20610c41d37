/**
 * One attempt of one task in this process: what `weir execute` does (commands/execute.ts) once told
 * how to find the spec's Pipeline. The command validates the spec, or reads it again for the run
 * that validated it; the plan entry (execute-plan-main.ts) reads the run's spec plan only, in a
 * bundle without the validation. The contract (files, exit codes) is in
 * src/runtime/execute/contract.ts and docs/remote.md.
 */
import { resolve } from 'node:path'
import { parseCommandArgs } from './args.ts'
import { printHelp } from './help/format-help.ts'
import { EXECUTE_HELP } from './help/execute.ts'
import { CliError } from './errors.ts'
import type { Pipeline } from '../spec/model.ts'
import { EXECUTE_EXIT, PARAMS_RESOLVED_ENV, TASK_VALUE_DIR_ENV } from '../runtime/execute/contract.ts'
import { PARENT_PIPE_ENV } from '../runtime/execute/parent-pipe.ts'
import { checkFolder, checkRunId, parseAttempt, parseItemIndex, parseInputsLocation, parseLocation, parseMaxItems, parseScheduledAt, parseTrigger } from './execute-args.ts'
import { readInputsDocument } from './check-inputs-document.ts'
import { checkSpecFile } from './check-spec-file.ts'
import { quoteValue } from './quote-value.ts'
import { suggestFix } from '../spec/did-you-mean.ts'
import { guardEarlyExit } from './guard-unfinished-exit.ts'
import { endAttemptProcess } from './end-attempt-process.ts'
import { reportUnhandledRejections } from './report-unhandled-rejections.ts'
import { reportUncaughtErrors } from './report-uncaught-errors.ts'
import { firstLine, storageFailure } from './storage-failure.ts'
// Everything else (the runtime, the IoManagers) is imported once the arguments are known to be
// good: `execute --help` and a usage error cost a bare start.

/** The Pipeline of the spec file at `spec` (as given on the command line), or a CliError saying why there is none. */
export type PipelineLoader = (spec: string) => Promise<Pipeline>

export async function executeAttempt(args: string[], loadPipeline: PipelineLoader): Promise<number> {
  const { values, positionals } = parseCommandArgs('execute', args, {
    spec: { type: 'string' },
    task: { type: 'string' },
    'run-id': { type: 'string' },
    inputs: { type: 'string' },
    'output-prefix': { type: 'string' },
    param: { type: 'string', multiple: true },
    attempt: { type: 'string' },
    'item-index': { type: 'string' },
    'list-items': { type: 'boolean' },
    'max-items': { type: 'string' },
    trigger: { type: 'string' },
    'scheduled-at': { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(EXECUTE_HELP)
  if (positionals.length > 0) throw new CliError(`execute: unexpected argument ${quoteValue(positionals[0]!)}; every value goes with its flag ('weir execute --help' lists them).`)
  const spec = required(values.spec, 'spec')
  const taskId = required(values.task, 'task')
  const runId = checkRunId(required(values['run-id'], 'run-id'))
  const attempt = parseAttempt(values.attempt)
  const itemIndex = parseItemIndex(values['item-index'])
  const maxItems = parseMaxItems(values['max-items'], values['list-items'] === true)
  const scheduledAt = parseScheduledAt(values['scheduled-at'])
  const trigger = parseTrigger(values.trigger)
  const cwd = process.cwd()
  const inputs = values.inputs === undefined ? undefined : parseInputsLocation(values.inputs, cwd)
  const outputPrefix = values['output-prefix'] === undefined ? undefined : parseLocation('output-prefix', values['output-prefix'], cwd)
  if (outputPrefix?.kind === 'local') await checkFolder('output-prefix', values['output-prefix']!, outputPrefix.path)
  const stateDir = values['state-dir'] ?? process.env.WEIR_STATE_DIR ?? '.weir'
  await checkFolder('state-dir', stateDir, resolve(cwd, stateDir))

  await checkSpecFile('execute', spec, '--spec')
  const pipeline = await loadPipeline(spec)
  const deps = await import('./execute-deps.ts')
  if (!pipeline.tasks.has(taskId))
    throw new CliError(`execute: Pipeline '${pipeline.name}' has no task ${quoteValue(taskId)}${suggestFix(taskId, pipeline.tasks.keys(), 'its tasks', 'it has no tasks')}`)
  // A handler that blocks the event loop past its task's timeout would hold the process for good:
  // SIGTERM and the timeout's own timer both need the loop (blocked-loop-watchdog.ts). Its thread
  // starts now, while the rest loads, for a task with a timeout (a list step runs no handler). Not
  // under the subprocess executor, whose parent times the attempt itself and kills a process that
  // does not stop: the thread would cost each such task 10-20 ms for nothing.
  deps.enableBlockedLoopWatchdog()
  const parentTimesIt = process.env[PARENT_PIPE_ENV] !== undefined
  if (pipeline.tasks.get(taskId)!.timeoutMs !== undefined && values['list-items'] !== true && !parentTimesIt) deps.startBlockedLoopWatchdog()
  const inputsDocument = inputs && (await readInputsDocument(values.inputs!, inputs, pipeline, cwd))
  const { createStderrLogger, executeTask, ExecuteUsageError, builtinIo, runOfArguments } = deps
  const runtime = deps
  // Job parameters are strings, and an engine passes an unset one as empty: that means "not given",
  // unless the subprocess executor says the values are a run's resolved params. Not inherited by handlers' children.
  const emptyIsUnset = process.env[PARAMS_RESOLVED_ENV] !== '1'
  delete process.env[PARAMS_RESOLVED_ENV]
  let params: Record<string, unknown>
  try {
    params = await runtime.resolveParams(pipeline, runtime.parseParamArgs(pipeline, values.param ?? [], { emptyIsUnset }))
  } catch (error) {
    throw new CliError(`execute: ${(error as Error).message}`)
  }

  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(Object.assign(new Error(`stopped by ${signal}`), { code: 'TASK_CANCELLED', signal }))
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  // A promise the handler left rejected fails the task: one line, not a stack (report-unhandled-rejections.ts).
  reportUnhandledRejections()
  reportUncaughtErrors()
  // A handler awaiting something that holds no handle would let Node exit 0 mid-attempt: hold one.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  // A handler that ends the process (process.exit(0), process.exit(3)) must not choose what the
  // engine sees: exit 1, a failed attempt, retried as the task's policy says (guard-unfinished-exit.ts).
  const guard = guardEarlyExit(
    // No full stop: the subprocess executor quotes this line inside its own sentence.
    (_code, handlerCode) =>
      `weir: execute: task '${taskId}': the process is exiting before the attempt finished${handlerCode === undefined ? '' : ` (a handler called process.exit(${handlerCode})); exiting 1, the attempt failed`}\n`,
  )
  let verdict: number | undefined
  const log = createStderrLogger(taskId)
  try {
    const result = await executeTask({
      pipeline,
      taskId,
      runId,
      params,
      ...(inputsDocument && { inputs: inputsDocument }),
      ...(values['output-prefix'] !== undefined && { outputPrefix: values['output-prefix'] }),
      ...(attempt !== undefined && { attempt }),
      ...(itemIndex !== undefined && { itemIndex }),
      ...(values['list-items'] && { listItems: listItemsOptions(maxItems) }),
      env: { cwd, stateDir, log },
      ioPlugins: builtinIo,
      signal: controller.signal,
      run: runOfArguments(pipeline, trigger, scheduledAt, log),
    })
    verdict = result.exitCode
    if (result.message) process.stderr.write(deps.executeReport(taskId, result.message))
    return result.exitCode
  } catch (error) {
    if (error instanceof ExecuteUsageError) throw new CliError(`execute: ${error.message}`)
    throw asSystemError(error)
  } finally {
    guard.finished(verdict)
    clearInterval(keepAlive)
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    // Not when the event loop is empty: what a handler left running would hold the process (end-attempt-process.ts).
    endAttemptProcess(verdict, deps.tellParentRecorded)
  }
}

/**
 * Storage and the machine failing mid-attempt are system errors (exit 4: a retry may help), told in
 * one line. A contract document that is not JSON is reported without its text.
 */
function asSystemError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  // Missing credentials stay missing: tell the engine not to retry.
  if (code === 'IO_NO_CREDENTIALS') return new CliError(`execute: ${(error as Error).message}`, EXECUTE_EXIT.nonRecoverable)
  if (typeof code === 'string' && code.startsWith('IO_')) return new CliError(`execute: ${(error as Error).message}`, EXECUTE_EXIT.systemError)
  if (storageFailure(error) === 'network') return new CliError(`execute: ${firstLine(error)} (a connection failed; a retry may help)`, EXECUTE_EXIT.systemError)
  if (typeof code === 'string' && FS_ERRORS.has(code)) {
    const path = (error as NodeJS.ErrnoException).path
    return new CliError(`execute: cannot write${path ? ` '${path}'` : ''} (${code}); check --output-prefix and --state-dir.`, EXECUTE_EXIT.systemError)
  }
  if (error instanceof SyntaxError)
    return new CliError(`execute: a document of this run (outputs.json or error.json under the output prefix) is not valid JSON; remove it or run the task under another --run-id.`, EXECUTE_EXIT.systemError)
  return error
}

const FS_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EDQUOT'])

/** `--list-items`: the engine's bound on the index list, and where the engine picks it up (set by the generated task). */
function listItemsOptions(maxItems: number | undefined): { maxItems?: number; taskValueDir?: string } {
  const dir = process.env[TASK_VALUE_DIR_ENV]
  return { ...(maxItems !== undefined && { maxItems }), ...(dir !== undefined && dir !== '' && { taskValueDir: resolve(dir) }) }
}

/** The refusal of a spec whose text is not the one its run validated (exit 2: no retry can help). */
export function specChanged(spec: string, validated: string, now: string): CliError {
  return new CliError(
    `execute: ${spec} changed since the run started (its sha256 is ${now.slice(0, 12)}…, the run validated ${validated.slice(0, 12)}…); the task is not run. Start a new run, or resume this one, to run the spec as it is now.`,
  )
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError(`execute: --${name} is required; run 'weir execute --help' for usage.`)
  return value
}
