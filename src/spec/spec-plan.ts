/**
 * A spec plan: the data of a spec text a run validated, as JSON, beside that text and its sha256.
 * The subprocess executor writes one per run (runtime/execute/spec-plan-file.ts) and names it in
 * `WEIR_SPEC_PLAN`, so that each `weir execute` it starts reads the spec's data with JSON.parse
 * instead of loading a YAML parser (about a tenth of a bare Node start, in every task process).
 * The plan is only a way to skip parsing: the spec file itself is read each time, and the plan
 * serves only while the file holds exactly the plan's text. Comparing the text, rather than hashing
 * it again, spares each task process node:crypto (planned-spec.ts).
 */
import type { PipelineSpec } from './spec-types.ts'

/** The JSON document of a plan. */
export interface SpecPlanDocument {
  /** sha256 (hex) of `specText`; a plan `weir execute` keeps for itself has none (it is made when needed). */
  readonly specSha256?: string
  /** The spec text the run validated, decoded (no byte order mark). */
  readonly specText: string
  /** What `specText` parses to. */
  readonly data: PipelineSpec
}

/** The plan's JSON text, or undefined when JSON cannot carry the data exactly (`.inf`, `.nan`, `-0`). */
export function specPlanText(specSha256: string | undefined, specText: string, data: unknown): string | undefined {
  if (!exactInJson(data, 0)) return undefined
  return JSON.stringify({ ...(specSha256 !== undefined && { specSha256 }), specText, data } satisfies { specSha256?: string; specText: string; data: unknown })
}

/**
 * The plan in `text` when it is the plan of the spec text with sha256 `specSha256` (or, without
 * one, of any text: a plan `weir execute` kept for itself, cli/execute-plan-cache.ts); undefined otherwise.
 */
export function specPlanData(text: string, specSha256?: string): SpecPlanDocument | undefined {
  try {
    const plan = JSON.parse(text) as Partial<SpecPlanDocument> | null
    const hashOk = specSha256 === undefined ? plan?.specSha256 === undefined || /^[0-9a-f]{64}$/.test(String(plan.specSha256)) : plan?.specSha256 === specSha256
    return hashOk && typeof plan?.specText === 'string' && plan.data !== null && typeof plan.data === 'object' ? (plan as SpecPlanDocument) : undefined
  } catch {
    return undefined
  }
}

/** Whether JSON.stringify then JSON.parse gives back a value equal to `value` (parsed YAML: no cycles). */
function exactInJson(value: unknown, depth: number): boolean {
  if (depth > 256) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0)
  if (Array.isArray(value)) return value.every((v) => exactInJson(v, depth + 1))
  if (typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || !exactInJson((value as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}
