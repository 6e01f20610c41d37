import { describe, expect, test } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { parseParamArgs, redactParams, resolveParams } from '../../../src/runtime/params.ts'
import { loadRun, runDir } from '../../../src/runtime/run-store/read-runs.ts'
import { fail, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'

const HEAD = 'params:\n  token: { type: string, writeOnly: true }\n  retries_left: { type: integer, writeOnly: true, default: 1 }\n  region: { type: string, default: eu }\n'

describe('secret params (writeOnly: true)', () => {
  test('reach the handler but are never recorded in the run store', async () => {
    const dir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('secrets', { use: 'inputs: { token: "${{ params.token }}", n: "${{ params.retries_left }}" }' }, HEAD))
    const executor = scriptedExecutor()
    const result = await runPipeline(pipeline, { executor, stateDir: join(dir, 'state'), params: { token: 's3cr3t' } })
    expect(result.status).toBe('succeeded')
    expect(executor.calls[0]!.params).toEqual({ token: 's3cr3t', retries_left: 1, region: 'eu' })
    const run = await loadRun(join(dir, 'state'), result.runId)
    expect(run?.params).toEqual({ token: '[redacted]', region: 'eu' })
    expect(JSON.stringify(run)).not.toContain('s3cr3t')
  })

  test('a secret given on the command line is recorded as [redacted]; one left at its default is left out, and a resume takes the default', async () => {
    const dir = await tempDir()
    const stateDir = join(dir, 'state')
    const pipeline = await pipelineFromYaml(specText('secrets', { use: '' }, HEAD))
    const first = await runPipeline(pipeline, { executor: scriptedExecutor({ use: () => fail() }), stateDir, params: { token: 't', retries_left: 5 } })
    expect((await loadRun(stateDir, first.runId))?.params).toEqual({ token: '[redacted]', retries_left: '[redacted]', region: 'eu' })
    await expect(runPipeline(pipeline, { executor: scriptedExecutor(), stateDir, resumeFrom: first.runId, params: { token: 't' } })).rejects.toThrow(/Param 'retries_left' holds a secret/)
    const second = await runPipeline(pipeline, { executor: scriptedExecutor({ use: () => fail() }), stateDir, params: { token: 't' } })
    const again = scriptedExecutor()
    await runPipeline(pipeline, { executor: again, stateDir, resumeFrom: second.runId, params: { token: 't' } })
    expect(again.calls[0]!.params.retries_left).toBe(1)
  })

  test('a resume must be given the secret again, and says so', async () => {
    const dir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('secrets', { use: 'inputs: { token: "${{ params.token }}" }' }, HEAD))
    const stateDir = join(dir, 'state')
    const first = await runPipeline(pipeline, { executor: scriptedExecutor({ use: () => fail() }), stateDir, params: { token: 'one' } })
    expect(first.status).toBe('failed')
    await expect(runPipeline(pipeline, { executor: scriptedExecutor(), stateDir, resumeFrom: first.runId })).rejects.toThrow(
      /Param 'token' holds a secret, which run .* did not record; pass it again with --param token=VALUE\./,
    )
    const executor = scriptedExecutor({ use: ok })
    const resumed = await runPipeline(pipeline, { executor, stateDir, resumeFrom: first.runId, params: { token: 'two' } })
    expect(resumed.status).toBe('succeeded')
    expect(executor.calls[0]!.params.token).toBe('two')
  })

  test('a malformed secret is not echoed in the error', async () => {
    const pipeline = await pipelineFromYaml(specText('secrets', { use: '' }, HEAD))
    expect(() => parseParamArgs(pipeline, ['retries_left=hunter2'])).toThrow("Param 'retries_left' must be an integer, not a secret value.")
    expect(() => parseParamArgs(pipeline, ['region=x'])).not.toThrow()
  })
})

// Issue 15: writeOnly below the top level of a param (through a $ref, in a property, in items, …).
const NESTED = `types:
  Creds: { type: object, writeOnly: true, properties: { user: { type: string }, password: { type: string } }, required: [user, password] }
  Login:
    type: object
    properties: { user: { type: string }, password: { $ref: "#/types/Password" } }
    required: [user, password]
    additionalProperties: false
  Password: { type: string, writeOnly: true, minLength: 3 }
params:
  creds: { $ref: "#/types/Creds" }
  login: { $ref: "#/types/Login" }
  db:
    type: object
    properties: { user: { type: string }, password: { type: string, writeOnly: true } }
    required: [user]
  tokens: { type: array, items: { type: string, writeOnly: true }, default: [] }
  pair: { type: array, prefixItems: [{ type: string }, { type: string, writeOnly: true }], default: [] }
  vault: { type: object, additionalProperties: { type: string, writeOnly: true }, default: {} }
  either:
    default: plain
    anyOf:
      - { type: string }
      - { type: object, properties: { key: { type: string, writeOnly: true } } }
  both:
    default: {}
    allOf:
      - { type: object, properties: { a: { type: string } } }
      - { type: object, properties: { b: { type: string, writeOnly: true } } }
  plain: { type: object, default: {} }
`
const NESTED_VALUES = {
  creds: { user: 'u', password: 'pw-creds' },
  login: { user: 'u', password: 'pw-login' },
  db: { user: 'u', password: 'pw-db' },
  tokens: ['tok-1', 'tok-2'],
  pair: ['left', 'pw-pair'],
  vault: { a: 'pw-vault-a', b: 'pw-vault-b' },
  either: { key: 'pw-either' },
  both: { a: 'visible', b: 'pw-both' },
  plain: { password: 'shown-because-not-secret' },
}
const SECRETS = ['pw-creds', 'pw-login', 'pw-db', 'tok-1', 'tok-2', 'pw-pair', 'pw-vault-a', 'pw-vault-b', 'pw-either', 'pw-both']

describe('secrets below the top level of a param (issue 15)', () => {
  test('are redacted part by part, following $ref into types, properties, items, prefixItems, additionalProperties, anyOf and allOf', async () => {
    const pipeline = await pipelineFromYaml(specText('nested', { use: '' }, NESTED))
    expect(redactParams(pipeline, NESTED_VALUES)).toEqual({
      creds: '[redacted]',
      login: { user: 'u', password: '[redacted]' },
      db: { user: 'u', password: '[redacted]' },
      tokens: ['[redacted]', '[redacted]'],
      pair: ['left', '[redacted]'],
      vault: { a: '[redacted]', b: '[redacted]' },
      either: { key: '[redacted]' },
      both: { a: 'visible', b: '[redacted]' },
      plain: { password: 'shown-because-not-secret' },
    })
  })

  test('a plain string is kept when only another branch of anyOf holds a secret', async () => {
    const pipeline = await pipelineFromYaml(specText('nested', { use: '' }, NESTED))
    expect(redactParams(pipeline, { either: 'visible' })).toEqual({ either: 'visible' })
  })

  test('a recursive type terminates and redacts at every depth', async () => {
    const yaml = specText('tree', { use: '' }, `types:\n  Node: { type: object, properties: { secret: { type: string, writeOnly: true }, kids: { type: array, items: { $ref: "#/types/Node" } } } }\nparams:\n  tree: { $ref: "#/types/Node" }\n`)
    const pipeline = await pipelineFromYaml(yaml)
    const value = { secret: 's1', kids: [{ secret: 's2', kids: [{ secret: 's3' }] }] }
    expect(redactParams(pipeline, { tree: value })).toEqual({ tree: { secret: '[redacted]', kids: [{ secret: '[redacted]', kids: [{ secret: '[redacted]' }] }] } })
  })

  test('are never written to the journal, and a resume asks for each of them again', async () => {
    const dir = await tempDir()
    const stateDir = join(dir, 'state')
    const pipeline = await pipelineFromYaml(specText('nested', { use: 'inputs: { db: "${{ params.db }}" }' }, NESTED))
    const executor = scriptedExecutor({ use: () => fail() })
    const first = await runPipeline(pipeline, { executor, stateDir, params: NESTED_VALUES })
    expect(executor.calls[0]!.params).toEqual(NESTED_VALUES)
    const journal = await readFile(join(runDir(stateDir, first.runId), 'journal.jsonl'), 'utf8')
    for (const secret of SECRETS) expect(journal).not.toContain(secret)
    expect(journal).toContain('shown-because-not-secret')
    expect((await loadRun(stateDir, first.runId))?.params).toMatchObject({ db: { user: 'u', password: '[redacted]' } })

    await expect(runPipeline(pipeline, { executor: scriptedExecutor(), stateDir, resumeFrom: first.runId })).rejects.toThrow(/Param 'creds' holds a secret/)
    const { creds, login, db, tokens, pair, vault, either, both } = NESTED_VALUES
    await expect(
      runPipeline(pipeline, { executor: scriptedExecutor(), stateDir, resumeFrom: first.runId, params: { creds, login, tokens, pair, vault, either, both } }),
    ).rejects.toThrow(/Param 'db' holds a secret, which run .* did not record; pass it again with --param db=VALUE\./)
    const again = scriptedExecutor({ use: ok })
    const resumed = await runPipeline(pipeline, { executor: again, stateDir, resumeFrom: first.runId, params: { creds, login, db, tokens, pair, vault, either, both } })
    expect(resumed.status).toBe('succeeded')
    // The param that held no secret came back from the store.
    expect(again.calls[0]!.params).toEqual(NESTED_VALUES)
  })

  test('a param whose secret part was not given is recorded whole and reused by a resume', async () => {
    const dir = await tempDir()
    const stateDir = join(dir, 'state')
    const pipeline = await pipelineFromYaml(specText('nested', { use: '' }, NESTED))
    const { creds, login } = NESTED_VALUES
    const first = await runPipeline(pipeline, { executor: scriptedExecutor({ use: () => fail() }), stateDir, params: { creds, login, db: { user: 'only-user' } } })
    expect((await loadRun(stateDir, first.runId))?.params).toMatchObject({ db: { user: 'only-user' } })
    const again = scriptedExecutor()
    await runPipeline(pipeline, { executor: again, stateDir, resumeFrom: first.runId, params: { creds, login } })
    expect(again.calls[0]!.params.db).toEqual({ user: 'only-user' })
  })

  test.each([
    ['creds={"user":"u","password":"pw-creds"', 'creds'],
    ['login={"user":"u","password":"pw-login"', 'login'],
    ['db={"user":"u","password":"pw-db"', 'db'],
    ['tokens=["tok-1"', 'tokens'],
    ['vault={"a":"pw-vault-a"', 'vault'],
  ])('a --param that does not parse (%s) is not echoed', async (arg, name) => {
    const pipeline = await pipelineFromYaml(specText('nested', { use: '' }, NESTED))
    expect(() => parseParamArgs(pipeline, [arg])).toThrow(`Param '${name}' must be JSON of type`)
    expect(() => parseParamArgs(pipeline, [arg])).toThrow(/not a secret value\.$/)
  })

  const base = { creds: NESTED_VALUES.creds, login: NESTED_VALUES.login, db: NESTED_VALUES.db }
  test.each([
    [{ ...base, creds: { user: 'u', password: 7 } }, 'creds'],
    [{ ...base, login: { user: 'u', password: 'pw' } }, 'login'],
    [{ ...base, login: { user: 'u', password: 'pw-login', extra: 'pw-extra' } }, 'login'],
    [{ ...base, db: { password: 'pw-db' } }, 'db'],
    [{ ...base, tokens: ['tok-1', 2] }, 'tokens'],
  ])('a value that fails its schema is not echoed (%#)', async (given, name) => {
    const pipeline = await pipelineFromYaml(specText('nested', { use: '' }, NESTED))
    const error = await resolveParams(pipeline, given).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toMatch(new RegExp(`^Param '${name}' is invalid: .*\\(got a secret value\\)\\.$`))
    for (const secret of [...SECRETS, 'pw-extra', '"pw"']) expect(error?.message).not.toContain(secret)
  })
})
