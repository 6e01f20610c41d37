// The runs page's index of a state dir: runs come and go between requests, beside entries of the
// runs folder that are no run (a stray folder, a run folder whose journal has no header).
import { afterEach, beforeEach, expect, test } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRunsIndex } from '../../../src/ui/server/runs-index.ts'

let stateDir: string
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'weir-runs-index-'))
})
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true })
})

/** A finished run, as its summary.json says. */
async function finishedRun(runId: string, startedAt: string): Promise<void> {
  const dir = join(stateDir, 'runs', runId)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'summary.json'), JSON.stringify({ runId, pipeline: 'p', status: 'succeeded', trigger: 'manual', startedAt, specHash: 'x', taskCounts: { succeeded: 1 } }))
}

test('a deleted run leaves the list, even when the runs folder holds as many entries that are no run', async () => {
  await finishedRun('20270101-000000-aaaaaa', '2027-01-01T00:00:00.000Z')
  await finishedRun('20270102-000000-bbbbbb', '2027-01-02T00:00:00.000Z')
  await mkdir(join(stateDir, 'runs', 'stray-folder'))
  await mkdir(join(stateDir, 'runs', '20270103-000000-cccccc'))
  await writeFile(join(stateDir, 'runs', '20270103-000000-cccccc', 'journal.jsonl'), '')
  const index = createRunsIndex(stateDir)
  expect((await index.all()).map((r) => r.runId)).toEqual(['20270102-000000-bbbbbb', '20270101-000000-aaaaaa'])
  // Four entries before, two kept runs; after deleting both runs: two entries, as many as were kept.
  await rm(join(stateDir, 'runs', '20270101-000000-aaaaaa'), { recursive: true })
  await rm(join(stateDir, 'runs', '20270102-000000-bbbbbb'), { recursive: true })
  expect(await index.all()).toEqual([])
  await finishedRun('20270104-000000-dddddd', '2027-01-04T00:00:00.000Z')
  expect((await index.all()).map((r) => r.runId)).toEqual(['20270104-000000-dddddd'])
})
