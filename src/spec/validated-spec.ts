/**
 * A spec file that a parent process has already validated, read again without validating it: the
 * `weir execute` processes of `weir run --executor subprocess` get the sha256 of the spec text the
 * run validated (`WEIR_SPEC_SHA256`), and when the file still holds exactly that text, the checks
 * (schema, rules) would find what they found for the parent: nothing. Parsing and normalizing is all
 * that is left. A file that changed since (another hash), or any surprise, gives undefined, and the
 * caller validates it in full as it would without a hash.
 */
import { resolve } from 'node:path'
import type { Pipeline } from './model.ts'
import { readSpecBytes } from './read-spec-file.ts'
import { checkSpecBytes, decodeSpecBytes } from './spec-bytes.ts'
import { parseFast } from './fast-parse.ts'
import { normalizeSpec } from './normalize.ts'
import type { PipelineSpec } from './spec-types.ts'

/** The resolved Pipeline of the spec at `path` if its text has the sha256 `expectedHash` (hex); undefined otherwise. */
export async function loadValidatedSpecFile(path: string, expectedHash: string): Promise<Pipeline | undefined> {
  const read = await readSpecBytes(path)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const decoded = decodeSpecBytes(read.bytes)
  if (!decoded.ok) return undefined
  const fast = parseFast(decoded.text)
  if (!fast) return undefined
  try {
    const pipeline = normalizeSpec(fast.data as PipelineSpec, resolve(path), decoded.text)
    return pipeline.specHash === expectedHash ? pipeline : undefined
  } catch {
    return undefined // text that no run validated: the full validation explains it
  }
}
