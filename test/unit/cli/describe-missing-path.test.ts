/**
 * What a command says of a path it cannot use (src/cli/describe-missing-path.ts), through
 * checkSpecFile as `weir run` and `weir execute` call it: the reason stat(2) gave, never a
 * "did you mean" that names the path itself.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkSpecFile } from '../../../src/cli/check-spec-file.ts'
import { describeMissingPath } from '../../../src/cli/describe-missing-path.ts'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-missing-path-'))
  writeFileSync(join(dir, 'orders.yaml'), 'apiVersion: weir/v1\n')
  symlinkSync('loop-b.yaml', join(dir, 'loop-a.yaml'))
  symlinkSync('loop-a.yaml', join(dir, 'loop-b.yaml'))
  symlinkSync('gone.yaml', join(dir, 'dangling.yaml'))
  mkdirSync(join(dir, 'sub'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const refusal = async (path: string): Promise<string> => {
  try {
    await checkSpecFile('run', path)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`checkSpecFile accepted ${path}`)
}

describe('a spec path that cannot be used', () => {
  test('a symbolic link that loops says so, and suggests no name', async () => {
    expect(await refusal(join(dir, 'loop-a.yaml'))).toBe(`run: '${join(dir, 'loop-a.yaml')}' is a symbolic link that leads back to itself (a loop); pass a spec file.`)
  })

  test('a symbolic link to nothing names where it points', async () => {
    expect(await refusal(join(dir, 'dangling.yaml'))).toBe(`run: '${join(dir, 'dangling.yaml')}' is a symbolic link to 'gone.yaml', which does not exist; pass a spec file.`)
  })

  test('a file used as a folder', async () => {
    expect(await refusal(join(dir, 'orders.yaml/x.yaml'))).toBe(`run: '${join(dir, 'orders.yaml/x.yaml')}' does not exist: a part of it before the end is a file, not a folder; pass a spec file.`)
  })

  test('a close name from the folder, never the missing name itself', async () => {
    expect(await refusal(join(dir, 'order.yaml'))).toBe(`run: '${join(dir, 'order.yaml')}' does not exist; did you mean '${join(dir, 'orders.yaml')}'?`)
    expect(await describeMissingPath(join(dir, 'loop-a.yaml'), 'a spec file')).not.toContain('did you mean')
  })

  test.each([
    ['EACCES', 'cannot be reached: permission denied (check the permissions of the folders on its way); pass a spec file.'],
    ['ENAMETOOLONG', 'is longer than this system allows for a path; pass a spec file.'],
    ['EIO', 'cannot be read (EIO); pass a spec file.'],
  ])('%s gets its own words', async (code, words) => {
    expect(await describeMissingPath('p.yaml', 'a spec file', Object.assign(new Error(code), { code }))).toBe(`'p.yaml' ${words}`)
  })

  test('control characters in a link target are shown as escapes', async () => {
    const link = join(dir, 'evil.yaml')
    symlinkSync('\u001b[31mred', link)
    expect(await refusal(link)).toBe(`run: '${link}' is a symbolic link to '\\u001b[31mred', which does not exist; pass a spec file.`)
  })
})
