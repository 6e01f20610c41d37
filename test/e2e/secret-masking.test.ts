/**
 * A secret param's value that a handler puts in its `ctx.log` lines or in the error it fails with is
 * masked wherever weir shows or keeps that text: the terminal, `--json`, `weir runs show`, the run
 * store (journal, task logs), and `weir execute`'s error.json and stderr (src/runtime/secret-masker.ts).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const WEIR = resolve('bin/weir.js')
const TOKEN = 'tok-3f9a1c77e2'
const PASSWORD = 'pw "quoted" \\\\ 9921'
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-masking-'))
  mkdirSync(join(dir, 'handlers'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(dir, 'handlers/h.js'),
    `export function call(inputs, ctx) {
  ctx.log.info('calling https://api.example/x?token=' + inputs.token, { login: inputs.login, region: inputs.region })
  ctx.log.warn('password is ' + JSON.stringify(inputs.login.password))
  throw new Error('401 for token ' + inputs.token + ' as ' + inputs.login.user + ' with ' + inputs.login.password)
}
`,
  )
  writeFileSync(
    join(dir, 'p.yaml'),
    `apiVersion: weir/v1
kind: Pipeline
name: masked
params:
  token: { type: string, writeOnly: true }
  login:
    type: object
    properties: { user: { type: string }, password: { type: string, writeOnly: true } }
  region: { type: string, default: eu-west-1 }
tasks:
  call:
    handler: ./handlers/h.js#call
    inputs: { token: "\${{ params.token }}", login: "\${{ params.login }}", region: "\${{ params.region }}" }
`,
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const params = JSON.stringify({ token: TOKEN, login: { user: 'svc-reporting', password: PASSWORD } })
const weir = (args: string[], input?: string) => spawnSync(process.execPath, [WEIR, ...args], { cwd: dir, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } })

/** Every file under `root`, as text. */
function filesUnder(root: string): string {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
}

const expectMasked = (text: string): void => {
  expect(text).not.toContain(TOKEN)
  expect(text).not.toContain('9921')
  expect(text).toContain('[redacted]')
}

describe('secret values a handler echoes', () => {
  test.each([[[] as string[]], [['--executor', 'subprocess']]])('are masked in weir run %j, --json, runs show and the run store', (extra) => {
    const ran = weir(['run', 'p.yaml', '--params-stdin', ...extra], params)
    expect(ran.status).toBe(1)
    expectMasked(ran.stdout + ran.stderr)
    expect(ran.stdout + ran.stderr).toContain('401 for token [redacted] as svc-reporting with [redacted]')
    const json = weir(['run', 'p.yaml', '--params-stdin', '--json', ...extra], params)
    expectMasked(json.stdout)
    const runId = (JSON.parse(json.stdout) as { runId: string }).runId
    const shown = weir(['runs', 'show', runId])
    expectMasked(shown.stdout)
    // What is no secret stays: the user, the region.
    expect(shown.stdout).toContain('calling https://api.example/x?token=[redacted]')
    expect(shown.stdout).toContain('eu-west-1')
    expect(shown.stdout).toContain('svc-reporting')
    expectMasked(filesUnder(join(dir, '.weir')))
    // And the store itself is closed to other users of the machine (made 0700 by the first run).
    expect(statSync(join(dir, '.weir')).mode & 0o777).toBe(0o700)
  })

  test("are masked in weir execute's error.json and its stderr (an engine's task log)", () => {
    const ran = weir(['execute', '--spec', 'p.yaml', '--task', 'call', '--run-id', 'r1', '--output-prefix', 'out/call', '--param', `token=${TOKEN}`, '--param', `login=${JSON.stringify({ user: 'svc', password: PASSWORD })}`])
    expect(ran.status).toBe(1)
    expectMasked(ran.stderr)
    const error = JSON.parse(readFileSync(join(dir, 'out/call/error.json'), 'utf8')) as { message: string; stack: string }
    expect(error.message).toBe('401 for token [redacted] as svc with [redacted]')
    expectMasked(error.stack)
  })
})

describe("a secret a handler sets as its error's code", () => {
  const setup = (): void => {
    writeFileSync(join(dir, 'handlers/coded.js'), "export async function coded(inputs, ctx) { const e = new Error('auth failed'); e.code = ctx.params.token; throw e }\n")
    writeFileSync(join(dir, 'coded.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: coded\nparams:\n  token: { type: string, writeOnly: true }\ntasks:\n  coded: { handler: ./handlers/coded.js#coded }\n')
  }

  test.each([[[] as string[]], [['--executor', 'subprocess']]])('is masked in weir run %j, runs show, the graph and the run store', (extra) => {
    setup()
    const ran = weir(['run', 'coded.yaml', '--param', `token=${TOKEN}`, '--json', ...extra])
    expect(ran.status).toBe(1)
    expectMasked(ran.stdout + ran.stderr)
    const runId = (JSON.parse(ran.stdout) as { runId: string }).runId
    const text = weir(['run', 'coded.yaml', '--param', `token=${TOKEN}`, ...extra])
    expect(text.stdout + text.stderr).toContain('✗ coded: [redacted]: auth failed')
    expectMasked(text.stdout + text.stderr)
    const shown = weir(['runs', 'show', runId])
    expect(shown.stdout).toContain('[redacted] (user): auth failed')
    expectMasked(shown.stdout + weir(['runs', 'show', runId, '--json']).stdout)
    const graph = spawnSync(process.execPath, [WEIR, 'graph', 'coded.yaml', '--run', runId, '--format', 'html'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 })
    expect(graph.status).toBe(0)
    expect(graph.stdout).not.toContain(TOKEN)
    expect(graph.stdout).toContain('<code>[redacted]</code> auth failed')
    expectMasked(filesUnder(join(dir, '.weir')))
  })

  test("is masked in weir execute's error.json and stderr", () => {
    setup()
    const ran = weir(['execute', '--spec', 'coded.yaml', '--task', 'coded', '--run-id', 'rc1', '--output-prefix', 'out/coded', '--param', `token=${TOKEN}`])
    expect(ran.status).toBe(1)
    expectMasked(ran.stderr)
    expect(JSON.parse(readFileSync(join(dir, 'out/coded/error.json'), 'utf8'))).toMatchObject({ code: '[redacted]', message: 'auth failed' })
  })
})

describe('a secret a handler puts into a URL with URLSearchParams', () => {
  test.each([[[] as string[]], [['--executor', 'subprocess']]])('is masked in weir run %j and the run store', (extra) => {
    writeFileSync(join(dir, 'handlers/url.js'), "export async function url(inputs, ctx) { const u = new URL('https://api.example/v1'); u.searchParams.set('key', ctx.params.token); throw new Error('GET ' + u.href + ' -> 401') }\n")
    writeFileSync(join(dir, 'url.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: url\nparams:\n  token: { type: string, writeOnly: true }\ntasks:\n  url: { handler: ./handlers/url.js#url }\n')
    const ran = weir(['run', 'url.yaml', '--param', "token=it's my token!", ...extra])
    expect(ran.status).toBe(1)
    expect(ran.stdout + ran.stderr).toContain('GET https://api.example/v1?key=[redacted] -> 401')
    expect(filesUnder(join(dir, '.weir'))).not.toContain('my+token')
  })
})

describe('a secret a handler hands on as a task value (docs/running.md#secret-params)', () => {
  test('is data: kept as written, while the param itself is recorded redacted', () => {
    writeFileSync(join(dir, 'handlers/keep.js'), "export async function keep(inputs, ctx) { ctx.values.set('v', ctx.params.token) }\n")
    writeFileSync(join(dir, 'keep.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: keep\nparams:\n  token: { type: string, writeOnly: true }\ntasks:\n  keep:\n    handler: ./handlers/keep.js#keep\n    values: { v: { type: string } }\n')
    const ran = weir(['run', 'keep.yaml', '--param', `token=${TOKEN}`, '--json'])
    expect(ran.status, ran.stderr).toBe(0)
    const shown = JSON.parse(weir(['runs', 'show', (JSON.parse(ran.stdout) as { runId: string }).runId, '--json']).stdout) as { params: Record<string, unknown>; tasks: Record<string, { values: Record<string, unknown> }> }
    expect(shown.params).toEqual({ token: '[redacted]' })
    expect(shown.tasks.keep!.values).toEqual({ v: TOKEN })
  })
})

describe('secrets in what the process itself prints', () => {
  test.each([
    ['an error thrown in a callback', 'uncaught'],
    ['a rejection nothing handled', 'rejected'],
  ])('%s is printed masked by weir run and weir execute', (_what, mode) => {
    writeFileSync(
      join(dir, 'handlers/loose.js'),
      "export const loose = async (i) => { if (i.mode === 'uncaught') setTimeout(() => { throw new Error('uncaught ' + i.token) }, 10); else Promise.reject(new Error('rejected ' + i.token)); await new Promise((r) => setTimeout(r, 300)) }\n",
    )
    writeFileSync(join(dir, 'loose.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: loose\nparams:\n  token: { type: string, writeOnly: true }\n  mode: { type: string }\ntasks:\n  l:\n    handler: ./handlers/loose.js#loose\n    inputs: { token: "${{ params.token }}", mode: "${{ params.mode }}" }\n')
    const run = weir(['run', 'loose.yaml', '--params-stdin'], JSON.stringify({ token: TOKEN, mode }))
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`${mode} [redacted]`)
    expectMasked(run.stdout + run.stderr)
    const executed = weir(['execute', '--spec', 'loose.yaml', '--task', 'l', '--run-id', `loose-${mode}`, '--param', `token=${TOKEN}`, '--param', `mode=${mode}`])
    expect(executed.status).toBe(1)
    expect(executed.stderr).toContain(`${mode} [redacted]`)
    expectMasked(executed.stderr)
  })
})

describe('a mapped task over a secret list on an engine', () => {
  test('its list step keeps only the count at the task prefix; each item step reads its item from its own params', () => {
    writeFileSync(join(dir, 'handlers/each.js'), 'export const each = (i) => i.tok.length\n')
    writeFileSync(
      join(dir, 'map.yaml'),
      'apiVersion: weir/v1\nkind: Pipeline\nname: secretmap\nparams:\n  tokens: { type: array, items: { type: string }, writeOnly: true }\ntasks:\n  fe:\n    handler: ./handlers/each.js#each\n    foreach: "${{ params.tokens }}"\n    inputs: { tok: "${{ item }}" }\n    output: { type: integer }\n',
    )
    const tokens = ['LISTSECRET-ONE', 'LISTSECRET-THREE!']
    const common = ['--spec', 'map.yaml', '--task', 'fe', '--run-id', 'rl1', '--output-prefix', 'out/fe', '--param', `tokens=${JSON.stringify(tokens)}`]
    const listed = spawnSync(process.execPath, [WEIR, 'execute', ...common, '--list-items'], { cwd: dir, encoding: 'utf8', env: { ...process.env, WEIR_TASK_VALUE_DIR: join(dir, 'values') } })
    expect(listed.status, listed.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'out/fe/items.json'), 'utf8'))).toEqual({ count: 2 })
    expect(readFileSync(join(dir, 'values/indexes.json'), 'utf8')).toBe('[0,1]')
    const item = spawnSync(process.execPath, [WEIR, 'execute', ...common, '--item-index', '1'], { cwd: dir, encoding: 'utf8' })
    expect(item.status, item.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'out/fe/items/1/output.json'), 'utf8'))).toBe(tokens[1]!.length)
    expect(filesUnder(join(dir, 'out'))).not.toContain('LISTSECRET')
  })
})
