/**
 * Pipeline (+ optionally a run) → one self-contained HTML page that draws the graph with Mermaid.
 * Pure: the caller reads Mermaid's browser bundle and passes its source in, and writes the result.
 * The page loads nothing from the network; every spec-derived string is escaped (escape.ts).
 */
import type { Pipeline, Task } from '../../spec/model.ts'
import { escapeHtml, jsonForScript, scriptForInline } from './escape.ts'
import { describeMap, describeState, mermaidNodeId, renderMermaid, STATE_STYLES } from './render-mermaid.ts'
import type { GraphRun, NodeState } from './run-view.ts'
import { nodeStateOf } from './run-view.ts'
import { formatDuration } from '../../spec/duration.ts'
import { GRAPH_PAGE_CSS, GRAPH_PAGE_SCRIPT } from './html-assets.ts'

export interface HtmlOptions {
  /** Source of `mermaid/dist/mermaid.min.js`, inlined into the page. */
  readonly mermaidScript: string
  /** Colour tasks by their status in this run. */
  readonly run?: GraphRun
  /** The spec path to show in the header (as the user typed it). @default the spec's file name */
  readonly specLabel?: string
  /** Layout direction. @default 'LR' */
  readonly direction?: 'LR' | 'TB'
}

/** Renders the whole page. */
export function renderGraphHtml(pipeline: Pipeline, options: HtmlOptions): string {
  const diagram = renderMermaid(pipeline, { direction: options.direction ?? 'LR', ...(options.run && { run: options.run }) })
  const title = options.run ? `${pipeline.name} · run ${options.run.runId}` : pipeline.name
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="weir graph">
<title>${escapeHtml(title)}</title>
<style>${GRAPH_PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(pipeline.name)}</h1>
${pipeline.description ? `<p class="description">${escapeHtml(pipeline.description)}</p>\n` : ''}<p class="meta">Spec <code>${escapeHtml(options.specLabel ?? baseName(pipeline.sourcePath))}</code> · ${pipeline.tasks.size} task${pipeline.tasks.size === 1 ? '' : 's'}</p>
${options.run ? runSummary(pipeline, options.run) : ''}${legend()}
</header>
<main>
<p class="toolbar"><button type="button" id="fit" hidden>Fit to width</button></p>
<div id="graph" class="graph" role="img" aria-label="Task graph of ${escapeHtml(pipeline.name)}"><p class="pending">Drawing the graph…</p></div>
${taskTable(pipeline, options.run)}
</main>
<script type="application/json" id="weir-data">${jsonForScript({ diagram })}</script>
<script>${scriptForInline(options.mermaidScript)}</script>
<script>${GRAPH_PAGE_SCRIPT}</script>
</body>
</html>
`
}

function runSummary(pipeline: Pipeline, run: GraphRun): string {
  const counts = new Map<NodeState, number>()
  for (const id of pipeline.order) counts.set(nodeStateOf(run, id), (counts.get(nodeStateOf(run, id)) ?? 0) + 1)
  // In the legend's order (succeeded, failed, skipped, …), not in the order the tasks happen to come.
  const present = (Object.keys(STATE_STYLES) as NodeState[]).flatMap((state) => (counts.has(state) ? [[state, counts.get(state)!] as const] : []))
  const tally = present.map(([state, n]) => `<span class="chip st-${state}">${n} ${escapeHtml(STATE_STYLES[state].label)}</span>`).join(' ')
  const status = run.status ? ` <span class="run-status run-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span>` : ''
  const started = run.startedAt ? ` · started ${escapeHtml(run.startedAt)}` : ''
  return `<p class="run">Run <code>${escapeHtml(run.runId)}</code>${status}${started}</p>\n<p class="tally">${tally}</p>\n`
}

/** The arrow kinds; the run summary's chips already show the colours of the states present. */
function legend(): string {
  return '<p class="legend"><span class="edge-key solid"></span> data (output or task value) <span class="edge-key dotted"></span> <code>needs</code> (order only)</p>\n'
}

function taskTable(pipeline: Pipeline, run: GraphRun | undefined): string {
  const head = `<tr><th>task</th><th>handler</th><th>trigger</th><th>after</th>${run ? '<th>status</th><th>attempts</th><th>time</th><th>error</th>' : ''}</tr>`
  const rows = pipeline.order.flatMap((id) => {
    const task = pipeline.tasks.get(id)
    return task ? [taskRow(task, run)] : []
  })
  return `<table class="tasks">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}

function taskRow(task: Task, run: GraphRun | undefined): string {
  const mapped = describeMap(task)
  const description =
    (task.description ? `<div class="task-description">${escapeHtml(task.description)}</div>` : '') +
    (mapped === undefined ? '' : `<div class="task-description"><i>${escapeHtml(mapped)}</i></div>`)
  const cells = [
    `<td><code>${escapeHtml(task.id)}</code>${description}</td>`,
    `<td><code>${escapeHtml(task.handler.written)}</code></td>`,
    `<td>${task.trigger === 'all_success' ? '<span class="muted">all_success</span>' : `<b>${escapeHtml(task.trigger)}</b>`}</td>`,
    `<td>${task.upstream.map((u) => `<code>${escapeHtml(u)}</code>`).join(', ') || '<span class="muted">—</span>'}</td>`,
  ]
  if (run) {
    const state = run.tasks[task.id]
    cells.push(
      `<td><span class="chip st-${nodeStateOf(run, task.id)}">${escapeHtml(describeState(state).split(' \u00b7 ')[0]!)}</span></td>`,
      `<td>${state ? state.attempts : ''}</td>`,
      `<td>${state?.durationMs !== undefined ? escapeHtml(formatDuration(state.durationMs)) : ''}</td>`,
      `<td>${state?.error ? `<code>${escapeHtml(state.error.code ?? '')}</code> ${escapeHtml(state.error.message)}` : ''}</td>`,
    )
  }
  return `<tr id="task-${escapeHtml(task.id)}" data-node="${escapeHtml(mermaidNodeId(task.id))}">${cells.join('')}</tr>`
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}
