/**
 * `weir cache list|clear`: the cache entries of a spec's IoManagers, or of the state dir's fs
 * outputs (docs/caching.md). `clear` removes entries only, never outputs: a recorded run keeps
 * every output it points to. `weir cache explain SPEC TASK`: why the task hit or ran in a recorded run.
 */
import { join } from 'node:path'
import type { CacheEntry, CacheIndex, PluginEnv } from '../../plugins/types.ts'
import { builtinIo } from '../../plugins/builtins.ts'
import { fsIo } from '../../plugins/io/fs/index.ts'
import { parseDuration } from '../../spec/duration.ts'
import { parseCommandArgs } from '../args.ts'
import { CliError } from '../errors.ts'
import { checkPipelineOption, checkTaskOption } from '../check-id-options.ts'
import { CACHE_HELP } from '../help/cache.ts'
import { printHelp } from '../help/format-help.ts'
import { loadValidPipeline } from '../report-diagnostics.ts'
import { resolveRunId } from '../resolve-run-id.ts'
import { shellWord } from '../shell-word.ts'
import { createPalette, shouldColor } from '../colors.ts'

export async function cache(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('cache', args, {
    pipeline: { type: 'string' },
    task: { type: 'string' },
    'older-than': { type: 'string' },
    json: { type: 'boolean' },
    'state-dir': { type: 'string' },
    run: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(CACHE_HELP)
  checkPipelineOption('cache', values.pipeline)
  checkTaskOption('cache', values.task)
  const [action, specPath, ...rest] = positionals
  if (action === 'explain') return explain(specPath, rest, values['run'] ?? 'latest', values['state-dir'] ?? '.weir')
  if (values.run !== undefined) throw new CliError("cache: --run is an option of 'weir cache explain'.")
  if (action !== 'list' && action !== 'clear')
    throw new CliError(`cache: say what to do: 'weir cache list', 'weir cache clear' or 'weir cache explain'${action === undefined ? '' : `, not '${action}'`}.`)
  if (rest.length > 0) throw new CliError(`cache: takes at most one spec file, not ${rest.length + 1}.`)
  const olderThanMs = values['older-than'] === undefined ? undefined : parseDuration(values['older-than'])
  if (values['older-than'] !== undefined && olderThanMs === undefined)
    throw new CliError(`cache: --older-than must be a duration such as '30d' or '12h', not '${values['older-than']}'.`)
  const stateDir = values['state-dir'] ?? '.weir'
  const env: PluginEnv = { cwd: process.cwd(), stateDir, log: { debug() {}, info() {}, warn() {}, error() {} } }
  const { indexes, pipeline } = await indexesOf(specPath, env)
  if (pipeline !== undefined && values.pipeline !== undefined && values.pipeline !== pipeline)
    throw new CliError(`cache: --pipeline '${values.pipeline}' differs from the spec's pipeline '${pipeline}'; leave one out.`)
  const filter = { ...((pipeline ?? values.pipeline) !== undefined && { pipeline: (pipeline ?? values.pipeline)! }), ...(values.task !== undefined && { task: values.task }) }
  if (filter.task !== undefined && filter.pipeline === undefined) throw new CliError('cache: --task needs the pipeline: give a SPEC or --pipeline NAME.')
  const signal = new AbortController().signal
  const cutoff = olderThanMs === undefined ? undefined : Date.now() - olderThanMs
  const found: { entry: CacheEntry; index: CacheIndex }[] = []
  const seen = new Set<string>()
  for (const index of indexes)
    for (const entry of await index.list(filter, signal)) {
      // Two io entries may share one root: list each entry once.
      const id = `${entry.pipeline}/${entry.task}/${entry.key}/${entry.output?.uri ?? ''}`
      if (seen.has(id) || (cutoff !== undefined && !(Date.parse(entry.createdAt) < cutoff))) continue
      seen.add(id)
      found.push({ entry, index })
    }
  found.sort((a, b) => (a.entry.createdAt < b.entry.createdAt ? 1 : -1))
  if (action === 'clear') {
    for (const { entry, index } of found) await index.remove(entry, { output: false }, signal)
    process.stdout.write(values.json ? `${JSON.stringify({ removed: found.length })}\n` : `removed ${found.length} cache entr${found.length === 1 ? 'y' : 'ies'} (outputs are kept)\n`)
    return 0
  }
  if (values.json) {
    const rows = found.map(({ entry: e }) => ({ pipeline: e.pipeline, task: e.task, key: e.key, runId: e.runId, createdAt: e.createdAt, ...(e.output && { output: e.output.uri }) }))
    process.stdout.write(`${JSON.stringify(rows)}\n`)
    return 0
  }
  if (found.length === 0) {
    process.stdout.write('no cache entries\n')
    return 0
  }
  const lines = found.map(({ entry: e }) => [e.pipeline, e.task, e.key.slice(0, 12), e.runId, e.createdAt.slice(0, 19).replace('T', ' '), e.output?.uri ?? '-'])
  const head = ['PIPELINE', 'TASK', 'KEY', 'RUN', 'CREATED (UTC)', 'OUTPUT']
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  for (const row of [head, ...lines]) process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`)
  return 0
}

/** `weir cache explain SPEC TASK… [--run RUN_ID]`: why each task hit or ran in that run (the newest by default). */
async function explain(specPath: string | undefined, taskIds: readonly string[], runArg: string, stateDir: string): Promise<number> {
  if (specPath === undefined || taskIds.length === 0) throw new CliError("cache explain: pass the spec and a task, e.g. 'weir cache explain pipelines/orders.yaml summarize'.")
  const pipeline = await loadValidPipeline('cache', specPath)
  for (const id of taskIds)
    if (!pipeline.tasks.has(id)) throw new CliError(`cache explain: pipeline '${pipeline.name}' has no task '${id}'; tasks: ${[...pipeline.tasks.keys()].join(', ')}.`)
  const runId = await resolveRunId('cache explain', runArg, pipeline.name, stateDir, { shownStateDir: stateDir, runCommand: `weir run ${shellWord(specPath)}` })
  const { loadRun, resolveParams } = await import('../../runtime/index.ts')
  const record = await loadRun(stateDir, runId)
  if (!record) throw new CliError(`cache explain: no run '${runId}' in '${stateDir}'; 'weir runs' lists the runs there.`)
  if (record.pipeline !== pipeline.name) throw new CliError(`cache explain: run '${runId}' is a run of pipeline '${record.pipeline}', not '${pipeline.name}'.`)
  // The run's own params (a secret is recorded redacted: explaining by entry does not need it).
  const params = await resolveParams(pipeline, Object.fromEntries(Object.entries(record.params).filter(([name]) => Object.hasOwn(pipeline.params, name)))).catch(() => record.params)
  const { explainRecordedRun } = await import('../cache-verdicts.ts')
  process.stdout.write(await explainRecordedRun(pipeline, record, taskIds, params, stateDir, {}, createPalette(shouldColor(process.stdout))))
  return 0
}

/** The cache indexes to look in: every `io:` entry of the spec, or the state dir's fs outputs. */
async function indexesOf(specPath: string | undefined, env: PluginEnv): Promise<{ indexes: CacheIndex[]; pipeline?: string }> {
  if (specPath === undefined) {
    const index = fsIo.create({ root: join(env.stateDir, 'data') }, env).cache
    return { indexes: index ? [index] : [] }
  }
  const pipeline = await loadValidPipeline('cache', specPath)
  const { createIoManagers } = await import('../../runtime/io-managers.ts')
  const lookup = createIoManagers(pipeline, builtinIo, env)
  const indexes = Object.keys(pipeline.io).flatMap((name) => {
    const index = lookup(name).cache
    return index ? [index] : []
  })
  return { indexes, pipeline: pipeline.name }
}
