/**
 * Secret values in a spec's own text, hidden from the source lines shown under diagnostics. A
 * secret param's `default` (and the schedule's value of one) is in the spec as written, and a
 * diagnostic on its line (an unused param, a target warning about that very default) would print it
 * again, into a terminal or a CI log. Messages never quote such a value (redact-secrets.ts); this
 * keeps the excerpts from doing so either.
 */
import { isMap, isScalar, parseDocument } from 'yaml'
import type { Node as YamlNode } from 'yaml'
import { hasSecret, type SchemaTypes } from './secret-schema.ts'
import type { JsonSchema } from './model.ts'

/**
 * `text` with every character of a secret value replaced by `*` (line breaks kept, so every line and
 * column stays where it was). Text that cannot be read as a spec comes back as it is.
 */
export function maskSecretValues(text: string): string {
  // Cheap test first: no secret without the keyword (JSON and YAML alike spell it so).
  if (!text.includes('writeOnly')) return text
  let spans: [number, number][]
  try {
    spans = secretSpans(text)
  } catch {
    return text
  }
  if (spans.length === 0) return text
  // Offsets are UTF-16 code units: mask by code unit, keeping line breaks.
  let out = ''
  let at = 0
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    if (end <= at) continue
    const from = Math.max(start, at)
    out += text.slice(at, from) + text.slice(from, end).replace(/[^\r\n]/g, '*')
    at = end
  }
  return out + text.slice(at)
}

/** Offsets [start, end) of each secret param's default (and examples, const) and of the schedule's values of secret params. */
function secretSpans(text: string): [number, number][] {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: false })
  const spans: [number, number][] = []
  const params = doc.get('params', true)
  if (!isMap(params)) return spans
  const typesNode = doc.get('types', true)
  const types = (isMap(typesNode) ? typesNode.toJS(doc) : {}) as SchemaTypes
  const secrets = new Set<string>()
  for (const pair of params.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined
    const schemaNode = pair.value as YamlNode | null
    if (name === undefined || !isMap(schemaNode)) continue
    if (!hasSecret(schemaNode.toJS(doc) as JsonSchema, types)) continue
    secrets.add(name)
    // `examples` and `const` of a secret are values of it too (often a real one, pasted).
    for (const key of ['default', 'examples', 'const']) push(spans, schemaNode.get(key, true) as YamlNode | undefined)
  }
  const scheduled = doc.getIn(['schedule', 'params'], true)
  if (isMap(scheduled))
    for (const pair of scheduled.items)
      if (isScalar(pair.key) && secrets.has(String(pair.key.value))) push(spans, pair.value as YamlNode | null)
  return spans
}

function push(spans: [number, number][], node: YamlNode | null | undefined): void {
  if (node?.range) spans.push([node.range[0], node.range[1]])
}
