/**
 * `weir execute` has two bundles (src/cli/start-execute.ts): a process the subprocess executor
 * started with its run's spec plan runs the plan bundle, which has no YAML parser and no validation;
 * anything else, and a plan process whose plan cannot serve, runs the full one. Each test works on
 * its own copy of the built CLI (bin/, dist/cli/, package.json; node_modules linked), where a bundle
 * can be taken away to show which one ran.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { specPlanText } from '../../src/spec/spec-plan.ts'

const SPEC = 'apiVersion: weir/v1\nkind: Pipeline\nname: p\nparams:\n  who: { type: string, default: someone }\ntasks:\n  greet:\n    handler: ./handlers/greet.js#greet\n    values: { who: { type: string } }\n'
const DATA = { apiVersion: 'weir/v1', kind: 'Pipeline', name: 'p', params: { who: { type: 'string', default: 'someone' } }, tasks: { greet: { handler: './handlers/greet.js#greet', values: { who: { type: 'string' } } } } }
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

let root: string
let n = 0

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weir-execute-plan-'))
})
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

/** A copy of the built CLI, a one-task project beside it, and a plan of its spec. */
function install(): { cli: string; dist: string; project: string; plan: string } {
  const dir = join(root, `install-${++n}`)
  // Without the plans this clone's own `weir execute`s kept (execute-plan-cache.ts).
  for (const part of ['bin', 'dist/cli', 'package.json']) cpSync(resolve(part), join(dir, part), { recursive: true, filter: (from) => !from.endsWith('.plans') })
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
  const project = join(dir, 'project')
  mkdirSync(join(project, 'handlers'), { recursive: true })
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(project, 'handlers/greet.js'), 'export function greet(_inputs, ctx) { ctx.values.set("who", ctx.params.who) }\n')
  writeFileSync(join(project, 'p.yaml'), SPEC)
  const plan = join(project, 'plan.json')
  writeFileSync(plan, specPlanText(sha256(SPEC), SPEC, DATA)!)
  return { cli: join(dir, 'bin/weir.js'), dist: join(dir, 'dist/cli'), project, plan }
}

/** Takes the bundle of `name` (execute or execute-plan) out of the copy. */
function removeBundle(dist: string, name: string): void {
  const files = readdirSync(dist).filter((f) => f.startsWith(`${name}.bundle-`))
  expect(files.length).toBeGreaterThan(0)
  for (const f of files) rmSync(join(dist, f))
}

/** `weir execute` through `cli`: bin/weir.js, or dist/cli/execute.cjs itself (it reads the arguments after the command). */
function execute(cli: string, project: string, runId: string, env: Record<string, string>, args: string[] = []) {
  const { NODE_OPTIONS: _, WEIR_SPEC_SHA256: _h, WEIR_SPEC_PLAN: _p, WEIR_PARAMS_RESOLVED: _r, ...inherited } = process.env
  const r = spawnSync(process.execPath, [cli, 'execute', '--spec', 'p.yaml', '--task', 'greet', '--run-id', runId, ...args], { cwd: project, encoding: 'utf8', env: { ...inherited, ...env }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const values = (project: string, runId: string): unknown => JSON.parse(readFileSync(join(project, '.weir/data/p', runId, 'greet/values.json'), 'utf8'))

describe('the plan bundle of weir execute', () => {
  test('runs a task from the plan without the full bundle; without a plan the full bundle is what runs', () => {
    const { cli, dist, project, plan } = install()
    removeBundle(dist, 'execute')
    expect(execute(cli, project, 'r1', { WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan })).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r1')).toEqual({ who: 'someone' })
    expect(execute(cli, project, 'r2', { WEIR_SPEC_SHA256: sha256(SPEC) }).code).not.toBe(0)
  })

  test('reads the data of the plan, not the YAML', () => {
    const { cli, project, plan } = install()
    writeFileSync(plan, specPlanText(sha256(SPEC), SPEC, { ...DATA, params: { who: { type: 'string', default: 'the plan' } } })!)
    expect(execute(cli, project, 'r1', { WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan })).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r1')).toEqual({ who: 'the plan' })
  })

  test.each([
    ['broken', (plan: string) => writeFileSync(plan, '{"specSha256":')],
    ['missing', (plan: string) => rmSync(plan)],
    ['of another text', (plan: string) => writeFileSync(plan, specPlanText(sha256('other'), 'other', DATA)!)],
  ])('a plan that is %s hands the command over to the full bundle, with the environment it got', (_, spoil) => {
    const { cli, dist, project, plan } = install()
    spoil(plan)
    // WEIR_PARAMS_RESOLVED reaches the full bundle: the empty --param is the empty string, not the default.
    const env = { WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan, WEIR_PARAMS_RESOLVED: '1' }
    expect(execute(cli, project, 'r1', env, ['--param', 'who='])).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r1')).toEqual({ who: '' })
    removeBundle(dist, 'execute')
    expect(execute(cli, project, 'r2', env, ['--param', 'who=']).code).not.toBe(0)
  })

  test('refuses a spec changed since the run started, in the words of the full bundle', () => {
    const { cli, dist, project, plan } = install()
    writeFileSync(join(project, 'p.yaml'), `${SPEC}# edited\n`)
    const full = execute(cli, project, 'r1', { WEIR_SPEC_SHA256: sha256(SPEC) })
    expect(full.code).toBe(2)
    expect(full.stderr).toContain(`p.yaml changed since the run started (its sha256 is ${sha256(`${SPEC}# edited\n`).slice(0, 12)}\u2026, the run validated ${sha256(SPEC).slice(0, 12)}\u2026)`)
    removeBundle(dist, 'execute')
    expect(execute(cli, project, 'r2', { WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan })).toEqual(full)
  })

  test('a no-op task loads neither node:crypto, node:stream nor fs.promises, from the plan or validating its spec (no hash to check)', () => {
    const { dist, project, plan } = install()
    // Each costs a task process more than the rest of a short attempt (the commits of issue 16 say how
    // much; fs.promises, with the readline and watcher modules it loads, ~1 ms). The entry itself, as bin/weir.js loads it: an ES module bin would load node:stream on its own.
    const cli = join(dist, 'execute.cjs')
    const probe = join(project, 'probe.cjs')
    const loaded = join(project, 'loaded.txt')
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.filter((m) => /^NativeModule (crypto|stream|internal\\/fs\\/promises)$/.test(m)).sort().join(',')))\n`)
    const probed = { NODE_OPTIONS: `--require ${probe}` }
    expect(execute(cli, project, 'r1', { ...probed, WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan })).toMatchObject({ code: 0, stderr: '' })
    expect(readFileSync(loaded, 'utf8')).toBe('')
    expect(execute(cli, project, 'r2', probed)).toMatchObject({ code: 0, stderr: '' })
    expect(readFileSync(loaded, 'utf8')).toBe('')
    // Nor does the next process, from the plan the first one kept (execute-plan-cache.ts: it holds no hash).
    expect(execute(cli, project, 'r2b', probed)).toMatchObject({ code: 0, stderr: '' })
    expect(readFileSync(loaded, 'utf8')).toBe('')
    // The probe sees them when they are loaded: a spec changed since the run started is hashed.
    writeFileSync(join(project, 'p.yaml'), `${SPEC}# edited\n`)
    expect(execute(cli, project, 'r3', { ...probed, WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan }).code).toBe(2)
    expect(readFileSync(loaded, 'utf8')).toBe('NativeModule crypto,NativeModule stream')
  })
})

/** The plans the copy's `weir execute` kept (src/cli/execute-plan-cache.ts): file name → text. */
function keptPlans(dist: string): Map<string, string> {
  const folder = readdirSync(dist).find((f) => f.endsWith('.plans'))
  if (folder === undefined) return new Map()
  return new Map(readdirSync(join(dist, folder)).map((f) => [f, readFileSync(join(dist, folder, f), 'utf8')]))
}

describe('the plans weir execute keeps for itself', () => {
  test('a spec validated in full leaves its plan, and the next process runs from it without the full bundle', () => {
    const { cli, dist, project } = install()
    expect(execute(cli, project, 'r1', {})).toMatchObject({ code: 0, stderr: '' })
    const plans = [...keptPlans(dist).values()]
    expect(plans.map((p) => JSON.parse(p))).toEqual([{ specText: SPEC, data: DATA }])
    removeBundle(dist, 'execute')
    expect(execute(cli, project, 'r2', {})).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r2')).toEqual({ who: 'someone' })
    // Named by its absolute path, the spec is the same file, with the same plan.
    expect(execute(cli, project, 'r3', {}, ['--spec', join(project, 'p.yaml')])).toMatchObject({ code: 0, stderr: '' })
    // Another file with the same text has no plan yet, and needs the full bundle (gone).
    writeFileSync(join(project, 'q.yaml'), SPEC)
    expect(execute(cli, project, 'r4', {}, ['--spec', 'q.yaml']).code).not.toBe(0)
  })

  test('a kept plan is readable by its user only: it holds the spec text, which the spec file may keep from others', () => {
    const { cli, dist, project } = install()
    expect(execute(cli, project, 'r1', {}).code).toBe(0)
    const folder = join(dist, readdirSync(dist).find((f) => f.endsWith('.plans'))!)
    const [name] = readdirSync(folder)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(join(folder, name!)).mode & 0o777).toBe(0o600)
  })

  test('reads the kept plan\'s data, not the YAML, while the file holds its text', () => {
    const { cli, dist, project } = install()
    expect(execute(cli, project, 'r1', {}).code).toBe(0)
    const folder = join(dist, readdirSync(dist).find((f) => f.endsWith('.plans'))!)
    const [name] = readdirSync(folder)
    writeFileSync(join(folder, name!), specPlanText(sha256(SPEC), SPEC, { ...DATA, params: { who: { type: 'string', default: 'the plan' } } })!)
    expect(execute(cli, project, 'r2', {}).code).toBe(0)
    expect(values(project, 'r2')).toEqual({ who: 'the plan' })
  })

  test('a spec edited since its plan was kept is validated in full: an error names its line, a valid text gets a plan of its own', () => {
    const { cli, dist, project } = install()
    expect(execute(cli, project, 'r1', {}).code).toBe(0)
    writeFileSync(join(project, 'p.yaml'), SPEC.replace('default: someone', 'default: 7'))
    const refused = execute(cli, project, 'r2', {})
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/^weir: execute: p\.yaml:5:\d+: /)
    const edited = SPEC.replace('someone', 'someone else')
    writeFileSync(join(project, 'p.yaml'), edited)
    expect(execute(cli, project, 'r3', {})).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r3')).toEqual({ who: 'someone else' })
    expect([...keptPlans(dist).values()].map((p) => JSON.parse(p).specText)).toEqual([edited])
  })

  test.each([
    ['damaged', (file: string) => writeFileSync(file, '{"specSha256":')],
    ['of another text', (file: string) => writeFileSync(file, specPlanText(sha256('other'), 'other', DATA)!)],
    ['with a hash that is no sha256', (file: string) => writeFileSync(file, JSON.stringify({ specSha256: '../x', specText: SPEC, data: DATA }))],
  ])('a kept plan that is %s hands the command over to the full bundle, which keeps a good one', (_, spoil) => {
    const { cli, dist, project } = install()
    expect(execute(cli, project, 'r1', {}).code).toBe(0)
    const folder = join(dist, readdirSync(dist).find((f) => f.endsWith('.plans'))!)
    const [name] = readdirSync(folder)
    spoil(join(folder, name!))
    expect(execute(cli, project, 'r2', {}, ['--param', 'who=x'])).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r2')).toEqual({ who: 'x' })
    expect(JSON.parse(readFileSync(join(folder, name!), 'utf8'))).toEqual({ specText: SPEC, data: DATA })
  })

  test('where no plan can be kept (a file in the way of the folder), every process validates in full and runs', () => {
    const { cli, dist, project } = install()
    const planBundle = readdirSync(dist).find((f) => f.startsWith('execute-plan.bundle-') && f.endsWith('.cjs'))!
    writeFileSync(join(dist, `${planBundle}.plans`), 'not a folder')
    expect(execute(cli, project, 'r1', {})).toMatchObject({ code: 0, stderr: '' })
    expect(execute(cli, project, 'r2', {})).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r2')).toEqual({ who: 'someone' })
  })

  test('a process the run gave a plan reads that plan, not a kept one', () => {
    const { cli, dist, project, plan } = install()
    expect(execute(cli, project, 'r1', {}).code).toBe(0)
    writeFileSync(plan, specPlanText(sha256(SPEC), SPEC, { ...DATA, params: { who: { type: 'string', default: 'the run' } } })!)
    expect(execute(cli, project, 'r2', { WEIR_SPEC_SHA256: sha256(SPEC), WEIR_SPEC_PLAN: plan }).code).toBe(0)
    expect(values(project, 'r2')).toEqual({ who: 'the run' })
    expect(keptPlans(dist).size).toBe(1)
  })
})
