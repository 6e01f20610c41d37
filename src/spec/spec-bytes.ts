/** Checks on a spec file's bytes, before any parser sees them. */
import type { DiagnosticCode } from './diagnostics.ts'

/** Larger files are refused: a pipeline spec is hand-written text. */
export const MAX_SPEC_BYTES = 2 * 1024 * 1024

/** Rejects what is not a text spec before the YAML parser sees it. */
export function checkSpecBytes(bytes: Uint8Array): { readonly code: DiagnosticCode; readonly message: string; readonly offset: number } | undefined {
  if (bytes.byteLength > MAX_SPEC_BYTES)
    return {
      code: 'FILE_TOO_LARGE',
      message: `The file is ${bytes.byteLength} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes, so split it into several pipelines.`,
      offset: 0,
    }
  const nul = bytes.indexOf(0)
  if (nul !== -1)
    return { code: 'NOT_TEXT', message: 'The file contains NUL bytes and is not a text spec; check the path.', offset: nul }
  return undefined
}
