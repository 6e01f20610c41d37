/**
 * The spec plan (issue 16): the subprocess executor writes the data of the spec its run validated
 * as JSON once per run, and each `weir execute` reads it instead of parsing YAML, while the spec
 * file's text is the one the run validated.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { specPlanData, specPlanText } from '../../../src/spec/spec-plan.ts'
import { loadValidatedSpecFile } from '../../../src/spec/validated-spec.ts'
import { loadPlannedSpecFile } from '../../../src/spec/planned-spec.ts'
import { specPlanFile } from '../../../src/runtime/execute/spec-plan-file.ts'
import { tempDir } from './helpers.ts'

const SPEC = 'apiVersion: weir/v1\nkind: Pipeline\nname: planned\ndescription: from the yaml\ntasks:\n  a:\n    handler: ./h.js#a\n'
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
let dir: string

beforeAll(async () => {
  dir = await tempDir('weir-spec-plan-')
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.js'), 'export const a = () => 1\n')
})

describe('plan documents', () => {
  test('carry the data, its text and the hash of its text; a plan of another text gives nothing', () => {
    const text = specPlanText('abc', 'x: …\n', { name: 'x', n: [1, 2.5, 'y', null, true] })!
    expect(specPlanData(text, 'abc')).toEqual({ specSha256: 'abc', specText: 'x: …\n', data: { name: 'x', n: [1, 2.5, 'y', null, true] } })
    expect(specPlanData(text, 'abd')).toBeUndefined()
    expect(specPlanData('{"specSha256":"abc"', 'abc')).toBeUndefined()
    expect(specPlanData('', 'abc')).toBeUndefined()
    expect(specPlanData('{"specSha256":"abc","specText":"","data":null}', 'abc')).toBeUndefined()
    // A plan without the text (as weir wrote them before) gives nothing.
    expect(specPlanData('{"specSha256":"abc","data":{}}', 'abc')).toBeUndefined()
  })

  test('are not written for data JSON would change (.inf, .nan, -0)', () => {
    for (const value of [Infinity, -Infinity, NaN, -0]) expect(specPlanText('abc', '', { tasks: { a: { x: [value] } } })).toBeUndefined()
    expect(specPlanText('abc', '', { tasks: { a: { x: [0, -1, 1e300] } } })).toBeDefined()
  })
})

describe('the parent writes one plan per run, the child reads it', () => {
  const pipelineFor = async (file: string) => {
    const found = await loadValidatedSpecFile(file, sha256(await readFile(file, 'utf8')))
    if (!found?.pipeline) throw new Error('not loaded')
    return found.pipeline
  }

  test('once per run and spec text, under the state dir', async () => {
    const file = join(dir, 'once.yaml')
    await writeFile(file, SPEC)
    const pipeline = await pipelineFor(file)
    const state = join(dir, 'state-once')
    const [first, again] = await Promise.all([specPlanFile(pipeline, state, 'r1'), specPlanFile(pipeline, state, 'r1')])
    expect(first).toBe(join(state, 'execute', 'r1', `spec-plan-${pipeline.specHash.slice(0, 16)}.json`))
    expect(again).toBe(first)
    expect(JSON.parse(await readFile(first!, 'utf8'))).toEqual({ specSha256: pipeline.specHash, specText: SPEC, data: { apiVersion: 'weir/v1', kind: 'Pipeline', name: 'planned', description: 'from the yaml', tasks: { a: { handler: './h.js#a' } } } })
    expect(await readdir(join(state, 'execute', 'r1'))).toEqual([`spec-plan-${pipeline.specHash.slice(0, 16)}.json`])
  })

  test('none when the spec file changed since the run validated it', async () => {
    const file = join(dir, 'changed.yaml')
    await writeFile(file, SPEC)
    const pipeline = await pipelineFor(file)
    await writeFile(file, `${SPEC}# edited\n`)
    expect(await specPlanFile(pipeline, join(dir, 'state-changed'), 'r1')).toBeUndefined()
  })

  test('the child takes the data from the plan, not from the YAML, while the hash is the file text', async () => {
    const file = join(dir, 'child.yaml')
    await writeFile(file, SPEC)
    const hash = sha256(SPEC)
    const plan = join(dir, 'plan.json')
    // A plan that says something else than the YAML shows which of the two was read.
    await writeFile(plan, specPlanText(hash, SPEC, { apiVersion: 'weir/v1', kind: 'Pipeline', name: 'planned', description: 'from the plan', tasks: { a: { handler: './h.js#a' } } })!)
    expect((await loadValidatedSpecFile(file, hash, plan))?.pipeline?.description).toBe('from the plan')
    // A plan of another text, a missing plan or a broken one: the YAML is parsed.
    await writeFile(join(dir, 'other-plan.json'), specPlanText(sha256('other'), 'other', { name: 'other' })!)
    await writeFile(join(dir, 'broken-plan.json'), '{"specSha256":')
    for (const other of ['other-plan.json', 'missing-plan.json', 'broken-plan.json']) expect((await loadValidatedSpecFile(file, hash, join(dir, other)))?.pipeline?.description).toBe('from the yaml')
    // A spec changed since: refused, plan or not.
    expect(await loadValidatedSpecFile(file, sha256('another text'), plan)).toEqual({ changed: true, hash })
  })

  test('the plan entry takes the data from the plan while the file holds the plan\'s text, and hashes only another text', async () => {
    const file = join(dir, 'planned.yaml')
    await writeFile(file, SPEC)
    const hash = sha256(SPEC)
    const plan = join(dir, 'planned-plan.json')
    const data = { apiVersion: 'weir/v1', kind: 'Pipeline', name: 'planned', description: 'from the plan', tasks: { a: { handler: './h.js#a' } } }
    await writeFile(plan, specPlanText(hash, SPEC, data)!)
    const found = await loadPlannedSpecFile(file, hash, plan)
    expect(found?.pipeline?.description).toBe('from the plan')
    expect(found?.pipeline?.specHash).toBe(hash)
    // The file changed since: refused with the hash of its text now.
    await writeFile(file, `${SPEC}# edited\n`)
    expect(await loadPlannedSpecFile(file, hash, plan)).toEqual({ changed: true, hash: sha256(`${SPEC}# edited\n`) })
    // The file holds the run's text, but the plan says another (or none): the plan cannot serve, nothing is refused.
    await writeFile(file, SPEC)
    await writeFile(plan, specPlanText(hash, `${SPEC}# not the file\n`, data)!)
    expect(await loadPlannedSpecFile(file, hash, plan)).toBeUndefined()
    expect(await loadPlannedSpecFile(file, hash, join(dir, 'missing-plan.json'))).toBeUndefined()
    // A plan of the text, but data normalize refuses: the full validation explains it.
    await writeFile(plan, specPlanText(hash, SPEC, { tasks: null })!)
    expect(await loadPlannedSpecFile(file, hash, plan)).toBeUndefined()
  })

  test('a plan weir execute kept (no hash, none expected) serves while the file holds its text; its hash is made from the text when asked', async () => {
    const file = join(dir, 'kept.yaml')
    await writeFile(file, SPEC)
    const plan = join(dir, 'kept-plan.json')
    const data = { apiVersion: 'weir/v1', kind: 'Pipeline', name: 'kept', description: 'from the kept plan', tasks: { a: { handler: './h.js#a' } } }
    await writeFile(plan, specPlanText(undefined, SPEC, data)!)
    expect(JSON.parse(await readFile(plan, 'utf8'))).not.toHaveProperty('specSha256')
    const found = await loadPlannedSpecFile(file, undefined, plan)
    expect(found?.pipeline?.description).toBe('from the kept plan')
    expect(found?.pipeline?.specHash).toBe(sha256(SPEC))
    // Another text in the file: not this plan's, and never "changed" (no run to compare with).
    await writeFile(file, `${SPEC}# edited\n`)
    expect(await loadPlannedSpecFile(file, undefined, plan)).toBeUndefined()
  })
})
