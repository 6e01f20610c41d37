/**
 * makeDirs / makeDirsSync: `mkdir -p` that ends. Node's `mkdir(…, { recursive: true })` loops forever
 * on a folder that exists but cannot hold children (/proc); these throw there instead.
 */
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { makeDirs, makeDirsSync, makeStateDirSync } from '../../../src/plugins/io/make-dirs.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-make-dirs-'))
  await writeFile(join(dir, 'file'), '')
  await symlink(join(dir, 'nowhere'), join(dir, 'dangling'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.each([
  ['makeDirs', (path: string, mode?: number) => makeDirs(path, mode)],
  ['makeDirsSync', async (path: string, mode?: number) => makeDirsSync(path, mode)],
])('%s', (name, make) => {
  test('creates missing parents, with the mode asked for, and accepts a folder that exists', async () => {
    const deep = join(dir, name, 'a', 'b', 'c')
    await make(deep, 0o700)
    expect(statSync(deep).isDirectory()).toBe(true)
    expect(statSync(join(dir, name, 'a')).mode & 0o777).toBe(0o700)
    await make(deep)
    await make(join(dir, name, 'a', '..', 'a', 'b'))
  })

  test('refuses a file in the way, as mkdir does', async () => {
    await expect(make(join(dir, 'file'))).rejects.toMatchObject({ code: 'EEXIST' })
    await expect(make(join(dir, 'file', 'x', 'y'))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })

  test('refuses a dangling link instead of creating through it', async () => {
    await expect(make(join(dir, 'dangling', 'x'))).rejects.toMatchObject({ syscall: 'mkdir' })
    expect(existsSync(join(dir, 'nowhere'))).toBe(false)
  })

  test.runIf(existsSync('/proc/self'))('ends with ENOENT under /proc, where recursive mkdir spins forever (skipped: a system without /proc)', async () => {
    await expect(make('/proc/weir-no-such-folder/runs/r1')).rejects.toMatchObject({ code: 'ENOENT', syscall: 'mkdir' })
  })
})

describe('makeStateDirSync', () => {
  test('makes a missing state dir readable by its user only, whatever the umask; its parents as usual', () => {
    const previous = process.umask(0o022)
    try {
      const state = join(dir, 'project-a', '.weir')
      makeStateDirSync(state)
      expect(statSync(state).mode & 0o777).toBe(0o700)
      expect(statSync(join(dir, 'project-a')).mode & 0o777).toBe(0o755)
    } finally {
      process.umask(previous)
    }
  })

  test('leaves a state dir that exists as its owner set it (a team may share one)', () => {
    const state = join(dir, 'shared-state')
    makeDirsSync(state, 0o775)
    makeStateDirSync(state)
    expect(statSync(state).mode & 0o777).toBe(0o775 & ~process.umask())
  })

  test('throws for a file in the way of its parents', () => {
    expect(() => makeStateDirSync(join(dir, 'file', '.weir'))).toThrow(/ENOTDIR|EEXIST/)
  })
})
