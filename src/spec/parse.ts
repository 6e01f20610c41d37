/**
 * Reads a spec file (YAML or JSON) into plain data while keeping the source nodes, so that any
 * JSON pointer can later be turned into a line and column.
 */
import { Composer, Parser, YAMLParseError, isMap, isSeq, isScalar, isPair, isNode, visit } from 'yaml'
import type { CST, Document, DocumentOptions, Pair, ParseOptions, SchemaOptions, YAMLMap, Node as YamlNode } from 'yaml'
import type { DiagnosticCode, Finding } from './diagnostics.ts'
import { createLineIndex } from './line-index.ts'
import { checkStructure, findTooDeepToken, TOO_DEEP_MESSAGE } from './check-structure.ts'
import { flowNestingTooDeep } from './nesting.ts'
import { pointerSegments, toPointer } from './pointer.ts'
import { secretValueTest } from './secret-spans.ts'

// Kept here too for callers that imported them from this module before they moved.
export { pointerSegments, toPointer } from './pointer.ts'
export { checkSpecBytes, MAX_SPEC_BYTES } from './spec-bytes.ts'
export { MAX_NESTING } from './nesting.ts'
import type { LineIndex } from './line-index.ts'

/** Aliases resolved per document; stops "billion laughs" expansions long before they cost anything. */
export const MAX_ALIAS_COUNT = 200

export interface ParsedSpec {
  readonly text: string
  readonly doc: Document.Parsed
  readonly lineCounter: LineIndex
  /** The document as plain data; undefined when it could not be built. */
  readonly data: unknown
}

export interface ParseFailure {
  readonly code: DiagnosticCode
  readonly message: string
  readonly offset: number
  /** Where the offending text ends, when known (carets then cover exactly it). */
  readonly end?: number
  /** JSON pointer of the offending node, when known. */
  readonly pointer?: string
}

/** Where the first alias (`*name`) is written: the place to start reading an alias bomb. */
function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0
      return visit.BREAK
    },
  })
  return offset
}

/** Keys that appear twice in one mapping, each reported at its second occurrence with its pointer. */
function findDuplicateKeys(node: unknown, path: string[], failures: ParseFailure[]): void {
  if (isSeq(node)) node.items.forEach((item, i) => findDuplicateKeys(item, [...path, String(i)], failures))
  if (!isMap(node)) return
  const seen = new Set<string>()
  for (const pair of node.items) {
    const notString = describeNonStringKey(pair.key)
    if (notString !== undefined) {
      const where = path.length === 0 ? 'at the top level' : `in '${path.join('.')}'`
      failures.push({
        code: 'KEY_NOT_STRING',
        offset: isNode(pair.key) && pair.key.range ? pair.key.range[0] : isNode(pair.value) && pair.value.range ? pair.value.range[0] : 0,
        pointer: toPointer(path),
        message: `A key ${where} is ${notString}; keys are names, so write a string (quote it if it must read '~' or 'null').`,
      })
      continue
    }
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined
    if (key !== undefined) {
      if (seen.has(key)) {
        const where = path.length === 0 ? 'at the top level' : `in '${path.join('.')}'`
        failures.push({
          code: 'DUPLICATE_KEY',
          offset: pair.key && isNode(pair.key) && pair.key.range ? pair.key.range[0] : 0,
          pointer: toPointer([...path, key]),
          message: `Key '${key.length > 60 ? key.slice(0, 57) + '...' : key}' appears twice ${where}; remove or rename one of them.`,
        })
      }
      seen.add(key)
    }
    findDuplicateKeys(pair.value, key === undefined ? path : [...path, key], failures)
  }
}

/**
 * What a mapping key is when it is no name: a list or mapping (`? [x]`), null (`~`, `null`) or
 * nothing (`: v`). The parsers turned such keys into different names ('[ x ]', '', 'null'), so a
 * task could be named by accident, and differently on the fast path (fast-parse.ts steps aside for them).
 */
function describeNonStringKey(key: unknown): string | undefined {
  if (key === null || key === undefined) return 'missing (nothing before the colon)'
  if (isMap(key)) return 'a mapping'
  if (isSeq(key)) return 'a list'
  if (isScalar(key) && key.value === null) return 'null'
  return undefined
}

export type ParseResult =
  /**
   * `keyFailures`: keys that are no names (KEY_NOT_STRING, their pairs left out of `spec.data`),
   * keys written twice (DUPLICATE_KEY, the last one kept) and tags that do not apply (NOT_JSON, the
   * value read as if untagged): reported, and the rest of the spec is still checked, since the
   * document is otherwise readable (a syntax error stops at itself).
   */
  | { readonly ok: true; readonly spec: ParsedSpec; readonly keyFailures?: readonly ParseFailure[] }
  | { readonly ok: false; readonly failures: readonly ParseFailure[]; readonly text: string; readonly lineCounter: LineIndex }

/** Parses YAML (JSON is a subset) and collects every syntax error with its offset. */
export function parseSpecText(text: string): ParseResult {
  const lineCounter = createLineIndex(text)
  // logLevel 'error': yaml would otherwise print warnings (e.g. about collection keys) to stderr.
  // uniqueKeys off: yaml's own check compares every key with every other (quadratic, minutes for a
  // mapping of 50,000 keys); findDuplicateKeys does it with a set, and knows each key's pointer.
  // The syntax tree is checked for depth before it is composed (composing recurses).
  // A flow collection a million levels deep costs the parser seconds and a gigabyte: refused first.
  const loneCr = LONE_CR.exec(text)
  if (loneCr) return { ok: false, failures: [{ code: 'YAML_SYNTAX', message: LONE_CR_MESSAGE, offset: loneCr.index }], text, lineCounter }
  const tooDeepFlow = flowNestingTooDeep(text)
  if (tooDeepFlow !== undefined) return { ok: false, failures: [{ code: 'NESTING_TOO_DEEP', message: TOO_DEEP_MESSAGE, offset: tooDeepFlow }], text, lineCounter }
  const otherVersion = OTHER_YAML_VERSION.exec(text)
  if (otherVersion) return { ok: false, failures: [{ code: 'YAML_SYNTAX', message: otherVersionMessage(otherVersion[1]!), offset: otherVersion.index }], text, lineCounter }
  const tokens = [...new Parser().parse(text)]
  const tooDeep = findTooDeepToken(tokens)
  if (tooDeep !== undefined) return { ok: false, failures: [{ code: 'NESTING_TOO_DEEP', message: TOO_DEEP_MESSAGE, offset: tooDeep }], text, lineCounter }
  const doc = composeDocument(tokens, text.length, { uniqueKeys: false, prettyErrors: false, strict: true, logLevel: 'error' })
  const failures: ParseFailure[] = doc.errors.map((err) => ({
    code: yamlErrorCode(err.code, err.message),
    message: describeYamlError(err.code, err.message, text, err.pos[0]),
    offset: err.pos[0],
  }))
  if (failures.length > 0) return { ok: false, failures: onePerQuotingMistake(failures, lineCounter), text, lineCounter }
  const keyFailures: ParseFailure[] = unresolvedTags(doc, text)
  findDuplicateKeys(doc.contents, [], keyFailures)
  if (keyFailures.some((f) => f.code === 'KEY_NOT_STRING')) dropNonStringKeys(doc.contents)
  const structure = checkStructure(doc)
  if (structure) return { ok: false, failures: [structure], text, lineCounter }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // yaml's words when aliases resolve too often (an alias naming no anchor is found before: check-structure.ts).
    const aliasLimit = /Excessive alias count/i.test(message)
    return {
      ok: false,
      text,
      lineCounter,
      failures: [
        {
          code: aliasLimit ? 'ALIAS_LIMIT' : 'YAML_SYNTAX',
          message: aliasLimit
            ? `The document expands more than ${MAX_ALIAS_COUNT} aliases; write the repeated values out or use fewer anchors.`
            : `The document cannot be read: ${message}.`,
          offset: aliasLimit ? firstAliasOffset(doc) : 0,
        },
      ],
    }
  }
  return { ok: true, spec: { text, doc, lineCounter, data }, ...(keyFailures.length > 0 && { keyFailures }) }
}

/** yaml's tags of the core schema: a value yaml cannot apply one of them to (`!!int 3.0`) is read as a string. */
const CORE_TAG = /^tag:yaml\.org,2002:(?:str|int|float|bool|null|map|seq)$/

/**
 * Tags yaml could not apply: one it does not know (`!custom`, `!!js/function`) or one that does not
 * fit its value (`!!float 2`, `!!int 3.0`, `!!seq {}`). yaml only warns and reads the value as if
 * untagged, so `default: !!float 1` became the string '1' and a handler got strings where the spec
 * said numbers. Reported at the tag, with the pointer of the tagged node (its other findings follow
 * from the tag and are left out).
 */
function unresolvedTags(doc: Document.Parsed, text: string): ParseFailure[] {
  const warnings = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED' || w.code === 'BAD_COLLECTION_TYPE')
  if (warnings.length === 0) return []
  const tagged: TaggedNode[] = []
  findTaggedNodes(doc.contents, [], tagged)
  const isSecret = secretValueTest(text)
  return warnings.map((warning) => {
    const [start, end] = warning.pos
    // The tagged node is the first after the tag (an anchor may sit between them).
    const node = tagged.find((n) => (n.node.range?.[0] ?? -1) >= end)
    // A tag that does not fit a secret's default (or the schedule's value of it): its message must not quote the value.
    const secret = isSecret(node?.node.range?.[0] ?? end)
    return {
      code: 'NOT_JSON',
      offset: start,
      end,
      ...(node && { pointer: node.pointer }),
      // A tag yaml knows, on a value it does not apply to (`!!int 3.0`, `!!set [a]`), or one it does not know (`!custom`).
      message: describeUnresolvedTag(text.slice(start, end), node?.node, warning.code === 'BAD_COLLECTION_TYPE' || (node?.node.tag !== undefined && CORE_TAG.test(node.node.tag)), secret),
    }
  })
}

interface TaggedNode {
  readonly node: YamlNode
  readonly pointer: string
}

/** The nodes with a tag, in document order, with their pointers (a key's is its pair's). */
function findTaggedNodes(node: unknown, path: string[], found: TaggedNode[]): void {
  if (!isNode(node)) return
  if (node.tag) found.push({ node, pointer: toPointer(path) })
  if (isSeq(node)) node.items.forEach((item, i) => findTaggedNodes(item, [...path, String(i)], found))
  if (!isMap(node)) return
  for (const pair of node.items) {
    const below = isScalar(pair.key) ? [...path, String(pair.key.value)] : path
    findTaggedNodes(pair.key, below, found)
    findTaggedNodes(pair.value, below, found)
  }
}

function describeUnresolvedTag(tag: string, node: YamlNode | undefined, misfit: boolean, secret: boolean): string {
  if (isScalar(node) && secret) {
    const fix = 'remove the tag and write the value as plain YAML (quoted, if a string is meant)'
    return misfit
      ? `Tag '${tag}' cannot be applied to this secret value, which would be read as a string; ${fix}.`
      : `Tag '${tag}' is not one weir knows, so this secret value would be read as a string with the tag ignored; ${fix}.`
  }
  if (isScalar(node)) {
    const value = String(node.source ?? node.value)
    const shown = `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'`
    const fix = 'remove the tag and write the value as plain YAML (quoted, if a string is meant)'
    return misfit
      ? `Tag '${tag}' cannot be applied to the value ${shown}, which would be read as the string ${shown}; ${fix}.`
      : `Tag '${tag}' is not one weir knows, so the value ${shown} would be read as the string ${shown} with the tag ignored; ${fix}.`
  }
  const kind = isMap(node) ? 'mapping' : isSeq(node) ? 'list' : 'value'
  return misfit
    ? `Tag '${tag}' cannot be applied to this ${kind}, which would be read as a plain ${kind}; remove the tag.`
    : `Tag '${tag}' is not one weir knows, so this ${kind} would be read as a plain ${kind} with the tag ignored; remove the tag.`
}

/** Removes the pairs whose key is no name (KEY_NOT_STRING reports them), so that the data holds no key named '' or 'null'. */
function dropNonStringKeys(node: unknown): void {
  if (isSeq(node)) for (const item of node.items) dropNonStringKeys(item)
  if (!isMap(node)) return
  node.items = node.items.filter((pair) => describeNonStringKey(pair.key) === undefined)
  for (const pair of node.items) dropNonStringKeys(pair.value)
}

/**
 * A carriage return without a line feed after it: the line ending of classic Mac OS, or a stray CR.
 * YAML 1.2 reads it as a line break, but `yaml` does not (a whole file of such lines became one line
 * of nonsense errors) and positions count lines by LF; refused, so that both paths agree.
 */
const LONE_CR = /\r(?!\n)/

const LONE_CR_MESSAGE = 'A carriage return (CR) without a line feed after it ends a line here (classic Mac OS line endings, or a stray CR); weir reads lines that end in LF or CRLF, so save the file with LF or CRLF line endings.'

/**
 * A `%YAML` directive of another version than 1.2. The parser would follow it: under 1.1, `yes`,
 * `no`, `on` and `off` are booleans, `0777` is octal and `<<` merges, so an input named `y` became
 * `true` and a spec passed that does not mean what it says in YAML 1.2, which weir reads.
 */
const OTHER_YAML_VERSION = /^%YAML[ \t]+(?!1\.2(?:[ \t#]|$))(\S*)/m

function otherVersionMessage(version: string): string {
  return `The document asks for YAML ${version} (%YAML ${version}); weir reads YAML 1.2 only (in 1.1, yes/no/on/off are booleans, 0777 is octal and << merges): remove the directive and write the values as YAML 1.2 reads them.`
}

/** yaml's `parseDocument`, from tokens already parsed: the first document, and an error at a second one. */
function composeDocument(tokens: readonly CST.Token[], length: number, options: ParseOptions & DocumentOptions & SchemaOptions): Document.Parsed {
  let doc: Document.Parsed | undefined
  for (const next of new Composer(options).compose(tokens, true, length)) {
    if (!doc) doc = next
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'))
      break
    }
  }
  return doc!
}

function yamlErrorCode(code: string, message: string): DiagnosticCode {
  if (code === 'DUPLICATE_KEY') return 'DUPLICATE_KEY'
  if (code === 'MULTIPLE_DOCS') return 'MULTIPLE_DOCUMENTS'
  // yaml's composer recurses and reports its own stack overflow as an error: the document is too deep.
  return /Maximum call stack/i.test(message) ? 'NESTING_TOO_DEEP' : 'YAML_SYNTAX'
}

function describeYamlError(code: string, message: string, text: string, offset: number): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '')
  if (code === 'DUPLICATE_KEY') {
    const key = keyAt(text, offset)
    return `Key ${key === undefined ? '' : `'${key}' `}appears twice in the same mapping; remove or rename one of them.`
  }
  if (/Maximum call stack/i.test(first)) return TOO_DEEP_MESSAGE
  if (code === 'MULTIPLE_DOCS') return 'The file holds more than one YAML document (a second one starts here); weir reads one pipeline per file, so split it into several files.'
  if (code === 'TAB_AS_INDENT') return `${first}; indent YAML with spaces, not tabs.`
  if (unquotedExpressionInFlow(text, offset)) return `${first}: ${QUOTE_HINT} reads as YAML's own braces; quote it, as in { x: "\${{ params.limit }}" }.`
  return `${first}.`
}

/** One unquoted expression makes the parser stumble several times on its line: the first says it all. */
function onePerQuotingMistake(failures: ParseFailure[], lines: LineIndex): ParseFailure[] {
  const told = new Set<number>()
  return failures.filter((f) => {
    if (!f.message.includes(QUOTE_HINT)) return true
    const line = lines.linePos(f.offset).line
    if (told.has(line)) return false
    told.add(line)
    return true
  })
}

const QUOTE_HINT = "an unquoted '${{ … }}' inside { } or [ ]"

/** Whether the line of `offset`, or the one before (the parser may notice on the next), holds `${{` unquoted after a `{` or `[`. */
function unquotedExpressionInFlow(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1
  const from = text.lastIndexOf('\n', Math.max(0, lineStart - 2)) + 1
  const end = text.indexOf('\n', offset)
  const lines = text.slice(from, end === -1 ? text.length : end)
  return /[{[,][^"'\n]*?(?:^|[\s,:[{])\$\{\{/m.test(lines)
}

/** The mapping key written at `offset` (plain, single- or double-quoted), for messages. */
function keyAt(text: string, offset: number): string | undefined {
  const match = /^(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^:\n]+?))\s*:/.exec(text.slice(offset, offset + 200))
  const key = match?.[1] ?? match?.[2] ?? match?.[3]
  return key === undefined || key.length > 60 ? undefined : key
}

interface Located {
  readonly node: YamlNode | undefined
  readonly key: YamlNode | undefined
  /** True when the whole pointer was found; false when we stopped at the deepest existing parent. */
  readonly exact: boolean
}

/** Finds the YAML node (and its mapping key) for a JSON pointer, or the deepest existing ancestor. */
export function locateNode(doc: Document.Parsed, pointer: string): Located {
  let node: unknown = doc.contents
  let key: YamlNode | undefined
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = findPair(node as YAMLMap, segment)
      if (!pair) return { node: node as YamlNode, key, exact: false }
      key = isNode(pair.key) ? pair.key : undefined
      node = pair.value ?? pair.key
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)]
      if (!isNode(item)) return { node: node as YamlNode, key, exact: false }
      key = undefined
      node = item
    } else {
      return { node: isNode(node) ? node : undefined, key, exact: false }
    }
  }
  return { node: isNode(node) ? node : undefined, key, exact: true }
}

/** How the scalar at `pointer` is written (`1e400`, `.inf`), for messages that depend on it; undefined for anything else. */
export function scalarSourceAt(spec: ParsedSpec, pointer: string): string | undefined {
  const { node, exact } = locateNode(spec.doc, pointer)
  return exact && isScalar(node) && typeof node.source === 'string' ? node.source : undefined
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value)
  return undefined
}

/**
 * The first pair of `map` whose key reads `key`. Small maps are searched; a big one (the `tasks:`
 * of a generated spec) gets an index, built on first use and kept with the map, so that thousands
 * of diagnostics in one file cost a lookup each rather than a scan of thousands of keys each.
 */
function findPair(map: YAMLMap, key: string): Pair | undefined {
  const items = map.items as unknown[]
  if (items.length <= 32) return items.find((p) => isPair(p) && keyText(p.key) === key) as Pair | undefined
  let index = pairIndexes.get(map)
  if (!index) {
    index = new Map()
    for (const item of items) {
      if (!isPair(item)) continue
      const text = keyText(item.key)
      if (text !== undefined && !index.has(text)) index.set(text, item)
    }
    pairIndexes.set(map, index)
  }
  return index.get(key)
}
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>()

export interface SourceRange {
  readonly start: number
  readonly end: number
}

/** The source range a finding points at, in character offsets. */
export function rangeOfFinding(spec: ParsedSpec, finding: Finding): SourceRange {
  const { node, key, exact } = locateNode(spec.doc, finding.pointer)
  const target = finding.atKey && key ? key : !exact && key ? key : node
  const range = target?.range
  if (!range) return { start: 0, end: 0 }
  const start = range[0]
  const end = range[1]
  if (finding.span && exact && isScalar(target) && typeof target.value === 'string') {
    const narrowed = narrowToSpan(spec.text, start, end, target.value, finding.span)
    if (narrowed) return narrowed
  }
  return { start, end: trimEnd(spec.text, start, end) }
}

/** Finds the part of a scalar's value in its source, so carets sit under `${{ … }}` exactly. */
function narrowToSpan(
  text: string,
  start: number,
  end: number,
  value: string,
  span: { start: number; end: number },
): SourceRange | undefined {
  const piece = value.slice(span.start, span.end)
  if (piece === '') return undefined
  // The same expression may occur twice in one string: find the same occurrence in the source.
  let occurrence = 0
  for (let i = value.indexOf(piece); i !== -1 && i < span.start; i = value.indexOf(piece, i + 1)) occurrence++
  const source = text.slice(start, end)
  let at = source.indexOf(piece)
  for (let n = 0; n < occurrence && at !== -1; n++) at = source.indexOf(piece, at + 1)
  if (at === -1) return undefined
  return { start: start + at, end: start + at + piece.length }
}

/** Block nodes' ranges include trailing newlines; carets should not. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end
  while (e > start && /\s/.test(text[e - 1]!)) e--
  return e
}
