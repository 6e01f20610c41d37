/**
 * A spec file's text to show beside diagnostics. Apart from read-spec-file.ts: masking secrets loads
 * the YAML parser, which `weir execute` reading its run's spec plan never needs.
 */
import { readSpecBytes } from './read-spec-file.ts'
import { checkSpecBytes } from './spec-bytes.ts'

/**
 * A spec file's text for showing source lines next to diagnostics, its secret values masked
 * (secret-spans.ts); undefined when it cannot be read safely, or is no UTF-8 text (binary, UTF-16),
 * where a "source line" would be noise.
 */
export async function readSpecText(path: string): Promise<string | undefined> {
  const read = await readSpecBytes(path)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const text = new TextDecoder('utf-8').decode(read.bytes)
  // Loaded only here: a spec with something to show, and a secret in it.
  return text.includes('writeOnly') ? (await import('./secret-spans.ts')).maskSecretValues(text) : text
}
