/**
 * A spec file that a parent process has already validated, read again without validating it: the
 * `weir execute` processes of `weir run --executor subprocess` get the sha256 of the spec text the
 * run validated (`WEIR_SPEC_SHA256`), and when the file still holds exactly that text, the checks
 * (schema, rules) would find what they found for the parent: nothing. Parsing and normalizing is all
 * that is left. A file whose text has another hash changed since the run started: `changed`, and the
 * caller refuses to run a task of a spec other than the run's. Any other surprise (a file that cannot
 * be read or decoded, text only the careful parser reads) gives undefined, and the caller validates
 * it in full as it would without a hash.
 */
import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import type { Pipeline } from './model.ts'
import { readSpecBytes } from './read-spec-file.ts'
import { checkSpecBytes, decodeSpecBytes } from './spec-bytes.ts'
import { parseFast } from './fast-parse.ts'
import { normalizeSpec } from './normalize.ts'
import type { PipelineSpec } from './spec-types.ts'

/** What the spec file holds now, against the text a run validated. */
export type ValidatedSpecFile =
  | { readonly pipeline: Pipeline; readonly changed?: undefined }
  /** The text differs from the one the run validated; `hash` is its sha256 now. */
  | { readonly changed: true; readonly hash: string; readonly pipeline?: undefined }
  | undefined

/** The resolved Pipeline of the spec at `path` if its text has the sha256 `expectedHash` (hex). */
export async function loadValidatedSpecFile(path: string, expectedHash: string): Promise<ValidatedSpecFile> {
  const read = await readSpecBytes(path)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const decoded = decodeSpecBytes(read.bytes)
  if (!decoded.ok) return undefined
  const fast = parseFast(decoded.text)
  if (fast) {
    try {
      const pipeline = normalizeSpec(fast.data as PipelineSpec, resolve(path), decoded.text)
      return pipeline.specHash === expectedHash ? { pipeline } : { changed: true, hash: pipeline.specHash }
    } catch {
      // Text that no run validated, or one the full validation must explain: decided by its hash below.
    }
  }
  const hash = createHash('sha256').update(decoded.text).digest('hex')
  return hash === expectedHash ? undefined : { changed: true, hash }
}
