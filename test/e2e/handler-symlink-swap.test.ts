/**
 * A handler symlink swapped during a run (#15): task `first` points the symlink of task `second`'s
 * handler at a module outside the project. The real path is checked each time a handler is loaded,
 * so `second` fails with HANDLER_OUTSIDE_PROJECT and the outside module never runs, in process
 * (which used to remember the real path from validation) as in a subprocess.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-symlink-swap-'))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

interface RunJson {
  status: string
  tasks: Record<string, { status: string; error?: { code: string; origin: string; message: string } }>
}

const SWAP = `import { symlinkSync, unlinkSync } from 'node:fs'
export function swap(inputs) {
  unlinkSync(inputs.link)
  symlinkSync(inputs.target, inputs.link)
  return 'swapped'
}
export const work = () => 'inside'
`
const EVIL = (marker: string) => `import { writeFileSync } from 'node:fs'
export const work = () => { writeFileSync(${JSON.stringify(marker)}, 'ran'); return 'outside' }
export const swap = work
`

/** A project whose `handlers/linked.ts` links to `handlers/real.ts`; `evil.ts` lies outside it. */
async function project(name: string, firstHandler: string): Promise<{ spec: string; marker: string; stateDir: string }> {
  const dir = join(root, name)
  const project = join(dir, 'project')
  const outside = join(dir, 'outside')
  await mkdir(join(project, 'handlers'), { recursive: true })
  await mkdir(outside)
  const marker = join(dir, 'outside-module-ran')
  await writeFile(join(project, 'package.json'), '{ "name": "swap", "type": "module" }\n')
  await writeFile(join(project, 'handlers', 'swap.ts'), SWAP)
  await writeFile(join(project, 'handlers', 'real.ts'), SWAP)
  await writeFile(join(outside, 'evil.ts'), EVIL(marker))
  await symlink(join(project, 'handlers', 'real.ts'), join(project, 'handlers', 'linked.ts'))
  const spec = join(project, 'swap.yaml')
  await writeFile(
    spec,
    [
      'apiVersion: weir/v1',
      'kind: Pipeline',
      'name: swap',
      'tasks:',
      '  first:',
      `    handler: ${firstHandler}`,
      `    inputs: { link: ${JSON.stringify(join(project, 'handlers', 'linked.ts'))}, target: ${JSON.stringify(join(outside, 'evil.ts'))} }`,
      '  second:',
      '    handler: ./handlers/linked.ts#work',
      '    needs: [first]',
      '',
    ].join('\n'),
  )
  return { spec, marker, stateDir: join(dir, 'state') }
}

function run(spec: string, executor: string, stateDir: string): { code: number | null; result: RunJson; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'run', spec, '--executor', executor, '--json', '--state-dir', stateDir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  try {
    return { code: r.status, result: JSON.parse(r.stdout) as RunJson, stderr: r.stderr }
  } catch {
    throw new Error(`weir run --executor ${executor} printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  }
}

describe.each(['inprocess', 'subprocess'])('a handler symlink swapped during the run (%s executor)', (executor) => {
  test.each([
    { name: 'the swapped handler is in a module not loaded yet', first: './handlers/swap.ts#swap' },
    { name: 'the swapped handler is in a module the run already loaded', first: './handlers/linked.ts#swap' },
  ])('$name: the next task fails with HANDLER_OUTSIDE_PROJECT and the outside module never runs', async ({ first }) => {
    const { spec, marker, stateDir } = await project(`${executor}-${first.includes('linked') ? 'loaded' : 'fresh'}`, first)
    const { code, result, stderr } = run(spec, executor, stateDir)
    expect(result.tasks.first, stderr).toMatchObject({ status: 'succeeded' })
    expect(result.tasks.second, stderr).toMatchObject({ status: 'failed', error: { code: 'HANDLER_OUTSIDE_PROJECT', origin: 'user' } })
    expect(result.tasks.second!.error!.message).toMatch(/outside the project/)
    expect(code).toBe(1)
    expect(existsSync(marker)).toBe(false)
  })
})
