/**
 * Param values for a run: spec defaults, overridden by given values (`--param`, a schedule), each
 * checked against its JSON Schema. `--param k=v` strings are typed by the param's schema first.
 */
import { isDeepStrictEqual } from 'node:util'
import type { ParamDecl, Pipeline } from '../spec/model.ts'
import { suggestFix } from '../spec/did-you-mean.ts'
import { declaredParamTypes } from '../spec/param-text.ts'
import { findNonFinite } from '../spec/non-finite.ts'
import { findNul, nulMessage } from '../spec/nul-char.ts'
import { MAX_NESTING } from '../spec/nesting.ts'
import { withoutNegativeZero } from '../spec/json-values.ts'
import { compileCheck } from './compile-check.ts'
import { WeirError } from './errors.ts'
import { hasSecret, redactSecrets } from './redact-secrets.ts'

export { REDACTED } from './redact-secrets.ts'

/**
 * Whether a param holds a secret anywhere: `writeOnly: true` on the param, or below it (through a
 * `$ref` to a shared type, in a property, in array items, …). Messages never echo such a value.
 */
export function isSecretParam(pipeline: Pipeline, decl: ParamDecl): boolean {
  return decl.secret || hasSecret(decl.schema, pipeline.types)
}

/**
 * Params as they may be recorded: the secret parts of each value replaced by REDACTED. A param
 * holding a secret that has its default value is left out, so a resume takes the default again
 * instead of asking for it.
 */
export function redactParams(pipeline: Pipeline, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [name, value] of Object.entries(params)) {
    const decl = Object.hasOwn(pipeline.params, name) ? pipeline.params[name] : undefined
    if (!decl || !isSecretParam(pipeline, decl)) out[name] = value
    else if (!decl.hasDefault || !isDeepStrictEqual(value, decl.default)) out[name] = redactSecrets(decl.secret ? { writeOnly: true } : decl.schema, value, pipeline.types)
  }
  return out
}

/**
 * Stands for a param whose recorded value had a secret redacted: a resume of that run must be given
 * the param again (`planResumeFromStore` puts it in place of the value; a given value replaces it).
 */
export class UnrecordedSecret {
  readonly runId: string
  constructor(runId: string) {
    this.runId = runId
  }
}

/**
 * Refuses a given value that nests collections deeper than a spec may (MAX_NESTING): what a run does
 * with its params (the journal's header, a task's inputs, `weir ui` handing them to `weir run`)
 * recurses, and a value thousands of levels deep overflowed the stack there, after the run's folder
 * was made. Iterative, so any depth is safe to check; a value shared in two places is walked again
 * only where it sits deeper than before.
 */
export function checkParamNesting(given: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(given))
    if (nestsDeeperThan(value, MAX_NESTING))
      throw new WeirError('PARAM_INVALID', `Param '${name}' holds collections nested more than ${MAX_NESTING} levels deep; no param needs that many, so flatten the value.`)
}

function nestsDeeperThan(value: unknown, limit: number): boolean {
  const deepest = new Map<object, number>()
  const values: unknown[] = [value]
  const depths: number[] = [1]
  while (values.length > 0) {
    const item = values.pop()
    const depth = depths.pop()!
    if (item === null || typeof item !== 'object') continue
    if (depth > limit) return true
    if ((deepest.get(item) ?? 0) >= depth) continue
    deepest.set(item, depth)
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      values.push(child)
      depths.push(depth + 1)
    }
  }
  return false
}

/** Fills defaults and validates; throws a `PARAM_INVALID` WeirError naming the param and the fix. */
export async function resolveParams(pipeline: Pipeline, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const known = Object.keys(pipeline.params)
  for (const name of Object.keys(given))
    if (!Object.hasOwn(pipeline.params, name))
      throw new WeirError('PARAM_INVALID', `Pipeline '${pipeline.name}' has no param '${name}'${suggestFix(name, known, 'params', 'it declares no params')}`)
  checkParamNesting(given)
  const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const decl of Object.values(pipeline.params)) {
    const secret = isSecretParam(pipeline, decl)
    const value = given[decl.name]
    if (value instanceof UnrecordedSecret)
      throw new WeirError('PARAM_INVALID', `Param '${decl.name}' holds a secret, which run ${value.runId} did not record; pass it again with --param ${decl.name}=VALUE.`)
    if (Object.hasOwn(given, decl.name)) {
      // JSON (the run store, `weir execute`) has no NaN or Infinity: a task elsewhere would get null.
      const nonFinite = findNonFinite(value)
      if (nonFinite !== undefined)
        throw new WeirError('PARAM_INVALID', `Param '${decl.name}' holds a number that is not finite${nonFinite === '' ? '' : ` at '${nonFinite}'`}; param values travel as JSON, which has no such number.`)
      // It works in process, but no task process could be given it: refused alike for every executor.
      const nul = findNul(value)
      if (nul !== undefined) throw new WeirError('PARAM_INVALID', nulMessage(`param '${decl.name}'`, nul))
      // -0 is 0: JSON (the run store, `weir execute`) writes it as 0 (json-values.ts).
      params[decl.name] = withoutNegativeZero(value)
    }
    else if (decl.hasDefault) params[decl.name] = withoutNegativeZero(decl.default)
    else throw new WeirError('PARAM_INVALID', `Param '${decl.name}' has no default; pass it with --param ${decl.name}=VALUE${secret ? ' (it is a secret, so runs do not record it and a resume needs it again)' : ''}.`)
    const problems = (await compileCheck(pipeline, decl.schema))(params[decl.name])
    if (problems.length > 0)
      throw new WeirError('PARAM_INVALID', `Param '${decl.name}' is invalid: ${problems.map((p) => (p.startsWith("'") ? `'${decl.name}${p.startsWith("'[") ? '' : '.'}${p.slice(1)}` : `value ${p}`)).join('; ')} (got ${secret ? 'a secret value' : JSON.stringify(params[decl.name])}).`)
  }
  return params
}

/** Names that would reach an object's prototype rather than name a param (unless a spec declares one). */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** How `parseParamArgs` reads its arguments. */
export interface ParamArgOptions {
  /**
   * Whether `name=` (an empty value) means "not given" rather than the empty string. `weir execute`
   * sets it for engines, which pass an unset job parameter as empty; `weir run` does not.
   * @default false
   */
  readonly emptyIsUnset?: boolean
}

/** Parses `k=v` arguments into typed values, following each param's schema `type`. `name=` is the empty string. */
export function parseParamArgs(pipeline: Pipeline, args: readonly string[], options: ParamArgOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  const known = Object.keys(pipeline.params)
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq <= 0) throw new WeirError('PARAM_INVALID', `--param '${arg}' is not of the form name=value; e.g. --param ${known[0] ?? 'threshold'}=0.5.`)
    const name = arg.slice(0, eq)
    const raw = arg.slice(eq + 1)
    if (RESERVED_NAMES.has(name) && !Object.hasOwn(pipeline.params, name))
      throw new WeirError('PARAM_INVALID', `--param '${name}' is not a param name weir accepts ('__proto__', 'constructor' and 'prototype' are reserved); pipeline '${pipeline.name}' has ${known.length > 0 ? `params ${known.map((k) => `'${k}'`).join(', ')}` : 'no params'}.`)
    const decl = Object.hasOwn(pipeline.params, name) ? pipeline.params[name] : undefined
    if (!decl) throw new WeirError('PARAM_INVALID', `Pipeline '${pipeline.name}' has no param '${name}'${suggestFix(name, known, 'params', 'it declares no params')}`)
    if (raw === '' && options.emptyIsUnset) continue
    out[name] = coerceParam(name, raw, declaredParamTypes(decl.schema, pipeline.types), isSecretParam(pipeline, decl))
  }
  return out
}

/** A decimal number as written on a command line: `12`, `-0.5`, `.5`, `5.`, `1e-3`, `+3`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** How `--param` text is typed; spec/param-text.ts writes text that reads back as the value it was. */
function coerceParam(name: string, raw: string, list: readonly string[], secret: boolean): unknown {
  const shown = secret ? 'a secret value' : `'${raw}'`
  if (list.length === 1 && list[0] === 'string') return raw
  if (list.length === 1 && (list[0] === 'number' || list[0] === 'integer')) {
    const value = Number(raw)
    // Decimal only: Number() also reads '0x10', '0b11' and '0o7', and ignores spaces around.
    if (!DECIMAL.test(raw)) throw new WeirError('PARAM_INVALID', `Param '${name}' must be ${list[0] === 'integer' ? 'an integer' : 'a number'}, not ${shown}.`)
    // A decimal too large for a double (1e400): a number, but none that JSON can carry.
    if (!Number.isFinite(value)) throw new WeirError('PARAM_INVALID', `Param '${name}' holds a number that is not finite (${shown}); param values travel as JSON, which has no such number.`)
    return value
  }
  if (list.length === 1 && list[0] === 'boolean') {
    if (raw === 'true') return true
    if (raw === 'false') return false
    throw new WeirError('PARAM_INVALID', `Param '${name}' must be true or false, not ${shown}.`)
  }
  // Objects, arrays, unions, untyped: JSON when it parses, else the plain string.
  try {
    return JSON.parse(raw) as unknown
  } catch {
    if (list.length > 0 && !list.includes('string'))
      throw new WeirError('PARAM_INVALID', `Param '${name}' must be JSON of type ${list.join(' or ')}, not ${shown}.`)
    return raw
  }
}
