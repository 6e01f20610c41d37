/**
 * A spec file read through its run's spec plan (spec-plan.ts) only: no YAML parser, no validation.
 * This is all the plan entry of `weir execute` (cli/execute-plan-main.ts) can do, and what
 * validated-spec.ts does first when it has a plan. The file is still read and hashed: a spec whose
 * text changed since the run validated it is `changed`, never run from the old plan.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { readSpecBytes } from './read-spec-file.ts'
import { checkSpecBytes, decodeSpecBytes } from './spec-bytes.ts'
import { normalizeSpec } from './normalize.ts'
import { specPlanData } from './spec-plan.ts'
import type { PipelineSpec } from './spec-types.ts'
import type { Pipeline } from './model.ts'

/** What the spec file holds now, against the text a run validated. */
export type ValidatedSpecFile =
  | { readonly pipeline: Pipeline; readonly changed?: undefined }
  /** The text differs from the one the run validated; `hash` is its sha256 now. */
  | { readonly changed: true; readonly hash: string; readonly pipeline?: undefined }
  | undefined

/** The spec's text now, when its sha256 is `expectedHash`; `changed` when it is another; undefined when the file cannot be read as a spec. */
export async function readSpecTextAgainst(path: string, expectedHash: string): Promise<{ readonly text: string; readonly changed?: undefined } | { readonly changed: true; readonly hash: string } | undefined> {
  const read = await readSpecBytes(path)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const decoded = decodeSpecBytes(read.bytes)
  if (!decoded.ok) return undefined
  const hash = createHash('sha256').update(decoded.text).digest('hex')
  return hash === expectedHash ? { text: decoded.text } : { changed: true, hash }
}

/**
 * The resolved Pipeline of the spec at `path`, from the plan at `planPath`, if the file's text has
 * the sha256 `expectedHash` and the plan is the plan of that text. Undefined when the plan cannot
 * serve (missing, broken, of another text, data normalize refuses): the caller parses or validates.
 */
export async function loadPlannedSpecFile(path: string, expectedHash: string, planPath: string): Promise<ValidatedSpecFile> {
  const now = await readSpecTextAgainst(path, expectedHash)
  if (now === undefined || now.changed) return now
  return pipelineOf(path, now.text, specPlanData(await readFile(planPath, 'utf8').catch(() => ''), expectedHash))
}

/** The Pipeline of `data` (the plan of `text`, the file's text, or `text` parsed), or undefined when there is none or normalize refuses it. */
export function pipelineOf(path: string, text: string, data: unknown): ValidatedSpecFile {
  if (data === undefined) return undefined
  try {
    return { pipeline: normalizeSpec(data as PipelineSpec, resolve(path), text) }
  } catch {
    return undefined // the full validation explains it
  }
}
