/**
 * A mapped task over a secret (`writeOnly`) param (issue 11, docs/fan-out.md "Events and the
 * journal"): the journal, the run record and the events carry a keyed hash of the list (HMAC under
 * the state dir's own key), never a plain one that would let a reader confirm a guess of the
 * secret; a resume still reuses the items of an unchanged list, and runs every item of a changed one.
 */
import { describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { runPipeline } from '../../../../src/runtime/run-pipeline.ts'
import { loadRun, runDir } from '../../../../src/runtime/run-store/read-runs.ts'
import { listHashKey } from '../../../../src/runtime/run-store/state-keys.ts'
import type { RunEvent } from '../../../../src/runtime/api.ts'
import { fail, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir } from '../helpers.ts'

const SECRET = ['tok-a', 'tok-b', 'tok-c']
const plainHash = (list: unknown[]) => createHash('sha256').update(JSON.stringify(list)).digest('hex')

const spec = (schema: string) => specText('secret_map', { m: 'foreach: ${{ params.tokens }}\ninputs: { t: "${{ item }}" }' }, `params:\n  tokens: ${schema}\n`)
const SECRET_SCHEMA = '{ type: array, items: { type: string }, writeOnly: true }'

/** Every file below a folder, as text. */
async function allText(folder: string): Promise<string> {
  let text = ''
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) text += await readFile(join(entry.parentPath, entry.name), 'utf8')
  return text
}

describe('the list hash of a map over a secret param', () => {
  test('is an HMAC under the state dir key in the journal, the record and the events; no plain hash of the list is written anywhere', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(spec(SECRET_SCHEMA))
    const events: RunEvent[] = []
    const result = await runPipeline(pipeline, { executor: scriptedExecutor(), stateDir, runId: 's1', params: { tokens: SECRET }, onEvent: (e) => events.push(e) })
    expect(result.status).toBe('succeeded')
    const mapEvent = events.find((e) => e.type === 'task:map')!
    expect(mapEvent).toMatchObject({ count: 3, hash: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/) })
    expect((await loadRun(stateDir, 's1'))!.tasks.m!.itemsHash).toBe((mapEvent as { hash: string }).hash)
    const written = await allText(runDir(stateDir, 's1'))
    expect(written).toContain((mapEvent as { hash: string }).hash)
    expect(written).not.toContain(plainHash(SECRET))
    for (const token of SECRET) expect(written).not.toContain(token)
    // The key is the state dir's, readable by its owner only, and stays out of every run's folder.
    const key = await listHashKey(stateDir)
    expect(written).not.toContain(key.toString('hex'))
    expect((await stat(join(stateDir, 'keys', 'list-hash.key'))).mode & 0o777).toBe(0o600)
  })

  test('the same list hashes alike in one state dir and differently in another; a list that is no secret keeps its plain SHA-256', async () => {
    const hashIn = async (stateDir: string, schema: string, runId: string) => {
      await runPipeline(await pipelineFromYaml(spec(schema)), { executor: scriptedExecutor(), stateDir, runId, params: { tokens: SECRET } })
      return (await loadRun(stateDir, runId))!.tasks.m!.itemsHash
    }
    const one = await tempDir()
    const other = await tempDir()
    const first = await hashIn(one, SECRET_SCHEMA, 'a')
    expect(await hashIn(one, SECRET_SCHEMA, 'b')).toBe(first)
    expect(await hashIn(other, SECRET_SCHEMA, 'c')).not.toBe(first)
    // A secret inside the items (writeOnly on `items`) counts too.
    expect(await hashIn(one, '{ type: array, items: { type: string, writeOnly: true } }', 'd')).toBe(first)
    expect(await hashIn(one, '{ type: array, items: { type: string } }', 'e')).toBe(plainHash(SECRET))
  })

  test('--resume with the same secret list runs only the failed items; with another list, every item', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(spec(SECRET_SCHEMA))
    let broken = true
    const executor = scriptedExecutor({ m: (r) => (broken && r.item!.index === 1 ? fail() : ok()) })
    const first = await runPipeline(pipeline, { executor, stateDir, runId: 'r1', params: { tokens: SECRET } })
    expect(first.tasks.m).toMatchObject({ status: 'failed', items: { succeeded: 2, failed: 1 } })
    broken = false
    executor.calls.length = 0
    // A secret is not recorded, so the resume is given it again.
    const same = await runPipeline(pipeline, { executor, stateDir, runId: 'r2', resumeFrom: 'r1', params: { tokens: SECRET } })
    expect(same.status).toBe('succeeded')
    expect(executor.calls.map((c) => c.item!.index)).toEqual([1])

    broken = true
    await runPipeline(pipeline, { executor, stateDir, runId: 'r3', params: { tokens: SECRET } })
    broken = false
    executor.calls.length = 0
    const changed = await runPipeline(pipeline, { executor, stateDir, runId: 'r4', resumeFrom: 'r3', params: { tokens: ['tok-a', 'tok-x', 'tok-c'] } })
    expect(changed.status).toBe('succeeded')
    expect(executor.calls.map((c) => c.item!.index)).toEqual([0, 1, 2])
  })
})
