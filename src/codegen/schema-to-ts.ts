/**
 * JSON Schema → TypeScript declarations, through json-schema-to-typescript (imported lazily: it
 * loads prettier). Schemas are rewritten first so the library never resolves a `$ref` itself:
 * every `#/$defs/<type>` becomes a reference by name to the shared type, which keeps one
 * declaration per shared type (no `Summary1` copies) and makes recursive types work.
 */
import type { JsonSchema } from '../spec/model.ts'
import { listsEveryKey } from '../spec/schema-fields.ts'

/** Prettier options of every generated file (prettier's defaults, a wider line). */
export const GENERATED_STYLE = { printWidth: 100, trailingComma: 'all', bracketSpacing: true, semi: true, singleQuote: false } as const

type Compile = typeof import('json-schema-to-typescript').compile
let compiler: Promise<Compile> | undefined

async function loadCompiler(): Promise<Compile> {
  compiler ??= import('json-schema-to-typescript').then((mod) => {
    // CommonJS interop: named export under Node, `default.compile` under some loaders.
    const m = mod as unknown as { compile?: Compile; default?: { compile: Compile } }
    return m.compile ?? m.default!.compile
  })
  return compiler
}

type Prettier = { format(source: string, options: Record<string, unknown>): Promise<string> }

/**
 * Formats a whole generated file with prettier (the formatter json-schema-to-typescript uses; in
 * dist/ both get prettier's standalone TypeScript formatter, see scripts/prettier-standalone.mjs).
 */
export async function formatTypeScript(source: string): Promise<string> {
  const prettier = (await import('prettier')) as unknown as Prettier
  return prettier.format(source, { parser: 'typescript', ...GENERATED_STYLE })
}

/** Keywords whose value is a map of schemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas'] as const
/** Keywords whose value is one schema. */
const SCHEMA_SINGLES = ['additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems'] as const
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const
/** Keywords that only annotate; a `$ref` with nothing else beside it is a plain alias. */
const ANNOTATIONS = new Set(['$ref', 'description', 'title', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'])
/**
 * Keywords that say which kinds of JSON value a schema accepts (`tsType` is ours, from `$ref` or
 * `false`). Without any of them a schema accepts every JSON value, whatever else it says, while
 * json-schema-to-typescript guesses a type from `default` (`{ default: 1 }` → number), `properties`
 * or `items`, and an object for the rest: `--param a1=hello` would then hand a `number` param a string.
 */
const KIND_KEYWORDS = ['type', 'enum', 'const', 'allOf', 'anyOf', 'oneOf', 'tsType'] as const
/** Keys dropped from user schemas: they would change names or inject text into generated code. */
const DROPPED = new Set(['title', 'tsType', 'tsEnumNames', '$id', '$schema', '$anchor', '$defs', 'definitions'])

/**
 * Rewrites a user schema for the compiler: `$ref`s become names of shared types, titles are dropped
 * (they would declare extra types), and an object that lists `properties` without saying anything
 * about other keys gets `additionalProperties: false`, so a typo in a property name is a type error.
 */
export function prepareSchema(schema: JsonSchema, sharedNames: ReadonlyMap<string, string>): Record<string, unknown> {
  if (schema === true) return {}
  if (schema === false) return { tsType: 'never' }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue
    if (key === 'properties' && isRecord(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prepareProperty(k, v as JsonSchema, schema, sharedNames)]))
    else if (key === 'patternProperties' && isRecord(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [patternStandIn(k), prepareSchema(v as JsonSchema, sharedNames)]))
    else if ((SCHEMA_MAPS as readonly string[]).includes(key) && isRecord(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prepareSchema(v as JsonSchema, sharedNames)]))
    else if ((SCHEMA_SINGLES as readonly string[]).includes(key) && (isRecord(value) || typeof value === 'boolean'))
      out[key] = typeof value === 'boolean' ? value : prepareSchema(value as JsonSchema, sharedNames)
    else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value))
      out[key] = value.map((v) => prepareSchema(v as JsonSchema, sharedNames))
    else if (key === 'items')
      out[key] = Array.isArray(value) ? value.map((v) => prepareSchema(v as JsonSchema, sharedNames)) : typeof value === 'boolean' ? value : prepareSchema(value as JsonSchema, sharedNames)
    else if (key !== 'prefixItems' && key !== '$ref') out[key] = value
  }
  applyPrefixItems(schema, out, sharedNames)
  if (typeof schema.$ref !== 'string' && acceptsAnyValue(out)) return { ...out, tsType: 'unknown' }
  if (isOpenObject(out)) return { ...out, tsType: 'object' }
  if (listsEveryKey(out)) out.additionalProperties = false
  return typeof schema.$ref === 'string' ? withReference(out, referenceName(schema.$ref, sharedNames)) : out
}

/**
 * The members every object inherits from Object.prototype, as TypeScript's `Object` interface
 * declares them (lib.es5.d.ts). TypeScript reads an object that lacks an optional property of such
 * a name as having the inherited member (`{ name: 'x' }` has a `constructor: Function`), so
 * `constructor?: string` refuses every object without one.
 */
const OBJECT_MEMBERS = new Set(['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'])

/**
 * One entry of `properties`. An optional property named like an Object.prototype member is typed
 * `string | Object["constructor"]`: that accepts the objects without it (what the schema allows),
 * and it is also what reading the property of such an object gives at run time. A required one
 * stays exact, since every valid object has its own.
 */
function prepareProperty(name: string, schema: JsonSchema, parent: Readonly<Record<string, unknown>>, sharedNames: ReadonlyMap<string, string>): Record<string, unknown> {
  const prepared = prepareSchema(schema, sharedNames)
  const required = Array.isArray(parent.required) && parent.required.includes(name)
  if (!OBJECT_MEMBERS.has(name) || required) return prepared
  const { description, ...type } = prepared
  return { ...(description !== undefined && { description }), anyOf: [type, { tsType: `Object[${JSON.stringify(name)}]` }] }
}

/**
 * json-schema-to-typescript writes each key of `patternProperties` into a comment of its own words
 * ("referenced by \`undefined\`'s JSON-Schema definition", inside a property), escaping only the
 * first `*\/` of it, so a second one ended the comment and the file did not parse. The key goes in
 * as hex digits, and `describePatterns` writes the comment.
 */
function patternStandIn(pattern: string): string {
  return `${PATTERN_MARK}${Buffer.from(pattern, 'utf8').toString('hex')}`
}

const PATTERN_MARK = 'weir-pattern:'
const PATTERN_COMMENT = /This interface was referenced by `[^`\n]*`'s JSON-Schema definition\n[ \t]*\* via the `patternProperty` "weir-pattern:([0-9a-f]*)"\./g

/** The compiler's comment on a pattern's index signature → `Keys that match "^x".` */
function describePatterns(code: string): string {
  return code.replace(PATTERN_COMMENT, (_all, hex: string) => `Keys that match ${JSON.stringify(Buffer.from(hex, 'hex').toString('utf8')).replaceAll('*/', '*\\/')}.`)
}

/**
 * `{ type: object }` and nothing about its keys is `object`, not `{ [k: string]: unknown }`: an
 * interface (`Order`) has no index signature, so only `object` accepts the rows a handler declares.
 */
function isOpenObject(schema: Readonly<Record<string, unknown>>): boolean {
  if (schema.type !== 'object') return false
  const constraining = ['properties', 'additionalProperties', 'patternProperties', 'propertyNames', 'unevaluatedProperties', 'required', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'enum', 'const', '$ref']
  return !constraining.some((k) => k in schema)
}

/** Whether a (prepared) schema accepts every JSON value: it names no kind of value (`KIND_KEYWORDS`). */
function acceptsAnyValue(schema: Readonly<Record<string, unknown>>): boolean {
  return !KIND_KEYWORDS.some((k) => k in schema)
}

/** 2020-12 tuples (`prefixItems` + `items`) in the draft-07 form the compiler understands. */
function applyPrefixItems(schema: Readonly<Record<string, unknown>>, out: Record<string, unknown>, sharedNames: ReadonlyMap<string, string>): void {
  if (!Array.isArray(schema.prefixItems)) return
  const rest = schema.items
  out.items = schema.prefixItems.map((v) => prepareSchema(v as JsonSchema, sharedNames))
  if (rest !== undefined) out.additionalItems = typeof rest === 'boolean' ? rest : prepareSchema(rest as JsonSchema, sharedNames)
}

/** `#/$defs/Summary` → `Summary` (its allocated name); anything else cannot be typed. */
function referenceName(ref: string, sharedNames: ReadonlyMap<string, string>): string {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref)
  return (match && sharedNames.get(decodeURIComponent(match[1]!))) ?? 'unknown'
}

/** A `$ref` alone is the named type; beside other constraints it is intersected with them. */
function withReference(rest: Record<string, unknown>, name: string): Record<string, unknown> {
  const constraints = Object.keys(rest).filter((k) => !ANNOTATIONS.has(k))
  if (constraints.length === 0) return { ...rest, tsType: name }
  const annotations = Object.fromEntries(Object.entries(rest).filter(([k]) => ANNOTATIONS.has(k)))
  const others = Object.fromEntries(Object.entries(rest).filter(([k]) => !ANNOTATIONS.has(k)))
  // `{ $ref, required: [x] }`: the constraints beside the `$ref` name no kind, so they add nothing to its type.
  return { ...annotations, allOf: [{ tsType: name }, acceptsAnyValue(others) ? { ...others, tsType: 'unknown' } : others] }
}

/**
 * Declares `export type|interface <name>` for a prepared schema, formatted. An empty schema is
 * `unknown`, not `{ [k: string]: unknown }`: the spec said nothing about the value.
 */
export async function declareSchema(name: string, prepared: Record<string, unknown>, description?: string): Promise<string> {
  const doc = description ?? (typeof prepared.description === 'string' ? prepared.description : undefined)
  const keys = Object.keys(prepared).filter((k) => !ANNOTATIONS.has(k))
  if (keys.length === 0) return `${jsDoc(doc)}export type ${name} = unknown;\n`
  const compile = await loadCompiler()
  const hidden = hideHasOwnProperty({ ...prepared, title: name, ...(doc !== undefined && { description: doc }) })
  try {
    const code = await compile(hidden.schema as Parameters<Compile>[0], name, {
      bannerComment: '',
      format: true,
      style: GENERATED_STYLE,
      declareExternallyReferenced: false,
      unreachableDefinitions: false,
      additionalProperties: true,
      $refOptions: { resolve: { external: false } },
    })
    return toTypeAliases(collapseShortDocs(describePatterns(hidden.restore(code)).trimStart()))
  } catch (error) {
    throw new Error(`Cannot generate TypeScript for '${name}': ${(error as Error).message}`, { cause: error })
  }
}

/**
 * json-schema-to-typescript calls `node.hasOwnProperty(…)` on every object of a schema, a map of
 * `properties` and a `default` or `const` value included, so a key `hasOwnProperty` there made it
 * throw. Such a key (and the same string in `required` or `enum`) goes in under a stand-in name that
 * appears nowhere in the schema, which `restore` turns back in the generated code.
 */
function hideHasOwnProperty(schema: Record<string, unknown>): { schema: Record<string, unknown>; restore: (code: string) => string } {
  const text = JSON.stringify(schema)
  if (!text.includes('"hasOwnProperty"')) return { schema, restore: (code) => code }
  let standIn = 'weirHasOwnProperty'
  for (let n = 2; text.includes(standIn); n++) standIn = `weirHasOwnProperty${n}`
  const rename = (value: unknown): unknown => {
    if (value === 'hasOwnProperty') return standIn
    if (Array.isArray(value)) return value.map(rename)
    if (!isRecord(value)) return value
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === 'hasOwnProperty' ? standIn : k, rename(v)]))
  }
  return { schema: rename(schema) as Record<string, unknown>, restore: (code) => code.replaceAll(standIn, 'hasOwnProperty') }
}

/** `/**\n * text\n *\/` → `/** text *\/`, the form the rest of a generated file uses. */
function collapseShortDocs(code: string): string {
  return code.replace(/^([ \t]*)\/\*\*\n\1 \* ([^\n]*)\n\1 \*\/$/gm, '$1/** $2 */')
}

/**
 * `export interface X { … }` → `export type X = { … };`. Object type aliases get an implicit index
 * signature, so a generated `Params` or `Summary` is assignable to `Record<string, unknown>` (a
 * handler's own `params: Record<string, unknown>`, a logger's fields); interfaces are not.
 */
function toTypeAliases(code: string): string {
  return code
    .replace(/^export interface (\w+) \{\}$/gm, 'export type $1 = {};')
    .replace(/^export interface (\w+) \{\n([\s\S]*?)^\}$/gm, 'export type $1 = {\n$2};')
}

/** A JSDoc block for a description, or nothing. */
export function jsDoc(description: string | undefined, indent = ''): string {
  if (description === undefined || description.trim() === '') return ''
  const lines = description.trim().replace(/\*\//g, '* /').split(/\r?\n/)
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === '' ? '' : ` ${l}`}`).join('\n')}\n${indent} */\n`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
