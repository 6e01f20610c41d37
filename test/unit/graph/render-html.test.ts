import { describe, expect, test } from 'vitest'
import { renderGraphHtml } from '../../../src/codegen/graph/render-html.ts'
import { renderMermaid } from '../../../src/codegen/graph/render-mermaid.ts'
import { fromStoredRun, toGraphRun } from '../../../src/codegen/graph/run-view.ts'
import { describeState } from '../../../src/codegen/graph/render-mermaid.ts'
import { HOSTILE_SPEC, pipelineFrom } from './pipeline-from.ts'

const FAKE_MERMAID = 'window.mermaid={/* stand-in: the browser test inlines the real bundle */};var s="</script>"'

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: small
description: Two tasks & a failure handler.
tasks:
  a: { handler: h.ts#a, description: First step }
  b: { handler: h.ts#b, inputs: { x: "\${{ tasks.a.output }}" } }
  c: { handler: h.ts#c, needs: [b], trigger: one_failed }
`

function dataBlock(html: string): { diagram: string } {
  const json = /<script type="application\/json" id="weir-data">(.*?)<\/script>/s.exec(html)?.[1]
  if (json === undefined) throw new Error('no data block')
  return JSON.parse(json) as { diagram: string }
}

describe('renderGraphHtml', () => {
  test('embeds the Mermaid text of the pipeline and a table with one row per task', async () => {
    const pipeline = await pipelineFrom(SPEC)
    const html = renderGraphHtml(pipeline, { mermaidScript: FAKE_MERMAID })
    expect(dataBlock(html).diagram).toBe(renderMermaid(pipeline))
    expect(html.match(/<tr id="task-/g)).toHaveLength(3)
    expect(html).toContain('<h1>small</h1>')
    expect(html).toContain('Two tasks &amp; a failure handler.')
    expect(html).toContain('<b>one_failed</b>')
  })

  test('is self-contained: no external scripts, stylesheets, images or fetches', async () => {
    const html = renderGraphHtml(await pipelineFrom(SPEC), { mermaidScript: FAKE_MERMAID })
    expect(html).not.toMatch(/<script[^>]+src=|<link\b|<img\b|https?:\/\/|fetch\(/i)
    expect(html).toContain('window.mermaid={')
  })

  test('inlines the library without letting it close its own script element', async () => {
    const html = renderGraphHtml(await pipelineFrom(SPEC), { mermaidScript: FAKE_MERMAID })
    expect(html.match(/<\/script>/g)).toHaveLength(3)
    expect(html).toContain('var s="\\x3C/script>"')
  })

  test('escapes every spec-derived string: nothing from the spec becomes markup', async () => {
    const html = renderGraphHtml(await pipelineFrom(HOSTILE_SPEC), { mermaidScript: FAKE_MERMAID })
    expect(html).not.toContain('<script>window.__pwned')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>bold</b>')
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;')
    expect(html.match(/<script\b/g)).toHaveLength(3)
  })

  test('with a run: a summary, status chips, attempts, durations and the error message', async () => {
    const run = toGraphRun({
      runId: 'run-<1>',
      status: 'failed',
      tasks: {
        a: { status: 'succeeded', attempts: 1, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.500Z' },
        b: { status: 'failed', attempts: 3, durationMs: 800, error: { code: 'HANDLER_ERROR', message: 'bad <input>' } },
      },
    })
    const html = renderGraphHtml(await pipelineFrom(SPEC), { mermaidScript: FAKE_MERMAID, run })
    expect(html).toContain('<title>small · run run-&lt;1&gt;</title>')
    expect(html).toContain('<span class="run-status run-failed">failed</span>')
    expect(html).toContain('<span class="chip st-succeeded">1 succeeded</span> <span class="chip st-failed">1 failed</span> <span class="chip st-not_run">1 not run</span>')
    expect(html).toMatch(/<tr id="task-a"[^>]*>.*<td>1<\/td><td>1.5s<\/td>/)
    expect(html).toMatch(/<tr id="task-b"[^>]*>.*<td>3<\/td><td>800ms<\/td><td><code>HANDLER_ERROR<\/code> bad &lt;input&gt;<\/td>/)
    expect(dataBlock(html).diagram).toContain('class t_b st_failed')
  })
})

describe('toGraphRun', () => {
  test('keeps what the graph shows and computes a missing duration from the timestamps', () => {
    expect(
      toGraphRun({
        runId: 'r',
        tasks: {
          a: { status: 'skipped', attempts: 0, skipReason: 'excluded' },
          b: { status: 'succeeded', attempts: 2, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' },
        },
      }),
    ).toEqual({ runId: 'r', tasks: { a: { status: 'skipped', attempts: 0, skipReason: 'excluded' }, b: { status: 'succeeded', attempts: 2, durationMs: 60_000 } } })
  })
})

describe('fromStoredRun', () => {
  test('counts attempts, times each task and keeps unfinished states', () => {
    expect(
      fromStoredRun({
        runId: 'r2',
        status: 'interrupted',
        startedAt: Date.UTC(2026, 0, 1),
        tasks: {
          a: { status: 'succeeded', attempts: [{}], reusedFrom: 'r1' },
          b: { status: 'failed', attempts: [{}, {}], startedAt: 1000, finishedAt: 3500, error: { code: 'E', message: 'no' } },
          c: { status: 'running', attempts: [{}], startedAt: 4000 },
        },
      }),
    ).toEqual({
      runId: 'r2',
      status: 'interrupted',
      startedAt: '2026-01-01T00:00:00.000Z',
      tasks: {
        a: { status: 'succeeded', attempts: 1, reusedFrom: 'r1' },
        b: { status: 'failed', attempts: 2, durationMs: 2500, error: { code: 'E', message: 'no' } },
        c: { status: 'running', attempts: 1 },
      },
    })
  })

  test('a mapped task carries its item counts, which the node label shows', () => {
    const run = fromStoredRun({
      runId: 'r3',
      status: 'failed',
      startedAt: 0,
      tasks: { m: { status: 'failed', attempts: [{}], items: [{ status: 'succeeded' }, { status: 'failed' }, { status: 'succeeded' }, { status: 'cancelled' }] } },
    })
    expect(run.tasks.m).toEqual({ status: 'failed', attempts: 1, items: '2/4 items succeeded, 1 failed, 1 cancelled' })
    expect(describeState(run.tasks.m)).toContain('2/4 items succeeded, 1 failed, 1 cancelled')
  })
})
