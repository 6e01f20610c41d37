/** Shared helpers of the runtime tests: pipelines from YAML text, a scripted executor, a tiny IoManager. */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { validateSpec } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import type { AttemptOutcome, AttemptRequest, Executor, IoManager, IoPlugin, StoredRef } from '../../../src/plugins/types.ts'

export async function tempDir(prefix = 'weir-runtime-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Resolves spec text to a Pipeline without looking at handler files. */
export async function pipelineFromYaml(yaml: string, dir = tmpdir()): Promise<Pipeline> {
  const result = await validateSpec(yaml, { path: join(dir, 'pipeline.yaml'), checkHandlers: false, plugins: builtinCatalog() })
  if (!result.pipeline) throw new Error(`invalid test spec:\n${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n')}`)
  return result.pipeline
}

/** Builds `apiVersion/kind/name` + tasks YAML from a compact map: id → extra task lines. */
export function specText(name: string, tasks: Record<string, string>, head = ''): string {
  const body = Object.entries(tasks)
    .map(([id, extra]) => `  ${id}:\n    handler: ./h.ts#${id}\n${extra.split('\n').filter(Boolean).map((l) => `    ${l}`).join('\n')}`)
    .join('\n')
  return `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\n${head}tasks:\n${body}\n`
}

export type Script = (request: AttemptRequest) => AttemptOutcome | Promise<AttemptOutcome>

export const ok = (): AttemptOutcome => ({ status: 'succeeded', values: {} })
export const fail = (message = 'boom', extra: Partial<Extract<AttemptOutcome, { status: 'failed' }>['error']> = {}): AttemptOutcome => ({
  status: 'failed',
  error: { code: 'HANDLER_ERROR', message, origin: 'user', recoverable: true, ...extra },
  values: {},
})

/** An executor that answers each task from a script (default: succeed), and records the calls. */
export function scriptedExecutor(scripts: Record<string, Script> = {}): Executor & { calls: AttemptRequest[] } {
  const calls: AttemptRequest[] = []
  return {
    calls,
    async runAttempt(request) {
      calls.push(request)
      return (scripts[request.task.id] ?? ok)(request)
    },
  }
}

/** A minimal IoManager kept in a Map, registered under `type` (default `fs`, the pipelines' default io). */
export function mapIo(type = 'fs'): IoPlugin<never> & { store: Map<string, unknown>; reads: string[] } {
  const store = new Map<string, unknown>()
  const reads: string[] = []
  const manager: IoManager = {
    async write(key, value) {
      const uri = `test://${key.runId}/${key.taskId}${key.item === undefined ? '' : `/items/${key.item}`}`
      store.set(uri, structuredClone(value))
      return { uri, format: 'json', io: type } satisfies StoredRef
    },
    async read(ref) {
      reads.push(ref.uri)
      if (!store.has(ref.uri)) throw new Error(`no such output ${ref.uri}`)
      return structuredClone(store.get(ref.uri))
    },
  }
  return { type, configSchema: { type: 'object' }, create: () => manager, store, reads }
}

/** Lets pending I/O and promises settle (setImmediate is left real under our fake timers) until `check` holds. */
export async function until(check: () => boolean, limitMs = 10_000): Promise<void> {
  // performance.now is not faked by our fake timers, so the limit is real time (a loaded machine is slow).
  const deadline = performance.now() + limitMs
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition never held')
    await new Promise((r) => setImmediate(r))
  }
}
