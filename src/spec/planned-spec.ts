/**
 * A spec file read through its run's spec plan (spec-plan.ts) only: no YAML parser, no validation,
 * and no node:crypto (loading it costs a task process more than the rest of this). This is all the
 * plan entry of `weir execute` (cli/execute-plan-main.ts) can do. The file is still read, and the
 * plan serves only while it holds exactly the plan's text, which the parent hashed and validated;
 * a file with any other text is hashed, and is `changed` unless its hash is the run's (then the
 * plan is not its plan, and the caller validates it).
 */
import { readFile } from 'node:fs'
import { resolve } from 'node:path'
import { readSpecBytes } from './read-spec-file.ts'
import { checkSpecBytes, decodeSpecBytes } from './spec-bytes.ts'
import { normalizeSpec } from './normalize.ts'
import { specPlanData } from './spec-plan.ts'
import { specHashOf } from './spec-hash.ts'
import type { PipelineSpec } from './spec-types.ts'
import type { Pipeline } from './model.ts'

/** What the spec file holds now, against the text a run validated. */
export type ValidatedSpecFile =
  | { readonly pipeline: Pipeline; readonly changed?: undefined }
  /** The text differs from the one the run validated; `hash` is its sha256 now. */
  | { readonly changed: true; readonly hash: string; readonly pipeline?: undefined }
  | undefined

/**
 * The resolved Pipeline of the spec at `path`, from the plan at `planPath`, if the plan is the plan
 * of the text with sha256 `expectedHash` and the file holds that text. Undefined when the plan
 * cannot serve (missing, broken, of another text, data normalize refuses): the caller validates.
 * Without `expectedHash` (a plan `weir execute` kept for itself), a plan of any text serves when the
 * file holds that text, and a file with another text is never `changed`, only unplanned.
 */
export async function loadPlannedSpecFile(path: string, expectedHash: string | undefined, planPath: string): Promise<ValidatedSpecFile> {
  const text = await readSpecFileText(path)
  if (text === undefined) return undefined
  // node:fs's callback, not fs.promises: loading that costs a `weir execute` ~1 ms of start-up.
  const planText = await new Promise<string>((done) => readFile(planPath, 'utf8', (error, text) => done(error ? '' : text)))
  const plan = specPlanData(planText, expectedHash)
  // A kept plan has no hash: it is made from the text if the task asks for it (node:crypto is loaded then only).
  if (plan?.specText === text) return pipelineOf(path, plan.specSha256 ?? (() => specHashOf(text)), plan.data)
  if (expectedHash === undefined) return undefined
  // Loaded only here: a spec changed since the run started, or a plan that is not the file's.
  const hash = specHashOf(text)
  return hash === expectedHash ? undefined : { changed: true, hash }
}

/** A spec file's decoded text; undefined when it cannot be read or decoded as a spec (the validation says why). */
export async function readSpecFileText(path: string): Promise<string | undefined> {
  const read = await readSpecBytes(path)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const decoded = decodeSpecBytes(read.bytes)
  return decoded.ok ? decoded.text : undefined
}

/** The Pipeline of `data` (a spec's data, its text with sha256 `specHash`), or undefined when there is none or normalize refuses it. */
export function pipelineOf(path: string, specHash: string | (() => string), data: unknown): ValidatedSpecFile {
  if (data === undefined) return undefined
  try {
    return { pipeline: normalizeSpec(data as PipelineSpec, resolve(path), specHash) }
  } catch {
    return undefined // the full validation explains it
  }
}
