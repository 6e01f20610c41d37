/**
 * `weir run` of a large spec (512 KB or more) keeps V8's young generation at its first size, so that
 * the run's peak memory is weir's per-task state, not a 32 MB nursery (src/cli/young-generation.ts);
 * a small spec leaves V8 alone. A handler that allocates heavily reports the young generation's size.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = resolve('bin/weir.js')
let root: string

const HANDLER = `import { getHeapSpaceStatistics } from 'node:v8'
export function allocate() {
  const kept = []
  for (let i = 0; i < 2e6; i++) { const o = { i, s: 'x' + i }; if (i % 20 === 0) kept.push(o) }
  return { newSpaceMb: getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20, kept: kept.length }
}
`

/** A one-task spec, padded with a comment to `bytes` bytes. */
function spec(bytes: number): string {
  const text = 'apiVersion: weir/v1\nkind: Pipeline\nname: heap\ntasks:\n  allocate:\n    handler: ./handler.js#allocate\n'
  return `${text}# ${'padding '.repeat(Math.ceil(bytes / 8))}\n`
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-young-generation-'))
  await writeFile(join(root, 'package.json'), '{ "name": "heap", "type": "module" }\n')
  await writeFile(join(root, 'handler.js'), HANDLER)
  await writeFile(join(root, 'large.yaml'), spec(600 * 1024))
  await writeFile(join(root, 'small.yaml'), spec(1024))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

/** Runs a spec; returns the size of the young generation its handler saw, in MB. */
async function newSpaceMb(name: string, nodeOptions?: string): Promise<number> {
  const { NODE_OPTIONS: _, ...env } = process.env
  const r = spawnSync(process.execPath, [BIN, 'run', `${name}.yaml`, '--json', '--state-dir', `.weir-${name}-${nodeOptions ?? ''}`], { cwd: root, encoding: 'utf8', env: { ...env, ...(nodeOptions && { NODE_OPTIONS: nodeOptions }) }, timeout: 60_000 })
  expect(r.status, r.stderr).toBe(0)
  const output = (JSON.parse(r.stdout) as { tasks: { allocate: { output: string } } }).tasks.allocate.output
  return (JSON.parse(await readFile(fileURLToPath(output), 'utf8')) as { newSpaceMb: number }).newSpaceMb
}

describe('the young generation of weir run', () => {
  test('stays at its first size for a spec of 512 KB or more', async () => {
    expect(await newSpaceMb('large')).toBeLessThanOrEqual(8)
  })

  test('grows as V8 likes for a smaller spec', async () => {
    expect(await newSpaceMb('small')).toBeGreaterThan(8)
  })

  test("is the user's to choose with a semi-space flag in NODE_OPTIONS", async () => {
    expect(await newSpaceMb('large', '--max-semi-space-size=16')).toBeGreaterThan(8)
  })
})
