// `--explain-cache` of a recorded run answers from the record where it tells: a task (or an item) a
// resume reused was not looked up in the cache, whatever the cache would answer now.
import { describe, expect, test } from 'vitest'
import { explainRecordedTask } from '../../../../src/runtime/cache/explain-run.ts'
import { formatVerdict } from '../../../../src/cli/display/cache-verdict.ts'
import { createPalette } from '../../../../src/cli/colors.ts'
import type { RunRecord, TaskRecord } from '../../../../src/runtime/run-store/records.ts'
import { pipelineFromYaml } from '../helpers.ts'

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: explained
tasks:
  list:
    handler: ./h.ts#list
    output: { type: array, items: { type: integer } }
  clean:
    handler: ./h.ts#clean
    cache: true
  each:
    handler: ./h.ts#each
    cache: true
    foreach: \${{ tasks.list.output }}
    inputs: { n: "\${{ item }}" }
`

/** The explanation never gets as far as the cache: asking it fails the test. */
const noCache = {
  ioManager: () => {
    throw new Error('the cache was asked')
  },
  hasher: undefined as never,
  signal: new AbortController().signal,
}

const run = (tasks: Record<string, Partial<TaskRecord>>): RunRecord =>
  ({ runId: 'run-c', tasks: Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, { id, status: 'succeeded', attempts: [], ...t }])) }) as unknown as RunRecord

describe('explaining a task of a resumed run', () => {
  test('a task the resume reused is "reused from run B", not a hit of the run whose entry the cache holds', async () => {
    const pipeline = await pipelineFromYaml(SPEC)
    const { verdict, basis } = await explainRecordedTask(pipeline, run({ clean: { reusedFrom: 'run-b' } }), 'clean', {}, noCache as never)
    expect(verdict).toEqual({ kind: 'reused', fromRunId: 'run-b' })
    expect(basis).toBe('record')
    expect(formatVerdict(pipeline.tasks.get('clean')!, verdict, createPalette(false), { status: 'reused in run run-c', basis })).toBe(
      "Cache of clean (reused in run run-c): not looked up: --resume reused the result of run run-b, not the cache's\n",
    )
  })

  test("a mapped task's items the resume reused are counted as reused, not as ran", async () => {
    const pipeline = await pipelineFromYaml(SPEC)
    const items = [
      { status: 'succeeded', attempts: 1, reusedFrom: 'run-b' },
      { status: 'succeeded', attempts: 1, cachedFrom: { runId: 'run-a', key: 'k' } },
      { status: 'succeeded', attempts: 1 },
    ]
    const { verdict } = await explainRecordedTask(pipeline, run({ each: { items: items as TaskRecord['items'] } }), 'each', {}, noCache as never)
    expect(verdict).toEqual({ kind: 'items', total: 3, hits: 1, ran: 1, reused: 1, fromRuns: ['run-a'] })
    expect(formatVerdict(pipeline.tasks.get('each')!, verdict, createPalette(false))).toBe('Cache of each: cached item by item: 1 of 3 items hit (from run run-a); 1 ran; 1 reused by --resume\n')
  })
})
