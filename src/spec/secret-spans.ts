/**
 * Secret values in a spec's own text, hidden from the source lines shown under diagnostics. A
 * secret param's `default` (and the schedule's value of one) is in the spec as written, and a
 * diagnostic on its line (an unused param, a target warning about that very default) would print it
 * again, into a terminal or a CI log. Messages never quote such a value (redact-secrets.ts, and
 * parse.ts for a tag that does not fit one); this keeps the excerpts from doing so either.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml'
import type { Node as YamlNode, YAMLMap } from 'yaml'
import { MAX_NESTING } from './nesting.ts'
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

/**
 * Offsets [start, end) of the secret values written in a spec: each secret param's default (and
 * examples, const), those of any schema part marked `writeOnly: true` (a property of a type or of a
 * param), and the schedule's values of secret params. A key written twice (`default: a, default: b`)
 * has both values counted: the second is an error, shown with its line. Throws on text yaml cannot read.
 */
export function secretSpans(text: string): [number, number][] {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: false })
  const spans: [number, number][] = []
  const top = doc.contents
  if (!isMap(top)) return spans
  const typesNode = top.get('types', true)
  const types = (isMap(typesNode) ? typesNode.toJS(doc) : {}) as SchemaTypes
  for (const node of valuesOf(top, 'types')) pushWriteOnlyValues(spans, node, 0)
  const secrets = new Set<string>()
  for (const params of valuesOf(top, 'params')) {
    if (!isMap(params)) continue
    for (const pair of params.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined
      const schemaNode = pair.value as YamlNode | null
      if (name === undefined || !isMap(schemaNode)) continue
      pushWriteOnlyValues(spans, schemaNode, 0)
      if (!hasSecret(schemaNode.toJS(doc) as JsonSchema, types)) continue
      secrets.add(name)
      // A default of a param with a secret part is masked whole: which parts are secret is the schema's to say.
      pushValues(spans, schemaNode)
    }
  }
  for (const schedule of valuesOf(top, 'schedule'))
    for (const scheduled of isMap(schedule) ? valuesOf(schedule, 'params') : [])
      if (isMap(scheduled))
        for (const pair of scheduled.items)
          if (isScalar(pair.key) && secrets.has(String(pair.key.value))) push(spans, pair.value as YamlNode | null)
  return spans
}

/** Whether an offset lies in a secret value of the spec `text` (never, for text that cannot be read). */
export function secretValueTest(text: string): (offset: number) => boolean {
  let spans: [number, number][] = []
  try {
    if (text.includes('writeOnly')) spans = secretSpans(text)
  } catch {
    // Not a spec yaml can read: nothing in it is known to be secret.
  }
  return (offset) => spans.some(([start, end]) => offset >= start && offset < end)
}

/** The values of every pair of `map` with this key (a key written twice has two). */
function valuesOf(map: YAMLMap, key: string): unknown[] {
  return map.items.filter((pair) => isScalar(pair.key) && pair.key.value === key).map((pair) => pair.value)
}

/** `examples` and `const` of a secret are values of it too (often a real one, pasted). */
function pushValues(spans: [number, number][], schemaNode: YAMLMap): void {
  for (const key of ['default', 'examples', 'const']) for (const node of valuesOf(schemaNode, key)) push(spans, node as YamlNode | null)
}

/** The values of each schema part under `node` marked `writeOnly: true`, at any depth. */
function pushWriteOnlyValues(spans: [number, number][], node: unknown, depth: number): void {
  if (depth > MAX_NESTING) return
  if (isSeq(node)) for (const item of node.items) pushWriteOnlyValues(spans, item, depth + 1)
  if (!isMap(node)) return
  if (valuesOf(node, 'writeOnly').some((v) => isScalar(v) && v.value === true)) pushValues(spans, node)
  for (const pair of node.items) pushWriteOnlyValues(spans, pair.value, depth + 1)
}

function push(spans: [number, number][], node: YamlNode | null | undefined): void {
  if (node?.range) spans.push([node.range[0], node.range[1]])
}
