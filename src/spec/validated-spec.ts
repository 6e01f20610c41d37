/**
 * A spec file that a parent process has already validated, read again without validating it: the
 * `weir execute` processes of `weir run --executor subprocess` get the sha256 of the spec text the
 * run validated (`WEIR_SPEC_SHA256`), and when the file still holds exactly that text, the checks
 * (schema, rules) would find what they found for the parent: nothing. Parsing and normalizing is all
 * that is left, and with the run's spec plan (spec-plan.ts) not even parsing YAML. A file whose text
 * has another hash changed since the run started: `changed`, and the caller refuses to run a task of
 * a spec other than the run's. Any other surprise (a file that cannot be read or decoded, text only
 * the careful parser reads) gives undefined, and the caller validates it in full as it would
 * without a hash.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Pipeline } from './model.ts'
import { readSpecBytes } from './read-spec-file.ts'
import { checkSpecBytes, decodeSpecBytes } from './spec-bytes.ts'
import { normalizeSpec } from './normalize.ts'
import { specPlanData } from './spec-plan.ts'
import type { PipelineSpec } from './spec-types.ts'

/** What the spec file holds now, against the text a run validated. */
export type ValidatedSpecFile =
  | { readonly pipeline: Pipeline; readonly changed?: undefined }
  /** The text differs from the one the run validated; `hash` is its sha256 now. */
  | { readonly changed: true; readonly hash: string; readonly pipeline?: undefined }
  | undefined

/**
 * The resolved Pipeline of the spec at `path` if its text has the sha256 `expectedHash` (hex).
 * `planPath`: the run's spec plan, read instead of parsing the YAML when it is the plan of that text.
 */
export async function loadValidatedSpecFile(path: string, expectedHash: string, planPath?: string): Promise<ValidatedSpecFile> {
  const read = await readSpecBytes(path)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const decoded = decodeSpecBytes(read.bytes)
  if (!decoded.ok) return undefined
  const hash = createHash('sha256').update(decoded.text).digest('hex')
  if (hash !== expectedHash) return { changed: true, hash }
  const planned = planPath === undefined ? undefined : specPlanData(await readFile(planPath, 'utf8').catch(() => ''), hash)
  // Loaded only without a plan: the YAML parser is most of what this module would cost to load.
  const data = planned ?? (await import('./fast-parse.ts')).parseFast(decoded.text)?.data
  if (data === undefined) return undefined
  try {
    return { pipeline: normalizeSpec(data as PipelineSpec, resolve(path), decoded.text) }
  } catch {
    return undefined // the full validation explains it
  }
}
