import { describe, expect, test } from 'vitest'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openStateStore } from '../../../src/runtime/schedule/state-store.ts'
import { makeTempDir } from './support.ts'

describe('the scheduler state store', () => {
  test('a missing file is an empty state; set writes it, a new store reads it back', async () => {
    const path = join(await makeTempDir(), 'schedule', 'state.json')
    const store = await openStateStore(path)
    expect(store.get('nightly')).toBeUndefined()
    await store.set('nightly', { handledThrough: '2027-03-27T12:15:00.000Z', lastFireAt: '2027-03-27T12:15:00.000Z' })
    expect((await openStateStore(path)).get('nightly')).toEqual({ handledThrough: '2027-03-27T12:15:00.000Z', lastFireAt: '2027-03-27T12:15:00.000Z' })
  })

  test('concurrent sets all land, the last value wins, and no temp file is left', async () => {
    const dir = await makeTempDir()
    const path = join(dir, 'state.json')
    const store = await openStateStore(path)
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`p${i % 3}`, { handledThrough: new Date(Date.UTC(2027, 0, 1, 0, i)).toISOString() })))
    const saved = JSON.parse(await readFile(path, 'utf8'))
    expect(saved.pipelines.p0.handledThrough).toBe('2027-01-01T00:18:00.000Z')
    expect(Object.keys(saved.pipelines).sort()).toEqual(['p0', 'p1', 'p2'])
    expect(await readdir(dir)).toEqual(['state.json'])
  })

  test('a file that is not a state file is refused with a fix', async () => {
    const path = join(await makeTempDir(), 'state.json')
    await writeFile(path, '{"version": 7}')
    await expect(openStateStore(path)).rejects.toMatchObject({ code: 'SCHEDULE_STATE_INVALID', message: expect.stringContaining('move it away to start fresh') })
  })
})
