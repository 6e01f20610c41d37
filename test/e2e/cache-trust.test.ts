/**
 * What a cache hit may be trusted with, end to end (the built CLI): an output written over since its
 * entry was made, an entry edited to point elsewhere, a damaged entry, the cache variables left in
 * the environment, an upstream output that changed form.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'

const BIN = resolve('bin/weir.js')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

/** A project with `p.yaml` (pipeline `trust`) and handler files. */
async function project(spec: string, handlers: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-cache-trust-'))
  dirs.push(dir)
  await mkdir(join(dir, 'h'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'p.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: trust\ndefaults: { cache: true }\n${spec}`)
  for (const [name, text] of Object.entries(handlers)) await writeFile(join(dir, 'h', name), text)
  return dir
}

interface RunJson {
  tasks: Record<string, { status: string; cached?: boolean; output?: string }>
}

function weir(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}
const run = (dir: string, args: string[] = [], env?: NodeJS.ProcessEnv) => JSON.parse(weir(dir, ['run', 'p.yaml', '--json', ...args], env)) as RunJson
const entryFiles = (dir: string) => {
  const root = join(dir, '.weir', 'data', '_cache', 'trust')
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)).map((f) => join(root, shard, f)))
}

test('an output written over by weir execute with the same run id (an engine repair) is not served to a later run with the old inputs', async () => {
  const dir = await project(
    'params:\n  m: { type: string, default: A }\ntasks:\n  echo: { handler: ./h/t.ts#echo, inputs: { m: "${{ params.m }}" } }\n  show: { handler: ./h/t.ts#show, inputs: { e: "${{ tasks.echo.output }}" }, cache: false }\n',
    { 't.ts': 'export const echo = (i: { m: string }) => ({ m: i.m })\nexport const show = (i: { e: { m: string } }) => ({ saw: i.e.m })\n' },
  )
  const execute = (task: string, runId: string, m: string) => weir(dir, ['execute', '--spec', 'p.yaml', '--task', task, '--run-id', runId, '--param', `m=${m}`])
  execute('echo', 'r1', 'A')
  execute('echo', 'r1', 'B')
  execute('echo', 'r2', 'A')
  const outputs = JSON.parse(readFileSync(join(dir, '.weir', 'data', 'trust', 'r2', 'echo', 'outputs.json'), 'utf8')) as { cachedFrom?: unknown }
  expect(outputs.cachedFrom).toBeUndefined()
  execute('show', 'r2', 'A')
  expect(readFileSync(join(dir, '.weir', 'data', 'trust', 'r2', 'show', 'output.json'), 'utf8')).toBe('{"saw":"A"}')
}, 120_000)

test('an entry edited to point at a file outside the IoManager is not used: the task runs', async () => {
  const dir = await project('tasks:\n  up: { handler: ./h/t.ts#up }\n  down: { handler: ./h/t.ts#down, inputs: { d: "${{ tasks.up.output }}" }, cache: false }\n', {
    't.ts': 'export const up = () => Buffer.from("hello")\nexport const down = (i: { d: Buffer }) => ({ text: i.d.toString() })\n',
  })
  run(dir)
  const [file] = entryFiles(dir).filter((f) => f.includes('/up.'))
  const secret = join(dir, 'secret.txt')
  writeFileSync(secret, 'not an output')
  writeFileSync(file!, JSON.stringify({ ...JSON.parse(readFileSync(file!, 'utf8')), output: { uri: `file://${secret}`, format: 'bytes', io: 'fs' } }))
  const second = run(dir)
  expect(second.tasks.up).toMatchObject({ status: 'succeeded', output: expect.stringContaining('/up/output.bin') })
  expect(second.tasks.up!.cached).toBeUndefined()
  expect(readFileSync(new URL(second.tasks.down!.output!), 'utf8')).toBe('{"text":"hello"}')
}, 120_000)

test('--explain-cache says a damaged entry at the key is damaged, before and after the run', async () => {
  const dir = await project('params:\n  n: { type: integer, default: 1 }\ntasks:\n  t: { handler: ./h/t.ts#t, inputs: { n: "${{ params.n }}" } }\n', { 't.ts': 'export const t = (i: { n: number }) => i.n\n' })
  run(dir, ['--param', 'n=1'])
  for (const file of entryFiles(dir)) writeFileSync(file, readFileSync(file, 'utf8').slice(0, 50))
  run(dir, ['--param', 'n=2'])
  const said = 'Cache of t: miss (damaged): the entry at this key is damaged'
  expect(weir(dir, ['run', 'p.yaml', '--param', 'n=1', '--dry-run', '--explain-cache', 't'])).toContain(said)
  expect(weir(dir, ['run', 'p.yaml', '--param', 'n=1', '--explain-cache', 't'])).toMatch(/Cache of t \(succeeded in run \S+\): miss \(damaged\): the entry at this key is damaged/)
}, 120_000)

describe.each([[[]], [['--executor', 'subprocess']]])('weir run %j', (executor: string[]) => {
  test('WEIR_CACHE_DISABLED and WEIR_CACHE_REFRESH left in the environment change nothing; --no-cache does', async () => {
    const dir = await project('tasks:\n  t: { handler: ./h/t.ts#t }\n', { 't.ts': 'export const t = () => 1\n' })
    run(dir, executor)
    const left = { WEIR_CACHE_DISABLED: '1', WEIR_CACHE_REFRESH: 't' }
    expect(run(dir, executor, left).tasks.t!.cached).toBe(true)
    expect(run(dir, [...executor, '--no-cache']).tasks.t!.cached).toBeUndefined()
  }, 120_000)

  test('an upstream that starts streaming the same bytes re-runs its downstream task', async () => {
    const dir = await project('tasks:\n  up: { handler: ./h/up.ts#up }\n  down: { handler: ./h/down.ts#down, inputs: { d: "${{ tasks.up.output }}" } }\n', {
      'up.ts': 'export const up = () => Buffer.from("hello")\n',
      'down.ts': "export const down = (i: { d: unknown }) => (Buffer.isBuffer(i.d) ? 'buffer' : 'stream')\n",
    })
    run(dir, executor)
    await writeFile(join(dir, 'h', 'up.ts'), 'import { Readable } from "node:stream"\nexport const up = () => Readable.from([Buffer.from("hello")])\n')
    const second = run(dir, executor)
    expect(second.tasks.down!.cached).toBeUndefined()
    expect(readFileSync(new URL(second.tasks.down!.output!), 'utf8')).toBe('"stream"')
  }, 120_000)
})
