/** HANDLER_OUTSIDE_PROJECT says what the project folder is and how to fix it (issue 15). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateSpecFile } from '../../../src/spec/validate.ts'

let dir: string
const SPEC = 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a:\n    handler: ../handlers/h.ts#run\n'

/** A project folder with `pipelines/spec.yaml` and `handlers/h.ts`, and whatever marker files are named. */
async function project(name: string, markers: readonly string[]): Promise<string> {
  const root = join(dir, name)
  await mkdir(join(root, 'pipelines'), { recursive: true })
  await mkdir(join(root, 'handlers'), { recursive: true })
  await writeFile(join(root, 'handlers', 'h.ts'), 'export async function run() {}\n')
  await writeFile(join(root, 'pipelines', 'spec.yaml'), SPEC)
  for (const marker of markers) await writeFile(join(root, marker), '{}\n')
  return root
}

beforeAll(async () => {
  // Under the system's temporary folder there is no package.json or .git above the projects.
  dir = await mkdtemp(join(tmpdir(), 'weir-project-root-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('HANDLER_OUTSIDE_PROJECT', () => {
  test('with no package.json anywhere above the spec: says the project folder falls back to the spec\'s folder, and where to add one', async () => {
    const root = await project('bare', [])
    const { diagnostics } = await validateSpecFile(join(root, 'pipelines', 'spec.yaml'))
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'HANDLER_OUTSIDE_PROJECT',
        line: 6,
        column: 14,
        message: `Handler module '../handlers/h.ts' of task 'a' is outside the project folder '${join(root, 'pipelines')}': the project folder is the nearest folder above the spec with a package.json, and none was found, so it is the spec's own folder; add a package.json to '${root}' (npm init -y there) or move the handler into '${join(root, 'pipelines')}'.`,
      }),
    ])
  })

  test('a handler path that climbs to the file system root is not answered with a package.json at /', async () => {
    const root = await project('climbing', [])
    const climb = `${'../'.repeat(join(root, 'pipelines').split('/').length - 1)}etc/passwd`
    await writeFile(join(root, 'pipelines', 'climb.yaml'), SPEC.replace('../handlers/h.ts#run', `${climb}#x`))
    const { diagnostics } = await validateSpecFile(join(root, 'pipelines', 'climb.yaml'))
    const outside = diagnostics.find((d) => d.code === 'HANDLER_OUTSIDE_PROJECT')
    expect(outside?.message).toMatch(/and none was found, so it is the spec's own folder; move the handler into '[^']+'\.$/)
    expect(outside?.message).not.toContain('npm init')
  })

  test('with a package.json next to the spec: names it as what makes the project folder', async () => {
    const root = await project('nested', ['pipelines/package.json'])
    const { diagnostics } = await validateSpecFile(join(root, 'pipelines', 'spec.yaml'))
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'HANDLER_OUTSIDE_PROJECT',
        message: `Handler module '../handlers/h.ts' of task 'a' is outside the project folder '${join(root, 'pipelines')}' (the nearest folder above the spec with a package.json); move the handler into that folder.`,
      }),
    ])
  })

  test('a package.json in the folder above both makes the same layout valid', async () => {
    const root = await project('fixed', ['package.json'])
    expect((await validateSpecFile(join(root, 'pipelines', 'spec.yaml'))).diagnostics).toEqual([])
  })
})
