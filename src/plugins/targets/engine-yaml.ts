/**
 * The YAML the engines' tools read: every string that some engine's YAML parser would take for
 * another type is written quoted.
 *
 * The `yaml` package writes a string plain unless YAML 1.2's core schema would read it as something
 * else, but the engines do not read YAML 1.2 alone: kubectl and Argo (go-yaml v2, via sigs.k8s.io/yaml)
 * follow YAML 1.1, where `yes`, `on`, `y` and `No` are booleans, `1_000` and `0b101` integers,
 * `1:30` a sexagesimal number, `2001-12-14` a timestamp and `<<` a merge key; the Databricks CLI
 * (go-yaml v3) reads a number the way Go's strconv does (`0X1F`, `0B11`, underscores anywhere), and
 * fails `bundle deploy` on one where a string belongs. A param default `yes` must reach the task as
 * the string `yes`, so a string that any of these reads otherwise is double-quoted, keys included.
 */
import { createRequire } from 'node:module'
import type { Document } from 'yaml'

type Yaml = typeof import('yaml')

/** yaml is loaded on first use: listing the built-in targets (as `spec validate` does) must not load it. */
function loadYaml(): Yaml {
  return createRequire(import.meta.url)('yaml') as Yaml
}

/** `value` as YAML (one document, no line folding) with every string an engine could misread quoted. */
export function toEngineYaml(value: unknown): string {
  const yaml = loadYaml()
  const doc: Document = new yaml.Document(value)
  const misread = misreadTests(yaml)
  yaml.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && misread(node.value)) node.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({ lineWidth: 0 })
}

let tests: ((text: string) => boolean) | undefined

/**
 * Whether a plain scalar with this text is something other than a string to YAML 1.1 (the `yaml`
 * package's schema of it: booleans, null, base-2/8/16 and sexagesimal numbers, underscores,
 * timestamps, `<<`), to YAML 1.2's core schema (`0o17`), or to go-yaml's number parsing (below).
 */
function misreadTests(yaml: Yaml): (text: string) => boolean {
  if (tests) return tests
  const patterns = [new yaml.Document(null, { version: '1.1', merge: true }), new yaml.Document(null, { version: '1.2' })]
    .flatMap((doc) => doc.schema.tags)
    .flatMap((tag) => (tag.tag !== 'tag:yaml.org,2002:str' && 'test' in tag && tag.test instanceof RegExp ? [tag.test] : []))
  tests = (text) => text === '=' || goReadsAsNumber(text) || patterns.some((p) => p.test(text))
  return tests
}

/**
 * go-yaml (v2 and v3) tries a plain scalar that starts like a number with `strconv.ParseInt(s, 0)`
 * and `ParseFloat` after dropping every `_`: `0X1F`, `0O17`, `0B11`, `1_0.5`, `-.5`.
 */
function goReadsAsNumber(text: string): boolean {
  if (!/^[-+.0-9]/.test(text)) return false
  return /^[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/.test(text.replaceAll('_', ''))
}
