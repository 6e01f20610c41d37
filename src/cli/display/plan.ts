/**
 * `weir run --dry-run`: what would run, and on `--resume` what would be reused (with the stored
 * output it would reuse) and why the others run again, with how many items of a mapped task that
 * runs again it would reuse; for cached tasks, whether they would hit
 * the cache, and in one word why not (docs/caching.md).
 */
import type { Pipeline } from '../../spec/model.ts'
import type { ResumePlan } from '../../runtime/plan-resume.ts'
import type { CacheVerdict } from '../../runtime/cache/explain-cache.ts'
import { verdictWord } from '../../runtime/cache/explain-cache.ts'
import type { Palette } from '../colors.ts'

export function formatPlan(pipeline: Pipeline, plan: ResumePlan | undefined, json: boolean, p: Palette, cache?: ReadonlyMap<string, CacheVerdict>): string {
  const tasks = pipeline.order.map((id) => {
    const reused = plan?.reuse.get(id)
    // A mapped task that succeeded is reused whole: no output of its own, its items' outputs.
    if (reused) return { id, action: 'reuse' as const, ...(reused.output && { output: reused.output.uri }), ...(reused.map && { items: { total: reused.map.items.length, reused: reused.map.items.length } }), fromRunId: reused.fromRunId }
    const verdict = cache?.get(id)
    if (verdict?.kind === 'hit') return { id, action: 'cached' as const, cache: 'hit', ...(verdict.entry.output && { output: verdict.entry.output.uri }), fromRunId: verdict.entry.runId }
    // Tasks without caching (and every task under --no-cache) say nothing about the cache.
    const word = verdict && !(verdict.kind === 'off' && (verdict.reason === 'uncached' || verdict.reason === 'no-cache')) ? verdictWord(verdict) : undefined
    // A mapped task that runs again may reuse the items that succeeded (docs/fan-out.md#resume).
    const items = plan?.reuseItems.get(id)
    return {
      id,
      action: 'run' as const,
      ...(plan && { reason: plan.reasons.get(id) ?? '' }),
      ...(items && { items: { total: items.count, reused: items.items.size } }),
      ...(word !== undefined && { cache: word }),
    }
  })
  if (json)
    return JSON.stringify({
      pipeline: pipeline.name,
      ...(plan && { resumeFrom: plan.resumedFrom, specChanged: plan.specChanged }),
      tasks: Object.fromEntries(tasks.map(({ id, ...rest }) => [id, rest])),
    }) + '\n'
  const lines = [p.bold(`Plan for ${pipeline.name}${plan ? `, resuming run ${plan.resumedFrom}` : ''} (dry run: nothing is executed)`)]
  for (const t of tasks) {
    const task = pipeline.tasks.get(t.id)!
    const after = task.upstream.length ? p.dim(` after ${task.upstream.join(', ')}${task.trigger === 'all_success' ? '' : ` (${task.trigger})`}`) : ''
    if (t.action === 'reuse') lines.push(`  ${p.green('=')} ${t.id.padEnd(24)} reuse ${p.dim(t.output ?? (t.items ? `(its ${items(t.items.total)})` : '(no output)'))}`)
    else if (t.action === 'cached') lines.push(`  ${p.green('=')} ${t.id.padEnd(24)} cached ${p.dim(`(from run ${t.fromRunId})`)}`)
    else {
      const itemsToRun = t.items && `${count(t.items.total - t.items.reused)} of ${items(t.items.total)} to run, ${count(t.items.reused)} reused`
      const why = [t.reason, itemsToRun, t.cache === undefined ? undefined : `cache: ${t.cache}`].filter(Boolean).join('; ')
      lines.push(`  ${p.cyan('▶')} ${t.id.padEnd(24)} run${why ? p.dim(` (${why})`) : ''}${after}`)
    }
  }
  if (plan?.specChanged) lines.push(p.yellow(`Note: the spec changed since run ${plan.resumedFrom}; reused outputs were made by the old version.`))
  const reuse = tasks.filter((t) => t.action === 'reuse').length
  const cached = tasks.filter((t) => t.action === 'cached').length
  const reusedItems = tasks.reduce((sum, t) => sum + (t.action === 'run' && t.items ? t.items.reused : 0), 0)
  lines.push(`${tasks.length - reuse - cached} to run${plan ? `, ${reuse} reused` : ''}${cache ? `, ${cached} cached` : ''}${reusedItems > 0 ? `; ${items(reusedItems)} reused` : ''}.`)
  if (reusedItems > 0) lines.push(p.dim('items reused: the items that succeeded in the resumed run, reused if the list read again is the same; a changed list runs every item.'))
  if (tasks.some((t) => t.action === 'run' && t.cache === 'upstream'))
    lines.push(p.dim("cache: upstream: the key needs the output of a task that would run first; it may still hit if that output comes out byte-identical."))
  if (tasks.some((t) => t.action === 'run' && t.cache === 'per item'))
    lines.push(p.dim('cache: per item: a mapped task is cached item by item, each looked up as it runs; items whose value and inputs are unchanged are not run again.'))
  return lines.join('\n') + '\n'
}

const count = (n: number): string => n.toLocaleString('en-US')
const items = (n: number): string => `${count(n)} ${n === 1 ? 'item' : 'items'}`
