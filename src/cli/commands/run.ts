/**
 * `weir run SPEC`: validate the spec, run it locally, show progress, exit 0 / 1 / 2 (DESIGN.md).
 * Ctrl-C or SIGTERM cancels gracefully (running tasks are aborted and given a grace period);
 * a second Ctrl-C exits at once.
 */
import { existsSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseCommandArgs, choice } from '../args.ts'
import { printHelp } from '../help/format-help.ts'
import { RUN_HELP } from '../help/run.ts'
import { CliError, EXIT } from '../errors.ts'
import { loadValidPipeline } from '../report-diagnostics.ts'
import { resolveRunId } from '../resolve-run-id.ts'
import { createPalette, shouldColor } from '../colors.ts'
import type { ExecutorPlugin } from '../../plugins/types.ts'
import type { Pipeline } from '../../spec/model.ts'
import type { CacheSettings } from '../../runtime/cache/task-cache.ts'
import type { Palette } from '../colors.ts'
import type { RunEvent, RunResult } from '../../runtime/api.ts'
import { failedItemLines } from '../display/map-items.ts'
import { createTaskBoard } from '../display/task-board.ts'
import { createPlainDisplay } from '../display/plain-display.ts'
import { createLiveDisplay } from '../display/live-display.ts'
import { formatSummary } from '../display/summary.ts'
import { formatPlan } from '../display/plan.ts'
import { guardUnfinishedExit } from '../guard-unfinished-exit.ts'
import { exitAsWeir } from '../../runtime/own-exit.ts'
import { fitYoungGeneration } from '../young-generation.ts'
import { enableBlockedLoopWatchdog } from '../../runtime/blocked-loop-watchdog.ts'
import { reportUnhandledRejections } from '../report-unhandled-rejections.ts'
import { reportUncaughtErrors } from '../report-uncaught-errors.ts'
import { resumeCommand } from '../resume-command.ts'
import { shellWord } from '../shell-word.ts'
import { divertStdoutToStderr } from '../divert-stdout.ts'
import { escapeControls } from '../escape-controls.ts'

const EXECUTORS = ['inprocess', 'subprocess'] as const

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', args, {
    param: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    executor: { type: 'string' },
    resume: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'fail-fast': { type: 'boolean' },
    'params-stdin': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    refresh: { type: 'string', multiple: true },
    'explain-cache': { type: 'string', multiple: true },
    json: { type: 'boolean' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(RUN_HELP)
  if (positionals.length === 0) throw new CliError("run: pass the spec file to run, e.g. 'weir run pipelines/orders.yaml'; 'weir run --help' lists the options.")
  if (positionals.length > 1) throw new CliError(`run: takes one spec file, not ${positionals.length}; run them one at a time.`)
  const specPath = positionals[0]!
  // Without --executor the run uses the runtime's default (attempts in this process).
  const executorName = values.executor === undefined ? undefined : choice('run', 'executor', values.executor, EXECUTORS, 'inprocess')
  const concurrency = parseConcurrency(values.concurrency)
  const stateDir = values['state-dir'] ?? '.weir'
  // Before anything reads the spec: a large one keeps V8's young generation small (young-generation.ts).
  fitYoungGeneration(sizeOf(specPath))
  // A promise a handler left rejected: one line, not a stack (report-unhandled-rejections.ts).
  reportUnhandledRejections()
  reportUncaughtErrors()
  // A handler that blocks the loop past its timeout would otherwise hang the run for good.
  enableBlockedLoopWatchdog((runId) => resumeCommand(specPath, runId, values['state-dir']))
  const pipeline = await loadValidPipeline('run', specPath)
  const refresh = values.refresh ?? []
  const explain = values['explain-cache'] ?? []
  for (const [flag, ids] of [['--refresh', refresh], ['--explain-cache', explain]] as const)
    for (const id of ids)
      if (!pipeline.tasks.has(id)) throw new CliError(`run: ${flag} names task '${id}', which pipeline '${pipeline.name}' does not have; tasks: ${[...pipeline.tasks.keys()].join(', ')}.`)
  const cacheSettings = { disabled: values['no-cache'] === true, refresh: new Set(refresh) }
  const resume = values.resume === undefined ? undefined : await resolveRunId('run', values.resume, pipeline.name, stateDir, { shownStateDir: stateDir, purpose: ' to resume', runCommand: `weir run ${shellWord(specPath)}` })
  const runtime = await import('../../runtime/index.ts')
  const argParams = await userErrors(async () => runtime.parseParamArgs(pipeline, values.param ?? []))
  const params = values['params-stdin'] ? { ...argParams, ...(await (await import('../read-params-stdin.ts')).readParamsStdin()) } : argParams
  const palette = createPalette(!values.json && shouldColor(process.stdout))

  if (values['dry-run']) {
    const plan = resume === undefined ? undefined : await userErrors(() => runtime.planResumeFromStore(pipeline, stateDir, resume))
    const resolved = await userErrors(() => runtime.resolveParams(pipeline, { ...plan?.params, ...params }))
    const { predictVerdicts } = await import('../cache-verdicts.ts')
    const verdicts = await predictVerdicts(pipeline, resolved, stateDir, cacheSettings, plan?.plan.reuse)
    process.stdout.write(formatPlan(pipeline, plan?.plan, values.json === true, palette, verdicts))
    if (explain.length > 0) {
      const { formatVerdict } = await import('../display/cache-verdict.ts')
      // stdout keeps the one JSON object of --json; the explanation is for a person.
      const out = values.json ? process.stderr : process.stdout
      out.write('\n')
      for (const id of explain) {
        const verdict = verdicts.get(id)
        if (verdict) out.write(formatVerdict(pipeline.tasks.get(id)!, verdict, palette))
        else out.write(`${palette.bold(`Cache of ${id}`)}: not judged: the resume reuses its output from run ${plan?.plan.reuse.get(id)?.fromRunId ?? '?'}\n`)
      }
    }
    return EXIT.ok
  }

  const executor = executorName === undefined ? undefined : await findExecutor(executorName)
  const { runPipeline } = await import('../../run-with-builtins.ts')
  const controller = new AbortController()
  const stopSignals = handleSignals(controller)
  const live = !values.json && process.stdout.isTTY && !process.env.CI
  // The plain display shows each change once: its board need not keep every finished task.
  const board = createTaskBoard({ forgetFinished: !live })
  const title = `${pipeline.name} (${relative(process.cwd(), pipeline.sourcePath) || specPath})`
  const display = values.json
    ? undefined
    : live
      ? createLiveDisplay(process.stdout, board, palette, title)
      : createPlainDisplay(process.stdout, board, palette)
  // Handlers in this process print to stderr: with --json, stdout holds the one object only.
  const writeJson = values.json ? divertStdoutToStderr() : undefined
  const started = Date.now()
  let result: RunResult
  // A handler awaiting something that holds no handle (a stream that never ends) would let Node
  // exit 0 with the run unfinished: hold one until the run ends, as weir execute does.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  // Said after the run's own summary: nothing is lost, the run store only reads slower.
  let summaryError: Extract<RunEvent, { type: 'run:store-error' }> | undefined
  const exitGuard = guardUnfinishedExit(specPath, values['state-dir'])
  try {
    result = await userErrors(() =>
      runPipeline(pipeline, {
        params,
        concurrency,
        stateDir,
        failFast: values['fail-fast'] === true,
        cache: { disabled: cacheSettings.disabled, refresh },
        signal: controller.signal,
        ...(resume !== undefined && { resumeFrom: resume }),
        ...(executor && { executor }),
        // The resume's plan arrives with run:start: the store is read once, by the run itself.
        onEvent: (e: RunEvent) => {
          if (e.type === 'run:start') exitGuard.started(e.runId)
          if (e.type === 'run:start' && e.resume?.specChanged)
            process.stderr.write(`weir: note: ${specPath} changed since run ${e.resume.from}; the reused outputs were made by the old version.\n`)
          display?.onEvent(e)
          if (e.type === 'run:store-error' && e.file === 'journal.jsonl') {
            // After what the display shows so far, and not under its next frame.
            const message = describeStoreError(e, specPath, values['state-dir'])
            if (display) display.note(message, process.stderr)
            else process.stderr.write(message)
          }
          if (e.type === 'run:store-error' && e.file === 'summary.json') summaryError = e
        },
      }),
    )
  } catch (error) {
    // The command fails and says why: the exit code is runCli's.
    exitGuard.finished()
    throw error
  } finally {
    clearInterval(keepAlive)
    display?.stop()
  }
  const signal = stopSignals()
  const verdict = result.status === 'succeeded' ? EXIT.ok : result.status === 'failed' ? EXIT.failed : signal === 'SIGTERM' ? 143 : 130
  // From here on a handler still going (one that ignored its signal) cannot change the exit code.
  exitGuard.finished(verdict)
  if (writeJson) writeJson(JSON.stringify(toJson(result)) + '\n')
  else {
    const logDir = join(runtime.runDir(stateDir, result.runId), 'logs')
    const shownDir = relative(process.cwd(), logDir) || logDir
    process.stdout.write(formatSummary(result, { specPath, ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }), logDir: shownDir, hasLogs: existsSync(logDir), durationMs: Date.now() - started, listAll: pipeline.tasks.size <= 40, failedItems: (id) => failedItemLines(board.tasks.get(id)?.record.items) }, palette))
  }
  if (summaryError) process.stderr.write(describeStoreError(summaryError, specPath, values['state-dir']))
  if (explain.length > 0) await explainAfterRun(pipeline, result.runId, explain, params, stateDir, cacheSettings, values.json === true, palette)
  // A handler that ignored its signal may still hold the event loop; the run is over, so leave.
  setTimeout(() => process.exit(), 500).unref()
  return verdict
}

/**
 * `--explain-cache TASK` after the run: why each task hit or ran, from the run's record and the
 * cache entries (to stderr with --json, whose stdout is one JSON object).
 */
async function explainAfterRun(
  pipeline: Pipeline,
  runId: string,
  taskIds: readonly string[],
  params: Readonly<Record<string, unknown>>,
  stateDir: string,
  settings: CacheSettings,
  json: boolean,
  palette: Palette,
): Promise<void> {
  const runtime = await import('../../runtime/index.ts')
  const record = await runtime.loadRun(stateDir, runId)
  if (!record) return
  const resolved = await runtime.resolveParams(pipeline, { ...record.params, ...params }).catch(() => record.params)
  const { explainRecordedRun } = await import('../cache-verdicts.ts')
  const text = await explainRecordedRun(pipeline, record, taskIds, resolved, stateDir, settings, palette)
  ;(json ? process.stderr : process.stdout).write(`\n${text}`)
}

/** `run --json`: exactly DESIGN.md's object. */
export function toJson(result: RunResult): object {
  const tasks: Record<string, object> = {}
  for (const [id, t] of Object.entries(result.tasks))
    tasks[id] = {
      status: t.status,
      attempts: t.attempts,
      ...(t.output !== undefined && { output: t.output }),
      ...(t.cachedFrom && { cached: true, cachedFrom: t.cachedFrom }),
      ...(t.error && { error: { code: t.error.code, message: t.error.message, origin: t.error.origin } }),
      ...(t.items && { items: t.items }),
    }
  return { runId: result.runId, pipeline: result.pipeline, status: result.status, tasks }
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new CliError(`run: --concurrency must be a whole number of 1 or more, not '${value}'.`)
  return n
}

/**
 * A file of the run that the run store could not write, said at once on stderr. The journal: the run
 * stops, and fails (exit 1); the summary: only a note, the journal has the whole run.
 */
function describeStoreError(e: Extract<RunEvent, { type: 'run:store-error' }>, specPath: string, stateDir: string | undefined): string {
  const shown = relative(process.cwd(), e.path) || e.path
  const cause = escapeControls(e.error.message)
  if (e.file === 'summary.json') return `weir: run: cannot write '${shown}' (${cause}); the run is recorded whole in its journal, which 'weir runs' reads instead.\n`
  return (
    `weir: run: cannot write the run's journal '${shown}' (${cause}); the run stops here: no more tasks start and running ones are cancelled ` +
    `(a resume runs again whatever the journal lacks). Fix the cause (free space, a quota, a file size limit), then resume: ${resumeCommand(specPath, e.runId, stateDir)}\n`
  )
}

/** Errors the user caused (bad params, unknown run) become usage errors: one line, exit 2. */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'PARAM_INVALID' || code === 'RUN_NOT_FOUND' || code === 'RESUME_MISMATCH') throw new CliError(`run: ${(error as Error).message}`)
    // The run store cannot be created or written: the machine's problem, not weir's.
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' || code === 'ENOTDIR')
      throw new CliError(`run: cannot write the run store: ${(error as Error).message}; choose another folder with --state-dir.`, EXIT.failed)
    throw error
  }
}

/** The built-in executor plugin named by `--executor`; the run creates it (with its host) and closes it. */
async function findExecutor(name: string): Promise<ExecutorPlugin<never>> {
  const [{ builtinExecutors }, { createExecutorRegistry }] = await Promise.all([import('../../plugins/builtins.ts'), import('../../plugins/registry.ts')])
  const executors = createExecutorRegistry(builtinExecutors)
  const plugin = executors.get(name)
  if (!plugin) throw new CliError(`run: --executor ${name} is not an executor; use one of ${executors.types().join(', ')}.`)
  return plugin
}

/** A file's size, or 0 when it cannot be told: checkSpecFile then words what is wrong with the path. */
function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** First SIGINT/SIGTERM cancels the run; a second one exits at once. Returns a function that unhooks and reports the signal seen. */
function handleSignals(controller: AbortController): () => NodeJS.Signals | undefined {
  let seen: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (seen) {
      process.stderr.write('\nweir: stopped at once.\n')
      exitAsWeir(signal === 'SIGTERM' ? 143 : 130)
    }
    seen = signal
    process.stderr.write(`\nweir: cancelling the run (${signal}); running tasks get a few seconds to stop. Press Ctrl-C again to exit at once.\n`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    return seen
  }
}
