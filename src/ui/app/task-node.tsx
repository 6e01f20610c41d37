/**
 * One task in the DAG: its box, id and status line. The only place a task node is drawn, so that
 * later marks (a mapped task's item counts, a cache hit) are added here once.
 */
import type { UiTask } from '../api-types.ts'
import { formatDuration } from './format.ts'
import { NODE_HEIGHT, NODE_WIDTH } from './layout.ts'

export function statusLine(task: UiTask): string {
  if (task.reusedFrom) return `reused from ${task.reusedFrom}`
  if (task.cachedFrom) return `cached from ${task.cachedFrom}`
  if (task.items) return `▸ ${task.items.counts}`
  if (task.status === 'skipped') return `skipped${task.skipReason ? ` (${task.skipReason.replace('_', ' ')})` : ''}`
  const attempts = task.attempts.length
  const took = task.startedAt !== undefined && task.finishedAt !== undefined ? ` · ${formatDuration(task.finishedAt - task.startedAt)}` : ''
  return `${task.status}${attempts > 1 ? ` · ${attempts} attempts` : ''}${took}`
}

export interface TaskNodeProps {
  readonly task: UiTask
  readonly x: number
  readonly y: number
  readonly selected: boolean
  readonly matched: boolean
  readonly onSelect: (id: string) => void
}

export function TaskNode({ task, x, y, selected, matched, onSelect }: TaskNodeProps) {
  return (
    <g class={`node st-${task.status}${selected ? ' selected' : ''}${matched ? ' matched' : ''}`} data-task={task.id} data-status={task.status} transform={`translate(${x},${y})`} onClick={() => onSelect(task.id)}>
      <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={5} />
      <text x={8} y={16} class="id">{task.id.length > 24 ? `${task.id.slice(0, 23)}…` : task.id}</text>
      <text x={8} y={31} class="sub">{statusLine(task)}</text>
      <title>{`${task.id}: ${statusLine(task)}`}</title>
    </g>
  )
}
