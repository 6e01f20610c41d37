/**
 * `--explain-cache TASK`: the cache's verdict on a task, written for someone asking "why did this
 * re-run?" (or, with --dry-run, "will it?"): hit or miss, and on a miss which part of the key
 * changed since the task's latest entry, down to the file, input or param where the entries say.
 */
import type { CacheVerdict } from '../../runtime/cache/explain-cache.ts'
import type { Task } from '../../spec/model.ts'
import type { Palette } from '../colors.ts'

export interface VerdictContext {
  /** How the run ended for the task (explaining a recorded run), e.g. `succeeded`. */
  readonly status?: string
  /** `recomputed`: the run stored no entry for the task, so its key was made now. */
  readonly basis?: 'entry' | 'record' | 'recomputed'
}

export function formatVerdict(task: Task, verdict: CacheVerdict, p: Palette, ctx: VerdictContext = {}): string {
  const head = `${p.bold(`Cache of ${task.id}`)}${ctx.status ? ` (${ctx.status})` : ''}: `
  const lines = [head + describe(task, verdict, p)]
  if (verdict.kind === 'miss')
    for (const change of verdict.changes) {
      const details = change.details.length > 0 ? change.details : ['changed']
      details.forEach((d, i) => lines.push(`  ${(i === 0 ? change.component : '').padEnd(8)} ${d}`))
    }
  if (ctx.basis === 'recomputed' && verdict.kind !== 'off')
    lines.push(p.dim('  (the run stored no cache entry for this task, so its key was made now, from the current code and the outputs the run recorded)'))
  return lines.join('\n') + '\n'
}

function describe(task: Task, verdict: CacheVerdict, p: Palette): string {
  switch (verdict.kind) {
    case 'hit':
      return `${p.green('hit')}: the result of run ${verdict.entry.runId} is reused (key ${verdict.entry.key.slice(0, 12)})`
    case 'off':
      switch (verdict.reason) {
        case 'uncached':
          return 'not cached: the task has no cache: setting, or cache: false'
        case 'no-cache':
          return 'not cached: --no-cache'
        case 'no-index':
          return `not cached: its IoManager '${task.io}' keeps no cache index, so the task always runs`
        case 'unhashable':
          return 'not cached: an input reads an output that cannot be hashed by content (a table without a content hash), so the task always runs'
      }
      return 'not cached'
    case 'reused':
      return `not looked up: --resume reused the result of run ${verdict.fromRunId}, not the cache's`
    case 'items': {
      const from = verdict.fromRuns.length === 0 ? '' : ` (from run${verdict.fromRuns.length === 1 ? '' : 's'} ${verdict.fromRuns.slice(0, 3).join(', ')}${verdict.fromRuns.length > 3 ? ', …' : ''})`
      const hits = verdict.hits === verdict.total ? p.green(`${verdict.hits} of ${verdict.total} items hit`) : `${verdict.hits} of ${verdict.total} items hit`
      return `cached item by item: ${hits}${from}; ${verdict.ran} ran${verdict.reused ? `; ${verdict.reused} reused by --resume` : ''}`
    }
    case 'unknown':
      if (verdict.reason === 'items') return `${p.yellow('per item')}: a mapped task is cached item by item, each item's key made from its value as it runs, so the run decides`
      if (verdict.reason === 'error') return `${p.yellow('unknown')}: the cache could not be read (${verdict.message}); a run would run the task`
      return `${p.yellow('unknown')} before the run: its key needs the output of ${verdict.upstream.join(', ')}, which would run first; it hits if that output comes out byte-identical (early cutoff)`
    case 'miss': {
      const from = verdict.previous ? `run ${verdict.previous.runId}${verdict.previous.createdAt ? ` (${verdict.previous.createdAt.slice(0, 19).replace('T', ' ')} UTC)` : ''}` : ''
      const miss = `${p.yellow('miss')} (${verdict.reason})`
      switch (verdict.reason) {
        case 'new':
          return `${miss}: no entry for this task yet (its first cached run, or its entries were cleared)`
        case 'changed':
          return `${miss}: the key differs from the task's latest entry, made by ${from}, in ${verdict.changes.map((c) => c.component).join(', ')}:`
        case 'expired':
          return `${miss}: the entry of ${from} has this key but is older than the task's ttl`
        case 'deleted':
          return `${miss}: the entry of ${from} has this key but its output was deleted or replaced (written over since)`
        case 'damaged':
          if (!verdict.previous) return `${miss}: the entry at this key is damaged: it could not be read (cut short, not JSON), or it is not what this task could have stored (another address, an output outside its IoManager); the task runs and replaces it`
          return `${miss}: the entry of ${from} has this key but holds task values the task's values: declaration refuses (it was edited); the task runs and replaces it`
        case 'refresh':
          return `${miss}: --refresh ${task.id}: the task runs and replaces the entry ${verdict.previous ? `of ${from}` : 'at this key'}`
      }
    }
  }
}
