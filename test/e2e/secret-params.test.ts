/**
 * Secret params end to end (issue 15): a `writeOnly: true` below the top level of a param (through a
 * `$ref` to a type, in a nested property, in array items) never reaches the journal, `weir runs show`
 * (text or --json), `weir run --json`, or an error message, with either executor; a resume asks again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr }
}

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: secrets
types:
  Creds:
    type: object
    writeOnly: true
    properties: { user: { type: string }, password: { type: string } }
  Login:
    type: object
    properties: { user: { type: string }, password: { type: string, writeOnly: true, minLength: 3 } }
    required: [user, password]
params:
  creds: { $ref: "#/types/Creds" }
  login: { $ref: "#/types/Login" }
  db:
    type: object
    properties: { user: { type: string }, password: { type: string, writeOnly: true } }
  tokens: { type: array, items: { type: string, writeOnly: true } }
  fail: { type: boolean, default: false }
tasks:
  use:
    handler: ./handlers/h.ts#use
    inputs: { creds: "\${{ params.creds }}", login: "\${{ params.login }}", db: "\${{ params.db }}", tokens: "\${{ params.tokens }}", fail: "\${{ params.fail }}" }
`
const HANDLER = `export const use = (i) => {
  if (i.creds.password !== 'pw-creds' || i.login.password !== 'pw-login' || i.db.password !== 'pw-db' || i.tokens[1] !== 'tok-2') throw new Error('the handler did not get the secrets')
  if (i.fail) throw new Error('failing on purpose')
  return { user: i.db.user }
}
`
const GOOD = [
  '--param', 'creds={"user":"u","password":"pw-creds"}',
  '--param', 'login={"user":"u","password":"pw-login"}',
  '--param', 'db={"user":"db-user","password":"pw-db"}',
  '--param', 'tokens=["tok-1","tok-2"]',
]
const SECRETS = ['pw-creds', 'pw-login', 'pw-db', 'tok-1', 'tok-2']

function expectNoSecret(text: string, extra: readonly string[] = []): void {
  for (const secret of [...SECRETS, ...extra]) expect(text).not.toContain(secret)
}

async function journalOf(stateDir: string, runId: string): Promise<string> {
  return readFile(join(project, stateDir, 'runs', runId, 'journal.jsonl'), 'utf8')
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-secrets-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await mkdir(join(project, 'handlers'))
  await writeFile(join(project, 'handlers', 'h.ts'), HANDLER)
  await writeFile(join(project, 'p.yaml'), SPEC)
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe.each(['inprocess', 'subprocess'])('nested secrets with --executor %s', (executor) => {
  const stateDir = `.weir-${executor}`

  test('the handler gets them; run --json, the journal, runs show and runs show --json never show them', async () => {
    const r = weir(['run', 'p.yaml', '--executor', executor, '--state-dir', stateDir, '--json', ...GOOD])
    expect(r.code, r.stderr).toBe(0)
    expectNoSecret(r.all)
    const { runId } = JSON.parse(r.stdout) as { runId: string }
    const journal = await journalOf(stateDir, runId)
    expectNoSecret(journal)
    expect(journal).toContain('db-user')
    // The task log and every other file the run left behind.
    for (const file of await readdir(join(project, stateDir), { recursive: true, withFileTypes: true }))
      if (file.isFile()) expectNoSecret(await readFile(join(file.parentPath, file.name), 'utf8'))

    const show = weir(['runs', 'show', runId, '--state-dir', stateDir])
    expect(show.code).toBe(0)
    expectNoSecret(show.all)
    expect(show.stdout).toContain('"password":"[redacted]"')
    const json = weir(['runs', 'show', runId, '--json', '--state-dir', stateDir])
    expect(json.code).toBe(0)
    expectNoSecret(json.all)
    expect((JSON.parse(json.stdout) as { params: Record<string, unknown> }).params).toEqual({
      creds: '[redacted]',
      login: { user: 'u', password: '[redacted]' },
      db: { user: 'db-user', password: '[redacted]' },
      tokens: ['[redacted]', '[redacted]'],
      fail: false,
    })
  })

  test('a resume asks for each param holding a secret again', async () => {
    const r = weir(['run', 'p.yaml', '--executor', executor, '--state-dir', stateDir, '--json', ...GOOD, '--param', 'fail=true'])
    expect(r.code, r.stderr).toBe(1)
    expectNoSecret(r.all)
    const { runId } = JSON.parse(r.stdout) as { runId: string }
    const again = weir(['run', 'p.yaml', '--executor', executor, '--state-dir', stateDir, '--resume', runId, '--param', 'fail=false'])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain(`Param 'creds' holds a secret, which run ${runId} did not record; pass it again with --param creds=VALUE.`)
    const resumed = weir(['run', 'p.yaml', '--executor', executor, '--state-dir', stateDir, '--resume', runId, '--json', ...GOOD, '--param', 'fail=false'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expectNoSecret(resumed.all)
  })
})

describe('messages about a param holding a secret never echo its value', () => {
  test.each([
    ['creds={"user":"u","password":"pw-creds"', "Param 'creds' must be JSON of type object, not a secret value."],
    ['login={"user":"u","password":"pw-login"', "Param 'login' must be JSON of type object, not a secret value."],
    ['db={"user":"u","password":"pw-db"', "Param 'db' must be JSON of type object, not a secret value."],
    ['tokens=["tok-1","tok-2"', "Param 'tokens' must be JSON of type array, not a secret value."],
  ])('a --param that is not JSON: %s', (arg, message) => {
    const r = weir(['run', 'p.yaml', ...GOOD, '--param', arg])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expectNoSecret(r.all)
  })

  test.each([
    ['login={"user":"u","password":"pw"}', /Param 'login' is invalid: .*\(got a secret value\)\./],
    ['tokens=["tok-1",2]', /Param 'tokens' is invalid: .*\(got a secret value\)\./],
    ['db={"user":7,"password":"pw-db"}', /Param 'db' is invalid: .*\(got a secret value\)\./],
  ])('a value that fails its schema: %s', (arg, message) => {
    const r = weir(['run', 'p.yaml', ...GOOD, '--param', arg])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expectNoSecret(r.all, ['"pw"'])
  })
})

describe('the default of a secret in a spec that is refused', () => {
  test('weir spec validate (text and json) and weir run show neither a tag-misfit value nor a duplicated default', async () => {
    await writeFile(
      join(project, 'tagged.yaml'),
      'apiVersion: weir/v1\nkind: Pipeline\nname: tagged\nparams:\n  tok: { type: string, writeOnly: true, default: !!int SEKRETtag8 }\n  dup: { type: string, writeOnly: true, default: "SEKRETdup5", default: "SEKRETdup6" }\ntasks:\n  use: { handler: ./handlers/h.ts#use, inputs: { t: "${{ params.tok }}", d: "${{ params.dup }}" } }\n',
    )
    for (const args of [['spec', 'validate', 'tagged.yaml'], ['spec', 'validate', '--format', 'json', 'tagged.yaml'], ['run', 'tagged.yaml']]) {
      const r = weir(args)
      expect(r.code, r.all).toBe(args[0] === 'run' ? 2 : 1)
      expect(r.all).toContain('NOT_JSON')
      expect(r.all).not.toContain('SEKRET')
    }
  })
})
