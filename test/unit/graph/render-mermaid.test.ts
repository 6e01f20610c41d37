import { describe, expect, test } from 'vitest'
import { resolve } from 'node:path'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { collapseEdges, describeState, mermaidNodeId, renderMermaid } from '../../../src/codegen/graph/render-mermaid.ts'
import type { GraphRun } from '../../../src/codegen/graph/run-view.ts'
import { HOSTILE_SPEC, pipelineFrom } from './pipeline-from.ts'

async function dailySales() {
  const { pipeline } = await validateSpecFile(resolve('pipelines/daily_sales.yaml'), { plugins: builtinCatalog() })
  if (!pipeline) throw new Error('pipelines/daily_sales.yaml should be valid')
  return pipeline
}

describe('renderMermaid', () => {
  test('draws one node per task, labelled with its id and handler', async () => {
    const text = renderMermaid(await dailySales())
    expect(text.split('\n')[0]).toBe('flowchart LR')
    for (const [id, handler] of [['extract', '../handlers/sales.ts#35;extract'], ['summarize', '../handlers/sales.ts#35;summarize'], ['publish', '../handlers/sales.ts#35;publish'], ['alert', '../handlers/alerts.ts#35;notify']])
      expect(text).toContain(`  t_${id}["<b>${id}</b><br/>${handler}`)
    expect(text.match(/^ {2}t_\w+\["/gm)).toHaveLength(4)
  })

  test('draws data edges solid, needs edges dotted, and names the task values an edge carries', async () => {
    const lines = renderMermaid(await dailySales()).split('\n').map((l) => l.trim())
    expect(lines).toContain('t_extract --> t_summarize')
    expect(lines).toContain('t_summarize -->|"values: row_count"| t_publish')
    // alert needs extract, summarize and publish: order only
    expect(lines).toContain('t_extract -.-> t_alert')
    expect(lines).toContain('t_summarize -.-> t_alert')
    expect(lines).toContain('t_publish -.-> t_alert')
    expect(lines.filter((l) => l.includes('-->') || l.includes('-.->'))).toHaveLength(5)
  })

  test('draws a mapped task as one node marked with what it is mapped over (issue 11)', async () => {
    const p = await pipelineFrom(`apiVersion: weir/v1
kind: Pipeline
name: mapped
params:
  days: { type: array, default: [] }
tasks:
  list: { handler: ./h.ts#list, output: { type: array } }
  per: { handler: ./h.ts#per, foreach: { items: "\${{ tasks.list.output }}", concurrency: 4 } }
  daily: { handler: ./h.ts#per, foreach: "\${{ params.days }}" }
  fixed: { handler: ./h.ts#per, foreach: [a, b, c] }
  sum: { handler: ./h.ts#sum, inputs: { all: "\${{ tasks.per.output }}" } }
`)
    const text = renderMermaid(p)
    expect(text.match(/^ {2}t_\w+\["/gm)).toHaveLength(5)
    expect(text).toMatch(/t_per\[".*<i>mapped over tasks.list.output \(4 at a time\)<\/i>"\]/)
    expect(text).toMatch(/t_daily\[".*<i>mapped over params.days<\/i>"\]/)
    expect(text).toMatch(/t_fixed\[".*<i>mapped over a list of 3<\/i>"\]/)
    expect(text).not.toMatch(/t_sum\[".*mapped/)
    expect(text.split('\n').map((l) => l.trim())).toContain('t_list --> t_per')
  })

  test('labels trigger rules other than all_success', async () => {
    const text = renderMermaid(await dailySales())
    expect(text).toMatch(/t_alert\[".*<i>trigger: one_failed<\/i>"\]/)
    expect(text).not.toContain('all_success')
  })

  test('joins several references between the same two tasks into one arrow, solid when any carries data', async () => {
    const pipeline = await pipelineFrom(`apiVersion: weir/v1
kind: Pipeline
name: multi
tasks:
  a: { handler: h.ts#a, values: { n: { type: integer } } }
  b:
    handler: h.ts#b
    needs: [a]
    inputs: { x: "\${{ tasks.a.output }}", n: "\${{ tasks.a.values.n }}", label: "n is \${{ tasks.a.values.n }}" }
`)
    expect(collapseEdges(pipeline)).toEqual([{ from: 'a', to: 'b', kind: 'data', values: ['n'] }])
  })

  test('prefixes node ids so task ids like end or o1 are never Mermaid keywords or edge markers', async () => {
    expect(mermaidNodeId('end')).toBe('t_end')
    const text = renderMermaid(await pipelineFrom(HOSTILE_SPEC))
    expect(text).toContain('t_end -.-> t_o1')
    expect(text).not.toMatch(/^\s*end\b/m)
  })

  test('escapes handler paths so no quote, bracket, tag, backtick or directive reaches Mermaid', async () => {
    const text = renderMermaid(await pipelineFrom(HOSTILE_SPEC))
    const labels = [...text.matchAll(/^ {2}t_\w+\["(.*)"\]$/gm)].map((m) => m[1]!)
    expect(labels).toHaveLength(2)
    for (const label of labels) {
      const userText = label.replace(/<\/?(b|i|br\/)>/g, '').replace(/#\d+;/g, '')
      expect(userText).not.toMatch(/["<>`;\]\[{}%]/)
    }
    expect(labels[0]).toContain('#34;#93;#59; click end call alert(1)#59; A#91;#34;#60;img')
    expect(text).not.toContain('%%{')
  })

  test('colours nodes by status and prints attempts and duration with a run', async () => {
    const run: GraphRun = {
      runId: 'r1',
      tasks: {
        extract: { status: 'succeeded', attempts: 1, durationMs: 1200 },
        summarize: { status: 'failed', attempts: 3, durationMs: 45_000, error: { message: 'boom' } },
        publish: { status: 'skipped', attempts: 0, skipReason: 'upstream_failed' },
      },
    }
    const text = renderMermaid(await dailySales(), { run })
    expect(text).toContain('class t_extract st_succeeded')
    expect(text).toContain('class t_summarize st_failed')
    expect(text).toContain('class t_publish st_skipped')
    expect(text).toContain('class t_alert st_not_run')
    expect(text).toMatch(/classDef st_failed fill:#fee2e2,stroke:#b91c1c,.*stroke-width:3px/)
    expect(text).toContain('failed #183; 3 attempts #183; 45s')
    expect(text).toContain('skipped (upstream failed)')
    expect(text).toMatch(/t_alert\[".*<br\/>not run"\]/)
  })

  test('leaves status classes out without a run', async () => {
    expect(renderMermaid(await dailySales())).not.toContain('classDef')
  })

  test('draws top to bottom on request', async () => {
    expect(renderMermaid(await dailySales(), { direction: 'TB' })).toMatch(/^flowchart TB\n/)
  })
})

describe('describeState', () => {
  test.each([
    [undefined, 'not run'],
    [{ status: 'succeeded', attempts: 1, durationMs: 20 }, 'succeeded \u00b7 1 attempt \u00b7 20ms'],
    [{ status: 'failed', attempts: 2 }, 'failed \u00b7 2 attempts'],
    [{ status: 'skipped', attempts: 0, skipReason: 'excluded' }, 'skipped (excluded)'],
    [{ status: 'cancelled', attempts: 1, durationMs: 61_000 }, 'cancelled \u00b7 1 attempt \u00b7 1m 01s'],
    [{ status: 'succeeded', attempts: 1, reusedFrom: 'r-7' }, 'succeeded \u00b7 1 attempt \u00b7 reused from r-7'],
    [{ status: 'running', attempts: 2 }, 'running \u00b7 2 attempts'],
  ] as const)('%o reads %s', (state, want) => {
    expect(describeState(state)).toBe(want)
  })
})
