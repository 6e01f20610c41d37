/**
 * A param value leaves this process as text (`weir execute --param name=TEXT` from the subprocess
 * executor, a job parameter of a generated Databricks or Argo definition) and `weir execute` types
 * it again: the text must read back as the same value, whatever the param's type.
 */
import { describe, expect, test } from 'vitest'
import { parseParamArgs } from '../../../src/runtime/params.ts'
import { paramText } from '../../../src/spec/param-text.ts'
import { localEngineValues } from '../../../src/plugins/executors/subprocess/local-engine.ts'
import { pipelineFromYaml, specText } from './helpers.ts'

const PARAMS = `types:
  Code: { type: [string, integer] }
params:
  untyped: { default: 1 }
  union: { type: [string, number], default: "42" }
  ref: { $ref: "#/types/Code" }
  text: { type: string, default: "42" }
  num: { type: number, default: 1 }
  flag: { type: boolean, default: false }
  obj: { type: [object, string], default: {} }
`

describe('a param value as text reads back as the same value', () => {
  const values: Record<string, unknown[]> = {
    untyped: ['42', 'true', 'null', '{}', '[1]', '"quoted"', 'plain', '007', '', 42, true, null, { a: [1] }],
    union: ['42', '4.5e3', 'x', 42],
    ref: ['7', 'seven', 7],
    text: ['42', '"q"', '{}', 'true'],
    num: [1.5, 1e21, -0.25],
    flag: [true, false],
    obj: ['{}', '{"a":1}', 'plain', { a: 1 }],
  }
  for (const [name, list] of Object.entries(values))
    test.each(list.map((v) => [JSON.stringify(v), v]))(`${name} = %s`, async (_shown, value) => {
      const pipeline = await pipelineFromYaml(specText('texts', { use: '' }, PARAMS))
      expect(parseParamArgs(pipeline, [`${name}=${paramText(pipeline, name, value)}`])).toEqual({ [name]: value })
    })

  test("a string of an untyped or union param that reads as JSON ('42', 'true', '{}') is written as JSON; other strings as they are", async () => {
    const pipeline = await pipelineFromYaml(specText('texts', { use: '' }, PARAMS))
    expect(paramText(pipeline, 'union', '42')).toBe('"42"')
    expect(paramText(pipeline, 'untyped', 'true')).toBe('"true"')
    expect(paramText(pipeline, 'untyped', 'plain')).toBe('plain')
    expect(paramText(pipeline, 'text', '42')).toBe('42')
    expect(paramText(pipeline, 'num', 2)).toBe('2')
  })

  test('the subprocess executor resolves job.parameters.<name> the same way', async () => {
    const pipeline = await pipelineFromYaml(specText('texts', { use: '' }, PARAMS))
    const local = localEngineValues({ pipeline, task: pipeline.tasks.get('use')!, runId: 'r', attempt: 1, params: { union: '42', text: '42' }, upstreamValues: {} })
    expect([local('job.parameters.union'), local('workflow.parameters.text')]).toEqual(['"42"', '42'])
  })
})
