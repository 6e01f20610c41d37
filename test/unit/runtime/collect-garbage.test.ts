/**
 * `weir runs gc` tidies the state dir weir writes, and nothing else: pointed at a folder that holds
 * more than weir's files (`--state-dir .`, `--state-dir ~`, a typo), it must not delete other
 * programs' files that merely look like temp files, nor walk the whole tree below it.
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { collectGarbage } from '../../../src/runtime/run-store/collect-garbage.ts'

/** A pid no process has (above Linux's pid_max), so its temp files count as left over. */
const DEAD_PID = 2 ** 22 + 17

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-gc-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function place(...segments: string[]): Promise<string> {
  const path = join(dir, ...segments)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, 'half written')
  return path
}

test("removes dead writers' temp files in weir's own folders of the state dir", async () => {
  const inRuns = await place('runs', '20270101-000000-abcdef', `run.json.${DEAD_PID}.tmp`)
  const inData = await place('data', 'p', '20270101-000000-abcdef', 't', `output.json.${DEAD_PID}.tmp`)
  const inSchedule = await place('schedule', `state.json.${DEAD_PID}.tmp`)
  const { removed } = await collectGarbage(dir)
  expect(removed.map((r) => r.path).sort()).toEqual([inData, inRuns, inSchedule].sort())
})

test('leaves files outside those folders alone, however they are named', async () => {
  await place('notes', `settings.json.${DEAD_PID}.tmp`)
  await place(`package.json.${DEAD_PID}.tmp`)
  const { removed } = await collectGarbage(dir)
  expect(removed).toEqual([])
  expect(await readdir(join(dir, 'notes'))).toEqual([`settings.json.${DEAD_PID}.tmp`])
  expect(await readdir(dir)).toContain(`package.json.${DEAD_PID}.tmp`)
})

describe('run folders without a journal header', () => {
  // A process that died between making a run's folder and writing its journal's header (a param
  // too deep to encode did it) left a folder no command listed, and gc never removed it.
  const HOUR = 60 * 60 * 1000
  const header = (runId: string): string => JSON.stringify({ e: 'run', v: 1, runId, pipeline: 'p', specHash: 'x', sourcePath: 'p.yaml', params: {}, trigger: 'manual', tasks: ['a'], at: 1, pid: DEAD_PID, host: hostname() }) + '\n'

  /** A run folder with `files` in it, last changed `ageMs` ago. */
  async function runFolder(runId: string, files: Record<string, string>, ageMs: number): Promise<string> {
    const folder = join(dir, 'runs', runId)
    await mkdir(folder, { recursive: true })
    const when = new Date(Date.now() - ageMs)
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(folder, name, '..'), { recursive: true })
      await writeFile(join(folder, name), text)
      await utimes(join(folder, name), when, when)
      await utimes(join(folder, name, '..'), when, when)
    }
    await utimes(folder, when, when)
    return folder
  }

  test('are removed once an hour old: an empty journal, a torn header, no journal at all', async () => {
    const empty = await runFolder('20270101-000000-000001', { 'journal.jsonl': '' }, 2 * HOUR)
    const torn = await runFolder('20270101-000000-000002', { 'journal.jsonl': header('20270101-000000-000002').slice(0, 40) }, 2 * HOUR)
    const none = await runFolder('20270101-000000-000003', {}, 2 * HOUR)
    const { removedRuns } = await collectGarbage(dir)
    expect([...removedRuns].sort()).toEqual([empty, torn, none])
    expect(await readdir(join(dir, 'runs'))).toEqual([])
  })

  test('are kept while young (a run being created now), while a recorded task process lives, or with a summary', async () => {
    await runFolder('20270101-000000-000004', { 'journal.jsonl': '' }, 60 * 1000)
    await runFolder('20270101-000000-000005', { 'journal.jsonl': '', [`processes/${process.pid}`]: JSON.stringify({ host: hostname() }) }, 2 * HOUR)
    await runFolder('20270101-000000-000006', { 'summary.json': '{}' }, 2 * HOUR)
    expect((await collectGarbage(dir)).removedRuns).toEqual([])
    expect((await readdir(join(dir, 'runs'))).sort()).toEqual(['20270101-000000-000004', '20270101-000000-000005', '20270101-000000-000006'])
  })

  test('are kept while a file deeper in them changed within the hour: a task log written seconds ago (review finding: only the folder and the journal were looked at)', async () => {
    const writing = await runFolder('20270101-000000-000009', { 'journal.jsonl': '', 'logs/t.log': 'line 1\n' }, 2 * HOUR)
    const now = new Date()
    await utimes(join(writing, 'logs/t.log'), now, now)
    const idle = await runFolder('20270101-000000-000010', { 'journal.jsonl': '', 'logs/t.log': 'line 1\n' }, 2 * HOUR)
    expect((await collectGarbage(dir)).removedRuns).toEqual([idle])
    expect(await readdir(join(dir, 'runs'))).toEqual(['20270101-000000-000009'])
  })

  test('runs with a header, old and dead, and entries that are no run, stay', async () => {
    await runFolder('20270101-000000-000007', { 'journal.jsonl': header('20270101-000000-000007') }, 2 * HOUR)
    await runFolder('20270101-000000-000008', { 'journal.jsonl': 'torn line\n' + header('20270101-000000-000008') }, 2 * HOUR)
    await runFolder('.hidden', { 'journal.jsonl': '' }, 2 * HOUR)
    await place('runs', 'notes.txt')
    expect((await collectGarbage(dir)).removedRuns).toEqual([])
    expect((await readdir(join(dir, 'runs'))).sort()).toEqual(['.hidden', '20270101-000000-000007', '20270101-000000-000008', 'notes.txt'])
  })
})
