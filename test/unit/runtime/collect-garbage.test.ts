/**
 * `weir runs gc` tidies the state dir weir writes, and nothing else: pointed at a folder that holds
 * more than weir's files (`--state-dir .`, `--state-dir ~`, a typo), it must not delete other
 * programs' files that merely look like temp files, nor walk the whole tree below it.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
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
