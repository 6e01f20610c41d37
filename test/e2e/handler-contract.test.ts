/**
 * What a handler gives weir, and how weir judges it, the same in `weir run` in process, in `weir run
 * --executor subprocess` and in `weir execute` (the built CLI): what it threw, whatever that is, the
 * codes weir keeps for its own verdicts, its output and values in their JSON form. Each test writes
 * its own small project.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-handler-contract-'))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

interface TaskJson {
  status: string
  attempts: number
  output?: string
  error?: { code: string; message: string; origin: string; recoverable?: boolean }
}

/** A project with `handlers.mjs` and the spec `p.yaml` (its `tasks:` block given). */
async function project(handlers: string, tasks: string): Promise<string> {
  const dir = await mkdtemp(join(root, 'p-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'handlers.mjs'), handlers)
  await writeFile(join(dir, 'p.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n${tasks}`)
  return dir
}

function weir(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** `weir run --json` with this executor: its exit code and tasks. */
function run(dir: string, executor: 'inprocess' | 'subprocess') {
  const r = weir(dir, ['run', 'p.yaml', '--executor', executor, '--json', '--state-dir', `state-${executor}`])
  let tasks: Record<string, TaskJson>
  try {
    tasks = (JSON.parse(r.stdout) as { tasks: Record<string, TaskJson> }).tasks
  } catch {
    throw new Error(`weir run --executor ${executor} printed no JSON (exit ${r.code}):\n${r.stderr}`)
  }
  return { code: r.code, tasks, stderr: r.stderr }
}

/** One `weir execute` of a task: its exit code, stderr and error.json (if written). */
async function execute(dir: string, task: string) {
  const r = weir(dir, ['execute', '--spec', 'p.yaml', '--task', task, '--run-id', 'r1'])
  const file = join(dir, '.weir', 'data', 'p', 'r1', task, 'error.json')
  const error = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as TaskJson['error']) : undefined
  return { code: r.code, stderr: r.stderr, error }
}

test('a thrown value whose code, stack or every property throws when read is an ordinary handler error everywhere, never a crash of weir', async () => {
  const dir = await project(
    `export const codeGetter = () => { throw { get code() { throw new Error('code boom') } } }
export const stackGetter = () => { const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { throw new Error('stack boom') } }); throw e }
export const proxy = () => { throw new Proxy({}, { get() { throw new Error('proxy boom') } }) }
`,
    ['codeGetter', 'stackGetter', 'proxy'].map((h) => `  ${h.toLowerCase()}: { handler: ./handlers.mjs#${h}, retries: { max: 1, delay: 1ms } }\n`).join(''),
  )
  for (const executor of ['inprocess', 'subprocess'] as const) {
    const { tasks } = run(dir, executor)
    for (const id of ['codegetter', 'stackgetter', 'proxy'])
      expect(tasks[id], `${executor} ${id}`).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'HANDLER_ERROR', origin: 'user' } })
  }
  for (const id of ['codegetter', 'stackgetter', 'proxy']) {
    const r = await execute(dir, id)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).not.toContain('internal error')
    expect(r.error, id).toMatchObject({ code: 'HANDLER_ERROR', origin: 'user', recoverable: true })
  }
})

test('such a value thrown where nothing catches it (a callback) fails the task process with HANDLER_EXIT, saying it cannot be read', async () => {
  const dir = await project(
    `export const callback = () => { setTimeout(() => { throw new Proxy({}, { get() { throw new Error('proxy boom') } }) }, 1); return new Promise((r) => setTimeout(r, 5000)) }
export const rejection = () => { Promise.reject(new Proxy({}, { get() { throw new Error('proxy boom') } })); return new Promise((r) => setTimeout(r, 5000)) }
`,
    '  callback: { handler: ./handlers.mjs#callback }\n  rejection: { handler: ./handlers.mjs#rejection }\n',
  )
  for (const id of ['callback', 'rejection']) {
    const r = await execute(dir, id)
    expect(r.code, r.stderr).toBe(1)
    expect(r.error, id).toMatchObject({ code: 'HANDLER_EXIT', origin: 'user', recoverable: true })
    expect(r.error!.message).toContain('an object that cannot be read')
  }
})

test("a handler's error whose code is one of weir's verdicts (CANCELLED, a VALUE_ code) is an ordinary handler error: exit 1, retried", async () => {
  const dir = await project(
    `export const cancelled = () => { throw Object.assign(new Error('x'), { code: 'CANCELLED' }) }
export const stale = () => { throw Object.assign(new Error('x'), { code: 'VALUE_STALE' }) }
`,
    '  cancelled: { handler: ./handlers.mjs#cancelled, retries: { max: 1, delay: 1ms } }\n  stale: { handler: ./handlers.mjs#stale, retries: { max: 1, delay: 1ms } }\n',
  )
  const runs = { inprocess: run(dir, 'inprocess'), subprocess: run(dir, 'subprocess') }
  for (const [id, code] of [['cancelled', 'CANCELLED'], ['stale', 'VALUE_STALE']] as const) {
    const r = await execute(dir, id)
    expect(r.code, r.stderr).toBe(1)
    expect(r.error, id).toMatchObject({ code, origin: 'user', recoverable: true })
    for (const [executor, { tasks }] of Object.entries(runs))
      expect(tasks[id], `${executor} ${id}`).toMatchObject({ status: 'failed', attempts: 2, error: { code, origin: 'user' } })
  }
})

test('an output is checked, stored and received downstream in its JSON form, identically in process and in a subprocess', async () => {
  const dir = await project(
    `export const objects = () => ({ when: new Date(0), obj: { toJSON() { return 42 } } })
export const text = () => new Date(0)
export const nested = () => ({ rows: [{ at: new Date(0), note: undefined, size: { toJSON: () => 3 } }] })
export const use = (inputs) => inputs
`,
    `  objects:
    handler: ./handlers.mjs#objects
    output: { type: object, properties: { when: { type: object }, obj: { type: object, properties: { x: { type: integer } } } }, required: [when, obj] }
  text:
    handler: ./handlers.mjs#text
    output: { type: string }
  nested:
    handler: ./handlers.mjs#nested
    output: { type: object, properties: { rows: { type: array, items: { type: object, properties: { at: { type: string }, size: { type: integer } }, additionalProperties: false } } } }
  use:
    handler: ./handlers.mjs#use
    inputs: { text: "\${{ tasks.text.output }}", nested: "\${{ tasks.nested.output }}", at: "\${{ tasks.nested.output.rows }}" }
`,
  )
  const received = { text: '1970-01-01T00:00:00.000Z', nested: { rows: [{ at: '1970-01-01T00:00:00.000Z', size: 3 }] }, at: [{ at: '1970-01-01T00:00:00.000Z', size: 3 }] }
  for (const executor of ['inprocess', 'subprocess'] as const) {
    const { tasks } = run(dir, executor)
    expect(tasks.objects, executor).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'OUTPUT_INVALID', origin: 'user' } })
    expect(tasks.objects!.error!.message).toMatch(/'when' must be object.*'obj' must be object/)
    expect(tasks.text, executor).toMatchObject({ status: 'succeeded' })
    expect(tasks.use, executor).toMatchObject({ status: 'succeeded' })
    expect(JSON.parse(await readFile(new URL(tasks.use!.output!), 'utf8')), executor).toStrictEqual(received)
  }
  const objects = await execute(dir, 'objects')
  expect(objects.code, objects.stderr).toBe(3)
  expect(objects.error).toMatchObject({ code: 'OUTPUT_INVALID', origin: 'user', recoverable: false })
})

test('a task value JSON cannot hold is refused where it is (VALUE_INVALID, not retried), and one it can is kept in its JSON form', async () => {
  const dir = await project(
    `export const big = (_i, ctx) => { ctx.values.set('v', { n: 1n }) }
export const map = (_i, ctx) => { ctx.values.set('v', new Map()) }
export const custom = (_i, ctx) => { ctx.values.set('v', { toJSON() { return 'custom' } }) }
export const dated = (_i, ctx) => { ctx.values.set('v', { at: new Date(0) }) }
export const use = (inputs) => inputs
`,
    `  big: { handler: ./handlers.mjs#big, retries: 2, values: { v: {} } }
  map: { handler: ./handlers.mjs#map, retries: 2, values: { v: {} } }
  custom: { handler: ./handlers.mjs#custom, retries: 2, values: { v: { type: object } } }
  dated: { handler: ./handlers.mjs#dated, values: { v: { type: object, properties: { at: { type: string } } } } }
  use: { handler: ./handlers.mjs#use, inputs: { v: "\${{ tasks.dated.values.v }}" } }
`,
  )
  const refused = { big: "holds a BigInt at '/n'", map: 'is a Map', custom: 'must be object' }
  for (const executor of ['inprocess', 'subprocess'] as const) {
    const { tasks } = run(dir, executor)
    for (const [id, text] of Object.entries(refused)) {
      expect(tasks[id], `${executor} ${id}`).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'VALUE_INVALID', origin: 'user' } })
      expect(tasks[id]!.error!.message).toContain(text)
    }
    expect(JSON.parse(await readFile(new URL(tasks.use!.output!), 'utf8')), executor).toStrictEqual({ v: { at: '1970-01-01T00:00:00.000Z' } })
  }
  const big = await execute(dir, 'big')
  expect(big.code, big.stderr).toBe(3)
  expect(big.error).toMatchObject({ code: 'VALUE_INVALID', origin: 'user', recoverable: false })
})

test('a class exported as a handler: spec validate reports it at its declaration, and at run time it is refused before it is called, not retried', async () => {
  const dir = await project(
    `export class Klass { run() { return 1 } }
const make = () => class Made {}
export const hidden = make()
`,
    '  klass: { handler: ./handlers.mjs#Klass, retries: 2 }\n  hidden: { handler: ./handlers.mjs#hidden, retries: 2 }\n',
  )
  const validate = weir(dir, ['spec', 'validate', 'p.yaml'])
  expect(validate.code).toBe(1)
  expect(validate.stdout + validate.stderr).toContain("error HANDLER_NOT_A_FUNCTION: Export 'Klass' of module './handlers.mjs' is a class (handlers.mjs:1:14), not a function; point task 'klass' at an exported function.")
  for (const id of ['klass', 'hidden']) {
    const r = await execute(dir, id)
    expect(r.code, r.stderr).toBe(3)
    expect(r.error, id).toMatchObject({ code: 'HANDLER_NOT_A_FUNCTION', origin: 'user', recoverable: false })
  }
  // What validation cannot see (a class made at run time) is refused the same way by both executors.
  await writeFile(join(dir, 'p.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  hidden: { handler: ./handlers.mjs#hidden, retries: 2 }\n')
  for (const executor of ['inprocess', 'subprocess'] as const)
    expect(run(dir, executor).tasks.hidden, executor).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'HANDLER_NOT_A_FUNCTION', origin: 'user' } })
})

test('weir execute reports a handler it cannot use with the code and words of spec validate: a missing export, no function, a module that does not parse or is gone', async () => {
  const dir = await project('export const a = () => 1\nexport const b = () => 2\nexport const n = 5\n', '')
  await writeFile(join(dir, 'broken.mjs'), 'export const a = () => 1\nexport const s = "unclosed\n')
  const tasks = { missing: './handlers.mjs#zzz', notfn: './handlers.mjs#n', broken: './broken.mjs#a', gone: './gone.mjs#a' }
  await writeFile(join(dir, 'p.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n${Object.entries(tasks).map(([id, h]) => `  ${id}: { handler: ${h} }\n`).join('')}`)
  const validate = weir(dir, ['spec', 'validate', 'p.yaml'])
  const said = Object.fromEntries([...(validate.stdout + validate.stderr).matchAll(/error (HANDLER_[A-Z_]+): (.*task '(\w+)'.*)$/gm)].map((m) => [m[3]!, { code: m[1], message: m[2] }]))
  expect(Object.keys(said).sort()).toEqual(['broken', 'gone', 'missing', 'notfn'])
  expect(said).toMatchObject({ missing: { code: 'HANDLER_EXPORT_MISSING' }, notfn: { code: 'HANDLER_NOT_A_FUNCTION' }, broken: { code: 'HANDLER_SYNTAX_ERROR' }, gone: { code: 'HANDLER_NOT_FOUND' } })
  for (const id of Object.keys(tasks)) {
    const r = await execute(dir, id)
    expect(r.code, r.stderr).toBe(3)
    expect(r.error, id).toMatchObject({ ...said[id], origin: 'user', recoverable: false })
    expect(r.stderr).not.toContain('Require stack')
  }
})
