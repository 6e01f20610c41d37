import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import type { CacheEntry } from '../../src/plugins/types.ts'
import { fsIo } from '../../src/plugins/io/fs/index.ts'
import { cacheIndexContract } from './cache-index.contract.ts'

const dir = mkdtempSync(join(tmpdir(), 'weir-fs-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const env = { cwd: dir, stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }
let n = 0
// `root-1x` starts like every root here but is beside them, not under one.
cacheIndexContract(async () => fsIo.create({ root: join(dir, `root-${++n}`) }, env), { foreignUri: pathToFileURL(join(dir, 'root-1x', 'output.json')).href })

describe('fs cache index layout', () => {
  const key = (c: string) => c.repeat(64)
  const ctx = { signal: new AbortController().signal, log: env.log, output: { kind: 'any' as const } }
  const entryOf = (task: string, k: string, output: CacheEntry['output']): CacheEntry => ({
    format: 1, pipeline: 'sales', task, key: k, components: {}, runId: 'r1', createdAt: new Date(0).toISOString(), ...(output && { output }), values: {},
  })

  test('entries share 16 folders per pipeline, by the first digit of their key (no folder per task)', async () => {
    const root = join(dir, 'layout-1')
    const io = fsIo.create({ root }, env)
    const output = await io.write({ pipeline: 'sales', runId: 'r1', taskId: 'extract' }, { n: 1 }, ctx)
    for (const [task, k] of [['extract', key('a')], ['report', key('a')], ['report', key('b')], ['report_2', key('c')]] as const) await io.cache!.write(entryOf(task, k, output), 'create', ctx.signal)
    expect(readdirSync(join(root, '_cache', 'sales')).sort()).toEqual(['a', 'b', 'c'])
    expect(readdirSync(join(root, '_cache', 'sales', 'a')).sort()).toEqual([`extract.${key('a')}.json`, `report.${key('a')}.json`])
    expect((await io.cache!.list({ pipeline: 'sales', task: 'report' }, ctx.signal)).map((e) => e.key).sort()).toEqual([key('a'), key('b')])
  })

  test('entries of the earlier layout (<pipeline>/<task>/<key>.json) are listed and removed, not read as hits', async () => {
    const root = join(dir, 'layout-2')
    const io = fsIo.create({ root }, env)
    const output = await io.write({ pipeline: 'sales', runId: 'r1', taskId: 'extract' }, { n: 1 }, ctx)
    const old = entryOf('extract', key('d'), output)
    mkdirSync(join(root, '_cache', 'sales', 'extract'), { recursive: true })
    writeFileSync(join(root, '_cache', 'sales', 'extract', `${old.key}.json`), JSON.stringify(old))
    expect(await io.cache!.read(old, ctx.signal)).toBeUndefined()
    const listed = await io.cache!.list({ pipeline: 'sales', task: 'extract' }, ctx.signal)
    expect(listed).toEqual([old])
    await io.cache!.remove(listed[0]!, { output: false }, ctx.signal)
    expect(readdirSync(join(root, '_cache', 'sales', 'extract'))).toEqual([])
  })
})
