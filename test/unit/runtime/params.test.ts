import { describe, expect, test } from 'vitest'
import { checkParamNesting, parseParamArgs, resolveParams } from '../../../src/runtime/params.ts'
import { pipelineFromYaml, specText } from './helpers.ts'

describe('--param values', () => {
  test('are typed by the shared type a param $refs', async () => {
    const pipeline = await pipelineFromYaml(specText('typed', { use: '' }, 'types:\n  Ratio: { type: number }\n  Flag: { $ref: "#/types/Bool" }\n  Bool: { type: boolean }\nparams:\n  r: { $ref: "#/types/Ratio" }\n  f: { $ref: "#/types/Flag" }\n'))
    expect(parseParamArgs(pipeline, ['r=0.5', 'f=true'])).toEqual({ r: 0.5, f: true })
    expect(() => parseParamArgs(pipeline, ['r=half'])).toThrow("Param 'r' must be a number, not 'half'.")
  })

  test('numbers are decimal as written: no hexadecimal, binary or octal (Number() reads 0x10 as 16), no spaces around', async () => {
    const pipeline = await pipelineFromYaml(specText('numbers', { use: '' }, 'params:\n  n: { type: integer }\n  r: { type: number }\n'))
    for (const raw of ['0x10', '0b11', '0o7', ' 12', '12 ', '1_000', 'Infinity', '-', '.', 'e3', '1e'])
      expect(() => parseParamArgs(pipeline, [`r=${raw}`]), raw).toThrow(`Param 'r' must be a number, not '${raw}'.`)
    expect(() => parseParamArgs(pipeline, ['n=0x10'])).toThrow("Param 'n' must be an integer, not '0x10'.")
    for (const [raw, value] of [['12', 12], ['-0.5', -0.5], ['.5', 0.5], ['5.', 5], ['+3', 3], ['1e-3', 0.001], ['1E+21', 1e21], ['007', 7]] as const)
      expect(parseParamArgs(pipeline, [`r=${raw}`]), raw).toEqual({ r: value })
  })
})

describe('prototype keys (issue 15)', () => {
  const yaml = specText('proto', { use: '' }, 'params:\n  x: { type: integer, default: 1 }\n')

  test.each(['__proto__=1', '__proto__={"polluted":1}', 'constructor=1', 'prototype=1'])('--param %s is refused', async (arg) => {
    const pipeline = await pipelineFromYaml(yaml)
    const name = arg.slice(0, arg.indexOf('='))
    expect(() => parseParamArgs(pipeline, [arg])).toThrow(`--param '${name}' is not a param name weir accepts ('__proto__', 'constructor' and 'prototype' are reserved); pipeline 'proto' has params 'x'.`)
  })

  test('param objects have no prototype, so no key can reach Object.prototype', async () => {
    const pipeline = await pipelineFromYaml(yaml)
    const parsed = parseParamArgs(pipeline, ['x=2'])
    expect(Object.getPrototypeOf(parsed)).toBeNull()
    const resolved = await resolveParams(pipeline, parsed)
    expect(Object.getPrototypeOf(resolved)).toBeNull()
    expect(resolved).toEqual({ x: 2 })
    await expect(resolveParams(pipeline, JSON.parse('{"__proto__": 1}') as Record<string, unknown>)).rejects.toThrow("Pipeline 'proto' has no param '__proto__'")
  })
})

describe('an empty --param value (issue 15)', () => {
  const yaml = specText('empty', { use: '' }, 'params:\n  s: { type: string, default: d }\n  any: { default: 1 }\n')

  test('is the empty string', async () => {
    const pipeline = await pipelineFromYaml(yaml)
    expect(parseParamArgs(pipeline, ['s=', 'any='])).toEqual({ s: '', any: '' })
    expect(await resolveParams(pipeline, parseParamArgs(pipeline, ['s=']))).toEqual({ s: '', any: 1 })
  })

  test('counts as not given for an engine (emptyIsUnset), as weir execute reads it', async () => {
    const pipeline = await pipelineFromYaml(yaml)
    expect(parseParamArgs(pipeline, ['s=', 'any=2'], { emptyIsUnset: true })).toEqual({ any: 2 })
  })
})

describe('a NUL character (U+0000)', () => {
  // It worked in process but failed every subprocess task with Node's raw error, which quoted the
  // whole `--param name=value` argument, a secret included.
  test.each([
    [{ s: 'a\0b' }, "Param 's' holds a NUL character (U+0000);"],
    [{ tok: 'NULSECRETab\0cd' }, "Param 'tok' holds a NUL character (U+0000);"],
    [{ o: { list: ['ok', 'x\0'] } }, "Param 'o' holds a NUL character (U+0000) at '/list/1';"],
    [{ o: { 'k\0': 1 } }, "Param 'o' holds a NUL character (U+0000);"],
  ])('in a given value %j is refused, naming the param and never quoting the value', async (given, message) => {
    const pipeline = await pipelineFromYaml(specText('nul', { use: '' }, 'params:\n  s: { type: string, default: x }\n  tok: { type: string, writeOnly: true, default: x }\n  o: { type: object, default: {} }\n'))
    const error = (await resolveParams(pipeline, given).catch((e: unknown) => e)) as Error & { code: string }
    expect(error.code).toBe('PARAM_INVALID')
    expect(error.message).toContain(message)
    expect(error.message).not.toMatch(/NULSECRET|a\0b/)
  })
})

describe('numbers JSON cannot hold', () => {
  // `--param u=1e400` parsed as JSON is Infinity: an in-process handler got it, a subprocess task
  // or a resume null (the run store and `weir execute` carry params as JSON).
  test.each([['u=1e400', ''], ['o={"a":[1,-1e999]}', " at '/a/1'"]])('--param %s is refused', async (arg, where) => {
    const pipeline = await pipelineFromYaml(specText('finite', { use: '' }, 'params:\n  u: { default: 1 }\n  o: { type: object, default: {} }\n'))
    const name = arg.slice(0, arg.indexOf('='))
    await expect(resolveParams(pipeline, parseParamArgs(pipeline, [arg]))).rejects.toThrow(`Param '${name}' holds a number that is not finite${where}; param values travel as JSON, which has no such number.`)
  })

  test.each([['number', '1e400'], ['integer', '-1e999']])('a %s param given %s says so in the same words (docs/running.md), not that it is no number', async (type, text) => {
    const pipeline = await pipelineFromYaml(specText('finite', { use: '' }, `params:\n  limit: { type: ${type}, default: 1 }\n`))
    expect(() => parseParamArgs(pipeline, [`limit=${text}`])).toThrow(`Param 'limit' holds a number that is not finite ('${text}'); param values travel as JSON, which has no such number.`)
    expect(() => parseParamArgs(pipeline, ['limit=1e4x'])).toThrow(`Param 'limit' must be ${type === 'integer' ? 'an integer' : 'a number'}, not '1e4x'.`)
  })
})

describe('values nested too deep', () => {
  // A 5000-deep array passed resolveParams and overflowed the stack in the journal's header, after
  // the run's folder was made: a run folder with an empty journal that no command listed or removed.
  const nested = (levels: number): unknown => {
    let value: unknown = 'leaf'
    for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { k: value }
    return value
  }

  test('are refused, naming the param, past the depth a spec may nest (MAX_NESTING)', async () => {
    const pipeline = await pipelineFromYaml(specText('deep', { use: '' }, 'params:\n  p: { type: array }\n  q: { default: 1 }\n'))
    await expect(resolveParams(pipeline, parseParamArgs(pipeline, [`p=${'['.repeat(5000)}${']'.repeat(5000)}`]))).rejects.toThrow(
      "Param 'p' holds collections nested more than 128 levels deep; no param needs that many, so flatten the value.",
    )
    await expect(resolveParams(pipeline, { p: [], q: nested(129) })).rejects.toThrow("Param 'q' holds collections nested more than 128 levels deep")
    expect((await resolveParams(pipeline, { p: [nested(127)] })).p).toEqual([nested(127)])
  })

  test('a value shared in many places is checked in linear time, and a cycle is too deep', async () => {
    const pipeline = await pipelineFromYaml(specText('shared', { use: '' }, 'params:\n  p: { default: 1 }\n'))
    // 100 levels of two references to the level below: 2^100 paths, 100 objects.
    let shared: unknown = []
    for (let i = 0; i < 100; i++) shared = [shared, shared]
    expect(checkParamNesting({ p: shared })).toBeUndefined()
    const cycle: unknown[] = []
    cycle.push(cycle)
    expect(() => checkParamNesting({ p: cycle })).toThrow("Param 'p' holds collections nested more than 128 levels deep")
    await expect(resolveParams(pipeline, { p: cycle })).rejects.toThrow('nested more than 128 levels')
  })
})

describe('-0 (JSON writes it as 0)', () => {
  const yaml = specText('zero', { t: 'inputs: { l: -0, n: [1, { a: -0 }], p: "${{ params.d }}" }\nforeach: [-0]' }, 'params:\n  d: { type: number, default: -0 }\n  o: { type: object, default: { a: [-0] } }\n  g: { type: number }\n')

  test('a param is 0, whether a default, a --param or JSON', async () => {
    const pipeline = await pipelineFromYaml(yaml)
    const resolved = await resolveParams(pipeline, { ...parseParamArgs(pipeline, ['g=-0']) })
    expect(Object.is(resolved.d, 0) && Object.is(resolved.g, 0)).toBe(true)
    expect(Object.is((resolved.o as { a: number[] }).a[0], 0)).toBe(true)
    const fromJson = await resolveParams(pipeline, JSON.parse('{"g": -0, "o": {"a": [-0]}}') as Record<string, unknown>)
    expect(Object.is(fromJson.g, 0) && Object.is((fromJson.o as { a: number[] }).a[0], 0)).toBe(true)
  })

  test('a literal input, a literal foreach list and a default in the model are 0', async () => {
    const pipeline = await pipelineFromYaml(yaml)
    const task = pipeline.tasks.get('t')!
    expect(task.inputs.l).toEqual({ kind: 'literal', value: 0 })
    expect(Object.is((task.inputs.l as { value: number }).value, 0)).toBe(true)
    expect(Object.is(((task.inputs.n as { value: [number, { a: number }] }).value)[1].a, 0)).toBe(true)
    expect(Object.is((task.foreach!.source as { value: readonly unknown[] }).value[0], 0)).toBe(true)
    expect(Object.is(pipeline.params.d!.default, 0)).toBe(true)
  })
})
