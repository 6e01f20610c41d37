/**
 * Pipeline (+ optionally a run) → Mermaid flowchart text. Pure: no I/O.
 *
 * Drawing conventions (docs/graph.md):
 * - one node per task, labelled with its id, its handler and, when not `all_success`, its trigger;
 *   a mapped task (`foreach:`) is one node, marked with what it is mapped over;
 * - a solid arrow for a data dependency (`${{ tasks.x.output }}`), labelled with the task values it
 *   also reads (`${{ tasks.x.values.y }}`); a dotted arrow for an ordering-only `needs` edge;
 * - with a run, every node gets a class named after its status and a line with attempts and time.
 */
import type { Edge, InputBinding, Pipeline, Task } from '../../spec/model.ts'
import { escapeMermaidText } from './escape.ts'
import { formatReference } from '../../spec/references.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { GraphRun, GraphTaskState, NodeState } from './run-view.ts'
import { nodeStateOf } from './run-view.ts'

export interface MermaidOptions {
  /** Colour tasks by their status in this run. */
  readonly run?: GraphRun
  /** Layout direction. @default 'LR' (left to right: pipelines read like a sentence) */
  readonly direction?: 'LR' | 'TB'
}

/** Node fill, border and text colours per state; shared with the HTML legend. */
export const STATE_STYLES: Readonly<Record<NodeState, { fill: string; stroke: string; color: string; dashed?: boolean; label: string }>> = {
  succeeded: { fill: '#dcfce7', stroke: '#15803d', color: '#14532d', label: 'succeeded' },
  failed: { fill: '#fee2e2', stroke: '#b91c1c', color: '#7f1d1d', label: 'failed' },
  skipped: { fill: '#f3f4f6', stroke: '#6b7280', color: '#374151', dashed: true, label: 'skipped' },
  cancelled: { fill: '#ffedd5', stroke: '#c2410c', color: '#7c2d12', label: 'cancelled' },
  running: { fill: '#dbeafe', stroke: '#1d4ed8', color: '#1e3a8a', label: 'running' },
  interrupted: { fill: '#fef9c3', stroke: '#a16207', color: '#713f12', label: 'interrupted' },
  pending: { fill: '#ffffff', stroke: '#9ca3af', color: '#6b7280', dashed: true, label: 'pending' },
  not_run: { fill: '#ffffff', stroke: '#9ca3af', color: '#6b7280', dashed: true, label: 'not run' },
}

/** The Mermaid node id of a task. The prefix keeps ids like `end`, `graph` or `o1` away from keywords. */
export function mermaidNodeId(taskId: string): string {
  return `t_${taskId.replace(/[^A-Za-z0-9_]/g, '_')}`
}

/** Renders the pipeline as a Mermaid `flowchart`. */
export function renderMermaid(pipeline: Pipeline, options: MermaidOptions = {}): string {
  const lines: string[] = [`flowchart ${options.direction ?? 'LR'}`]
  lines.push(`  %% weir graph of pipeline ${pipeline.name}`)
  lines.push(`  accTitle: Pipeline ${escapeMermaidText(pipeline.name)}`)
  for (const id of pipeline.order) {
    const task = pipeline.tasks.get(id)
    if (task) lines.push(`  ${mermaidNodeId(id)}["${nodeLabel(task, options.run)}"]`)
  }
  for (const edge of collapseEdges(pipeline)) lines.push(`  ${edgeLine(edge)}`)
  if (options.run) lines.push(...classLines(pipeline, options.run))
  return lines.join('\n') + '\n'
}

function nodeLabel(task: Task, run: GraphRun | undefined): string {
  const parts = [`<b>${escapeMermaidText(task.id)}</b>`, escapeMermaidText(task.handler.written)]
  if (task.trigger !== 'all_success') parts.push(`<i>trigger: ${escapeMermaidText(task.trigger)}</i>`)
  const mapped = describeMap(task)
  if (mapped !== undefined) parts.push(`<i>${escapeMermaidText(mapped)}</i>`)
  if (run) parts.push(escapeMermaidText(describeState(run.tasks[task.id])))
  return parts.join('<br/>')
}

/** `mapped over tasks.list.output (4 at a time)` for a task with `foreach:` (docs/fan-out.md); undefined otherwise. */
export function describeMap(task: Task): string | undefined {
  const foreach = task.foreach
  if (foreach === undefined) return undefined
  const source = foreach.source.kind === 'ref' ? formatReference(foreach.source.ref) : `a list of ${foreach.source.value.length}`
  return `mapped over ${source}${foreach.concurrency === undefined ? '' : ` (${foreach.concurrency} at a time)`}`
}

/** One line about a task's outcome: `failed · 3 attempts · 1.2s`. */
export function describeState(state: GraphTaskState | undefined): string {
  if (!state) return 'not run'
  const head = state.status === 'skipped' && state.skipReason ? `skipped (${state.skipReason.replace(/_/g, ' ')})` : state.status
  const parts = [head]
  if (state.attempts > 0) parts.push(`${state.attempts} attempt${state.attempts === 1 ? '' : 's'}`)
  if (state.durationMs !== undefined) parts.push(formatDuration(state.durationMs))
  if (state.items !== undefined) parts.push(state.items)
  if (state.reusedFrom !== undefined) parts.push(`reused from ${state.reusedFrom}`)
  if (state.cachedFrom !== undefined) parts.push(`cached from ${state.cachedFrom}`)
  return parts.join(' \u00b7 ')
}

/** One arrow per pair of tasks, however many references join them. */
export interface DrawnEdge {
  readonly from: string
  readonly to: string
  /** `data` when any data or value edge joins them, `needs` when only `needs` does. */
  readonly kind: 'data' | 'needs'
  /** Task value names read through `${{ tasks.from.values.<name> }}`. */
  readonly values: readonly string[]
}

/** Merges a pipeline's edges into the arrows to draw, in topological order of their targets. */
export function collapseEdges(pipeline: Pipeline): DrawnEdge[] {
  const drawn: DrawnEdge[] = []
  for (const id of pipeline.order) {
    const task = pipeline.tasks.get(id)
    if (!task) continue
    const byFrom = new Map<string, Edge[]>()
    for (const edge of task.edges) {
      const edges = byFrom.get(edge.from)
      if (edges) edges.push(edge)
      else byFrom.set(edge.from, [edge])
    }
    for (const [from, edges] of byFrom) {
      const kind = edges.some((e) => e.kind !== 'needs') ? 'data' : 'needs'
      const values = edges.some((e) => e.kind === 'value') ? valueNamesRead(task, from) : []
      drawn.push({ from, to: id, kind, values })
    }
  }
  return drawn
}

function edgeLine(edge: DrawnEdge): string {
  const from = mermaidNodeId(edge.from)
  const to = mermaidNodeId(edge.to)
  if (edge.kind === 'needs') return `${from} -.-> ${to}`
  if (edge.values.length === 0) return `${from} --> ${to}`
  return `${from} -->|"${escapeMermaidText(`values: ${edge.values.join(', ')}`)}"| ${to}`
}

function valueNamesRead(task: Task, from: string): string[] {
  const names = new Set<string>()
  const visit = (binding: InputBinding): void => {
    switch (binding.kind) {
      case 'literal':
        return
      case 'ref':
        if (binding.ref.kind === 'value' && binding.ref.taskId === from) names.add(binding.ref.name)
        return
      case 'template':
        for (const part of binding.parts) if (typeof part !== 'string' && part.kind === 'value' && part.taskId === from) names.add(part.name)
        return
      case 'object':
        for (const inner of Object.values(binding.entries)) visit(inner)
        return
      case 'array':
        for (const inner of binding.items) visit(inner)
        return
    }
  }
  for (const binding of Object.values(task.inputs)) visit(binding)
  return [...names]
}

function classLines(pipeline: Pipeline, run: GraphRun): string[] {
  const byState = new Map<NodeState, string[]>()
  for (const id of pipeline.order) {
    const state = nodeStateOf(run, id)
    const ids = byState.get(state)
    if (ids) ids.push(mermaidNodeId(id))
    else byState.set(state, [mermaidNodeId(id)])
  }
  const lines: string[] = []
  for (const [state, ids] of byState) {
    const style = STATE_STYLES[state]
    const width = state === 'failed' ? '3px' : '1.5px'
    lines.push(`  classDef st_${state} fill:${style.fill},stroke:${style.stroke},color:${style.color},stroke-width:${width}${style.dashed ? ',stroke-dasharray:5 4' : ''}`)
    lines.push(`  class ${ids.join(',')} st_${state}`)
  }
  return lines
}
