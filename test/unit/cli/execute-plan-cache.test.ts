import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { cachedPlanPath, keepPlan, specArgument } from '../../../src/cli/execute-plan-cache.ts'
import { shortHash } from '../../../src/spec/short-hash.ts'

let folder: string

beforeEach(() => {
  folder = join(mkdtempSync(join(tmpdir(), 'weir-plans-')), 'execute-plan.bundle-x.cjs.plans')
})
afterEach(() => rmSync(join(folder, '..'), { recursive: true, force: true }))

describe('specArgument', () => {
  test.each([
    [['--spec', 'p.yaml', '--task', 't'], 'p.yaml'],
    [['--task', 't', '--spec=dir/p.yaml'], 'dir/p.yaml'],
    [['--task', 't'], undefined],
    [['--spec'], undefined],
    [['--', '--spec', 'p.yaml'], undefined],
    [['--specs', 'p.yaml'], undefined],
  ])('%j gives %j', (args, spec) => {
    expect(specArgument(args)).toBe(spec)
  })
})

describe('keepPlan', () => {
  test('writes the plan under a name made of the spec\'s resolved path', () => {
    keepPlan(folder, 'p.yaml', 'text', { a: 1 })
    expect(cachedPlanPath(folder, 'p.yaml')).toBe(join(folder, `${shortHash(resolve('p.yaml'))}.json`))
    expect(JSON.parse(readFileSync(cachedPlanPath(folder, 'p.yaml'), 'utf8'))).toEqual({ specText: 'text', data: { a: 1 } })
  })

  test('keeps nothing for data JSON cannot carry exactly, or a text over 1 MiB', () => {
    keepPlan(folder, 'a.yaml', 'text', { a: Number.POSITIVE_INFINITY })
    keepPlan(folder, 'b.yaml', 'x'.repeat((1 << 20) + 1), { a: 1 })
    expect(readdirSync(join(folder, '..'))).toEqual([])
  })

  test('keeps the 32 most recent plans, and replaces a plan of the same path', () => {
    for (let i = 0; i < 34; i++) {
      keepPlan(folder, `s${i}.yaml`, `text ${i}`, {})
      // mtimes a second apart, oldest first, whatever the file system's resolution.
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i))
      utimesSync(cachedPlanPath(folder, `s${i}.yaml`), at, at)
    }
    keepPlan(folder, 's33.yaml', 'text again', {})
    const kept = readdirSync(folder)
    expect(kept).toHaveLength(32)
    expect(kept).not.toContain(`${shortHash(resolve('s0.yaml'))}.json`)
    expect(kept).not.toContain(`${shortHash(resolve('s1.yaml'))}.json`)
    expect(JSON.parse(readFileSync(cachedPlanPath(folder, 's33.yaml'), 'utf8')).specText).toBe('text again')
  })

  test('never throws where the folder cannot be made, and leaves no temporary file', () => {
    writeFileSync(join(folder, '..', 'execute-plan.bundle-x.cjs.plans'), 'a file in the way')
    expect(() => keepPlan(folder, 'p.yaml', 'text', {})).not.toThrow()
    expect(readdirSync(join(folder, '..'))).toEqual(['execute-plan.bundle-x.cjs.plans'])
  })
})
