/**
 * `weir schedule --preview`: the next fire times of each pipeline, from the same `nextFires` the
 * daemon uses, with the fires DST moved or merged called out.
 */
import type { Pipeline, Schedule } from '../../spec/model.ts'
import type { Fire } from './fire-times.ts'
import { nextFires } from './fire-times.ts'
import { describeCron } from './describe-cron.ts'

/** The preview of one pipeline. */
export interface SchedulePreview {
  readonly name: string
  readonly path: string
  readonly schedule: Schedule
  /** The cron in words, e.g. "At 02:30". */
  readonly description: string
  readonly fires: readonly Fire[]
}

/** A note on a fire that DST moved or merged. */
export interface FireNote {
  /** Index into `fires`. */
  readonly fire: number
  readonly kind: 'moved' | 'merged'
  /** The cron's wall-clock time the fire stands for. */
  readonly wallTime: string
  readonly message: string
}

/** The next `count` fires after `from` of each pipeline with a schedule. */
export async function previewSchedules(pipelines: readonly Pipeline[], from: Date, count: number): Promise<SchedulePreview[]> {
  const previews: SchedulePreview[] = []
  for (const pipeline of pipelines) {
    const schedule = pipeline.schedule
    if (!schedule) continue
    previews.push({ name: pipeline.name, path: pipeline.sourcePath, schedule, description: await describeCron(schedule.cron), fires: nextFires(schedule, from, count) })
  }
  return previews
}

/** Why a fire is not at its cron's wall-clock time, or undefined for an ordinary fire. */
export function noteOf(fire: Fire, index: number): FireNote | undefined {
  const day = fire.wallTime.slice(0, 10)
  const time = fire.wallTime.endsWith(':00') ? fire.wallTime.slice(11, 16) : fire.wallTime.slice(11)
  if (fire.moved)
    return { fire: index, kind: 'moved', wallTime: fire.wallTime, message: `moved: ${time} does not exist on ${day} (clocks spring forward); fires at the first instant after the gap` }
  if (fire.merged)
    return { fire: index, kind: 'merged', wallTime: fire.wallTime, message: `merged: ${time} occurs twice on ${day} (clocks fall back); fires once, at the first occurrence` }
  return undefined
}

/**
 * `{"pipelines":[{"name","timezone","fires":[…]}]}` (DESIGN.md), plus per pipeline the cron, its
 * description, the policies, and `notes` for moved or merged fires.
 */
export function formatPreviewJson(previews: readonly SchedulePreview[]): string {
  const pipelines = previews.map((p) => ({
    name: p.name,
    timezone: p.schedule.timezone,
    fires: p.fires.map((f) => f.local),
    cron: p.schedule.cron,
    description: p.description,
    paused: p.schedule.paused,
    overlap: p.schedule.overlap,
    catchup: p.schedule.catchup,
    notes: p.fires.flatMap((fire, index) => noteOf(fire, index) ?? []),
  }))
  return `${JSON.stringify({ pipelines }, null, 2)}\n`
}

/** For people: a heading per pipeline, then one line per fire. */
export function formatPreviewText(previews: readonly SchedulePreview[]): string {
  const blocks = previews.map((p) => {
    const { cron, timezone, paused, overlap, catchup } = p.schedule
    const head = `${p.name}: '${cron}' in ${timezone}: ${p.description}${paused ? ' (paused: these fires are skipped)' : ''}`
    const policies = `  overlap: ${overlap}, catchup: ${catchup}`
    const lines = p.fires.map((fire, index) => {
      const note = noteOf(fire, index)
      return `  ${fire.local}${note ? `  ${note.message}` : ''}`
    })
    if (lines.length === 0) lines.push('  (never fires again)')
    return [head, policies, ...lines].join('\n')
  })
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : ''
}
