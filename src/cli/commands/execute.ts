/**
 * `weir execute`: the remote entry point. Runs exactly one attempt of one task in this process (what
 * every Databricks/Argo task and every `--executor subprocess` attempt runs). The contract (files,
 * exit codes) is in src/plugins/executors/subprocess/contract.ts and docs/remote.md.
 */
import { parseCommandArgs } from '../args.ts'
import { CliError, EXIT } from '../errors.ts'
import { validateSpecFile } from '../../spec/validate.ts'
import { hasErrors } from '../../spec/diagnostics.ts'
import { builtinCatalog } from '../../plugins/catalog.ts'
import { EXECUTE_EXIT } from '../../plugins/executors/subprocess/contract.ts'

const USAGE = `Usage: weir execute --spec PATH --task ID --run-id ID [options]

Runs one attempt of one task in this process: the command every remote task and every
'weir run --executor subprocess' attempt runs.
  --spec PATH            the pipeline spec
  --task ID              the task to run
  --run-id ID            the run this attempt belongs to
  --inputs URI           inputs.json listing the upstream outputs and values (default: read each
                         upstream task's outputs.json, found from the run id and its IoManager)
  --output-prefix URI    where the output, outputs.json, values.json and error.json go (file://, gs://
                         or a path; default: the folder the task's IoManager uses for this run)
  --param NAME=VALUE     a param (repeatable); an empty VALUE counts as not given
  --attempt N            1-based attempt number (default: one more than a previous error.json's)
  --trigger NAME         run.trigger seen by inputs (default manual)
  --scheduled-at ISO     run.scheduled_at seen by inputs
  --state-dir DIR        local state for the fs IoManager (default $WEIR_STATE_DIR or .weir)
Exit: 0 ok, 1 the task failed (a retry may help), 2 usage or invalid spec,
      3 non-recoverable failure (do not retry), 4 system error (a retry may help), 130/143 cancelled.
`

export async function execute(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('execute', args, {
    spec: { type: 'string' },
    task: { type: 'string' },
    'run-id': { type: 'string' },
    inputs: { type: 'string' },
    'output-prefix': { type: 'string' },
    param: { type: 'string', multiple: true },
    attempt: { type: 'string' },
    trigger: { type: 'string' },
    'scheduled-at': { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  if (positionals.length > 0) throw new CliError(`execute: unexpected argument '${positionals[0]}'; run 'weir execute --help' for usage.`)
  const spec = required(values.spec, 'spec')
  const taskId = required(values.task, 'task')
  const runId = required(values['run-id'], 'run-id')
  const attempt = values.attempt === undefined ? undefined : Number(values.attempt)
  if (attempt !== undefined && (!Number.isInteger(attempt) || attempt < 1)) throw new CliError(`execute: --attempt must be a whole number from 1, not '${values.attempt}'.`)

  // Handlers are checked when the task loads its own (load-handler.ts, at that moment, with an
  // error.json): a handler of another task does not stop this one, and both executors agree (#15).
  const { pipeline, diagnostics } = await validateSpecFile(spec, { plugins: builtinCatalog(), checkHandlers: false })
  if (!pipeline || hasErrors(diagnostics)) {
    const first = diagnostics.find((d) => d.severity === 'error')
    throw new CliError(`execute: ${spec}${first ? `:${first.line}:${first.column}: ${first.code}: ${first.message}` : ' is invalid'} (run 'weir spec validate ${spec}').`)
  }
  const runtime = await import('../../runtime/index.ts')
  const { createStderrLogger, executeTask, ExecuteUsageError } = await import('../../plugins/executors/subprocess/execute-task.ts')
  // Job parameters are strings, and an engine passes an unset one as empty: that means "not given".
  const given = (values.param ?? []).filter((p) => !/^[^=]+=$/.test(p))
  let params: Record<string, unknown>
  try {
    params = await runtime.resolveParams(pipeline, runtime.parseParamArgs(pipeline, given))
  } catch (error) {
    throw new CliError(`execute: ${(error as Error).message}`)
  }

  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(Object.assign(new Error(`stopped by ${signal}`), { code: 'TASK_CANCELLED', signal }))
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  // A handler awaiting something that holds no handle would let Node exit 0 mid-attempt: hold one.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  try {
    const result = await executeTask({
      pipeline,
      taskId,
      runId,
      params,
      ...(values.inputs !== undefined && { inputs: values.inputs }),
      ...(values['output-prefix'] !== undefined && { outputPrefix: values['output-prefix'] }),
      ...(attempt !== undefined && { attempt }),
      env: { cwd: process.cwd(), stateDir: values['state-dir'] ?? process.env.WEIR_STATE_DIR ?? '.weir', log: createStderrLogger(taskId) },
      signal: controller.signal,
      run: { trigger: values.trigger ?? 'manual', ...(values['scheduled-at'] !== undefined && { scheduledAt: values['scheduled-at'] }) },
    })
    if (result.message) process.stderr.write(`weir: execute: task '${taskId}': ${result.message}\n`)
    // A handler that ignores its signal may keep the event loop alive; do not wait for it.
    setTimeout(() => process.exit(result.exitCode), 2000).unref()
    return result.exitCode
  } catch (error) {
    if (error instanceof ExecuteUsageError) throw new CliError(`execute: ${error.message}`)
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('IO_')) throw new CliError(`execute: ${(error as Error).message}`, EXECUTE_EXIT.systemError)
    throw error
  } finally {
    clearInterval(keepAlive)
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  }
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError(`execute: --${name} is required; run 'weir execute --help' for usage.`)
  return value
}
