/**
 * Param values for a run: spec defaults, overridden by given values (`--param`, a schedule), each
 * checked against its JSON Schema. `--param k=v` strings are typed by the param's schema first.
 */
import type { JsonSchema, Pipeline } from '../spec/model.ts'
import { suggestFix } from '../spec/did-you-mean.ts'
import { compileCheck } from './compile-check.ts'
import { WeirError } from './errors.ts'

/** What the run store and messages show instead of a secret param's value. */
export const REDACTED = '[redacted]'

/** Params as they may be recorded: secret ones (`writeOnly: true`) replaced by REDACTED. */
export function redactParams(pipeline: Pipeline, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(params)) out[name] = pipeline.params[name]?.secret ? REDACTED : value
  return out
}

/** Fills defaults and validates; throws a `PARAM_INVALID` WeirError naming the param and the fix. */
export async function resolveParams(pipeline: Pipeline, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const known = Object.keys(pipeline.params)
  for (const name of Object.keys(given))
    if (!Object.hasOwn(pipeline.params, name))
      throw new WeirError('PARAM_INVALID', `Pipeline '${pipeline.name}' has no param '${name}'${suggestFix(name, known, 'params', 'it declares no params')}`)
  const params: Record<string, unknown> = {}
  for (const decl of Object.values(pipeline.params)) {
    if (Object.hasOwn(given, decl.name)) params[decl.name] = given[decl.name]
    else if (decl.hasDefault) params[decl.name] = decl.default
    else throw new WeirError('PARAM_INVALID', `Param '${decl.name}' has no default; pass it with --param ${decl.name}=VALUE${decl.secret ? ' (it is a secret, so runs do not record it and a resume needs it again)' : ''}.`)
    const problems = (await compileCheck(pipeline, decl.schema))(params[decl.name])
    if (problems.length > 0)
      throw new WeirError('PARAM_INVALID', `Param '${decl.name}' is invalid: ${problems.map((p) => `value ${p}`).join('; ')} (got ${decl.secret ? 'a secret value' : JSON.stringify(params[decl.name])}).`)
  }
  return params
}

/** Parses `k=v` arguments into typed values, following each param's schema `type`. */
export function parseParamArgs(pipeline: Pipeline, args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const known = Object.keys(pipeline.params)
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq <= 0) throw new WeirError('PARAM_INVALID', `--param '${arg}' is not of the form name=value; e.g. --param ${known[0] ?? 'threshold'}=0.5.`)
    const name = arg.slice(0, eq)
    const raw = arg.slice(eq + 1)
    const decl = pipeline.params[name]
    if (!decl) throw new WeirError('PARAM_INVALID', `Pipeline '${pipeline.name}' has no param '${name}'${suggestFix(name, known, 'params', 'it declares no params')}`)
    out[name] = coerceParam(name, raw, decl.schema, decl.secret)
  }
  return out
}

function coerceParam(name: string, raw: string, schema: JsonSchema, secret: boolean): unknown {
  const shown = secret ? 'a secret value' : `'${raw}'`
  const types = typeof schema === 'object' ? schema.type : undefined
  const list = Array.isArray(types) ? (types as string[]) : typeof types === 'string' ? [types] : []
  if (list.length === 1 && list[0] === 'string') return raw
  if (list.length === 1 && (list[0] === 'number' || list[0] === 'integer')) {
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value))
      throw new WeirError('PARAM_INVALID', `Param '${name}' must be ${list[0] === 'integer' ? 'an integer' : 'a number'}, not ${shown}.`)
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
