/**
 * The cache verdicts `weir run --dry-run` and `--explain-cache` print, made with the spec's own
 * IoManagers (so a gcs cache is asked, as the run would ask it).
 */
import { resolve } from 'node:path'
import type { PluginEnv } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import type { CacheSettings } from '../runtime/cache/task-cache.ts'
import type { CacheVerdict } from '../runtime/cache/explain-cache.ts'
import type { KnownResult } from '../runtime/cache/predict-cache.ts'
import type { RunRecord } from '../runtime/run-store/records.ts'
import type { Palette } from './colors.ts'
import { formatVerdict } from './display/cache-verdict.ts'

const silent = { debug() {}, info() {}, warn() {}, error() {} }

async function toolsFor(pipeline: Pipeline, stateDir: string) {
  const [{ createIoManagers }, { builtinIo }, { findProjectRoot }, { createSecretHasher }] = await Promise.all([
    import('../runtime/io-managers.ts'),
    import('../plugins/builtins.ts'),
    import('../spec/project-root.ts'),
    import('../runtime/cache/secret-hash.ts'),
  ])
  const env: PluginEnv = { cwd: process.cwd(), stateDir: resolve(stateDir), log: silent }
  return { ioManager: createIoManagers(pipeline, builtinIo, env), projectRoot: findProjectRoot(pipeline.sourcePath), secrets: createSecretHasher(env.stateDir, process.env, { readOnly: true }) }
}

/** Every task's verdict before a run (`--dry-run`); reused tasks of a resume are left out. */
export async function predictVerdicts(
  pipeline: Pipeline,
  params: Readonly<Record<string, unknown>>,
  stateDir: string,
  settings: CacheSettings,
  reuse?: ReadonlyMap<string, KnownResult>,
): Promise<Map<string, CacheVerdict>> {
  const { predictCache } = await import('../runtime/cache/predict-cache.ts')
  const tools = await toolsFor(pipeline, stateDir)
  return predictCache({ pipeline, params, settings, ...tools, ...(reuse && { reuse, trigger: 'resume' }), signal: new AbortController().signal })
}

/** `--explain-cache` after a run (or for a recorded one): one block per task. */
export async function explainRecordedRun(
  pipeline: Pipeline,
  run: RunRecord,
  taskIds: readonly string[],
  params: Readonly<Record<string, unknown>>,
  stateDir: string,
  settings: CacheSettings,
  p: Palette,
): Promise<string> {
  const [{ explainRecordedTask }, { createCodeHasher }] = await Promise.all([import('../runtime/cache/explain-run.ts'), import('../runtime/cache/code-hash.ts')])
  const tools = await toolsFor(pipeline, stateDir)
  const deps = { ioManager: tools.ioManager, hasher: createCodeHasher(tools.projectRoot), secrets: tools.secrets, settings, signal: new AbortController().signal }
  const blocks: string[] = []
  for (const id of taskIds) {
    const { verdict, basis } = await explainRecordedTask(pipeline, run, id, params, deps)
    const record = run.tasks[id]
    const status = record?.reusedFrom !== undefined ? 'reused' : record?.cachedFrom ? 'cached' : record?.status
    blocks.push(formatVerdict(pipeline.tasks.get(id)!, verdict, p, { ...(status && { status: `${status} in run ${run.runId}` }), basis }))
  }
  return blocks.join('')
}
