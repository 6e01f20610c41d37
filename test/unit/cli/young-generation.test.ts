// A large spec keeps V8's young generation at its first size (src/cli/young-generation.ts): the
// peak memory of a large `weir run` is otherwise a third young generation. Checked in a child
// process, since V8's flags are process-wide.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { LARGE_SPEC_BYTES } from '../../../src/cli/young-generation.ts'

/** The young generation's size (MB) after a burst of allocation, in a process that called fitYoungGeneration(specBytes). */
function youngGenerationAfterAllocating(specBytes: number, nodeOptions = ''): { fitted: boolean; newSpaceMb: number } {
  const module = resolve(import.meta.dirname, '../../../src/cli/young-generation.ts')
  const script = `
    const m = await import(${JSON.stringify(module)}); const { fitYoungGeneration } = m.default ?? m
    const fitted = fitYoungGeneration(${specBytes}, ${JSON.stringify(nodeOptions)}, [])
    const kept = []
    for (let i = 0; i < 2e6; i++) { const o = { i, s: 'x' + i }; if (i % 20 === 0) kept.push(o) }
    const { getHeapSpaceStatistics } = await import('node:v8')
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    console.log(JSON.stringify({ fitted, newSpaceMb: space.space_size / 2 ** 20, kept: kept.length }))
  `
  const ran = spawnSync(process.execPath, ['--import', 'jiti/register', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: resolve(import.meta.dirname, '../../..') })
  expect(ran.stderr).toBe('')
  return JSON.parse(ran.stdout) as { fitted: boolean; newSpaceMb: number }
}

describe('fitYoungGeneration', () => {
  test('a large spec keeps the young generation at its first size under heavy allocation', () => {
    const { fitted, newSpaceMb } = youngGenerationAfterAllocating(LARGE_SPEC_BYTES)
    expect(fitted).toBe(true)
    expect(newSpaceMb).toBeLessThanOrEqual(8)
  })

  test('a smaller spec leaves V8 to grow it as it likes', () => {
    const { fitted, newSpaceMb } = youngGenerationAfterAllocating(LARGE_SPEC_BYTES - 1)
    expect(fitted).toBe(false)
    expect(newSpaceMb).toBeGreaterThan(8)
  })

  test("the user's own semi-space flag in NODE_OPTIONS wins", () => {
    expect(youngGenerationAfterAllocating(LARGE_SPEC_BYTES, '--max-semi-space-size=64').fitted).toBe(false)
  })
})
