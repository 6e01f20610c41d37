/**
 * loadHandler checks the real path of a handler's module on every load (#15), as a fresh
 * `weir execute` process would: a symlink re-pointed during the run is seen at once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadHandler } from '../../../src/runtime/load-handler.ts'
import type { HandlerRef } from '../../../src/spec/model.ts'
import { tempDir } from './helpers.ts'

let dir: string
let project: string
let outside: string

beforeAll(async () => {
  dir = await tempDir('weir-load-handler-')
  project = join(dir, 'project')
  outside = join(dir, 'outside')
  await mkdir(join(project, 'handlers'), { recursive: true })
  await mkdir(outside)
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await writeFile(join(project, 'handlers', 'one.ts'), "export const which = () => 'one'\n")
  await writeFile(join(project, 'handlers', 'two.ts'), "export const which = () => 'two'\n")
  await writeFile(join(outside, 'evil.ts'), "export const which = () => 'evil'\n")
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function pointLink(link: string, target: string): Promise<void> {
  await unlink(link).catch(() => {})
  await symlink(target, link)
}

const ref = (file: string): HandlerRef => ({ written: `./handlers/${file}#which`, modulePath: join(project, 'handlers', file), exportName: 'which' })

describe('loadHandler and symlinks', () => {
  test('a link swapped to a module outside the project after it was loaded is refused on the next load', async () => {
    const link = join(project, 'handlers', 'swapped.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    expect((await loadHandler(ref('swapped.ts'), project))({}, {})).toBe('one')
    await pointLink(link, join(outside, 'evil.ts'))
    await expect(loadHandler(ref('swapped.ts'), project)).rejects.toMatchObject({ code: 'HANDLER_OUTSIDE_PROJECT', message: expect.stringContaining(join(outside, 'evil.ts')) })
  })

  test('a link re-pointed inside the project loads its new target, as a new process would', async () => {
    const link = join(project, 'handlers', 'repointed.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    expect((await loadHandler(ref('repointed.ts'), project))({}, {})).toBe('one')
    await pointLink(link, join(project, 'handlers', 'two.ts'))
    expect((await loadHandler(ref('repointed.ts'), project))({}, {})).toBe('two')
  })

  test('a link that leads back inside the project is loaded', async () => {
    const link = join(project, 'handlers', 'back.ts')
    await pointLink(link, join(project, 'handlers', 'two.ts'))
    expect((await loadHandler(ref('back.ts'), project))({}, {})).toBe('two')
  })
})
