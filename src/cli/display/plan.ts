/**
 * `weir run --dry-run`: what would run, and on `--resume` what would be reused (with the stored
 * output it would reuse) and why the others run again.
 */
import type { Pipeline } from '../../spec/model.ts'
import type { ResumePlan } from '../../runtime/plan-resume.ts'
import type { Palette } from '../colors.ts'

export function formatPlan(pipeline: Pipeline, plan: ResumePlan | undefined, json: boolean, p: Palette): string {
  const tasks = pipeline.order.map((id) => {
    const reused = plan?.reuse.get(id)
    if (reused) return { id, action: 'reuse' as const, ...(reused.output && { output: reused.output.uri }), fromRunId: reused.fromRunId }
    return { id, action: 'run' as const, ...(plan && { reason: plan.reasons.get(id) ?? '' }) }
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
    if (t.action === 'reuse') lines.push(`  ${p.green('=')} ${t.id.padEnd(24)} reuse ${p.dim(t.output ?? '(no output)')}`)
    else lines.push(`  ${p.cyan('▶')} ${t.id.padEnd(24)} run${t.reason ? p.dim(` (${t.reason})`) : ''}${after}`)
  }
  if (plan?.specChanged) lines.push(p.yellow(`Note: the spec changed since run ${plan.resumedFrom}; reused outputs were made by the old version.`))
  const reuse = tasks.filter((t) => t.action === 'reuse').length
  lines.push(`${tasks.length - reuse} to run${plan ? `, ${reuse} reused` : ''}.`)
  return lines.join('\n') + '\n'
}
