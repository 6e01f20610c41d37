/**
 * Where in a handler's module an error raised while importing it comes from, for the message that
 * says the module cannot be loaded: a user whose module throws at its top level (a missing setting,
 * a bad import) is told the line, not only the error's text.
 *
 * A position is only given where it is one in the source the user wrote. jiti compiles TypeScript
 * keeping each line where it was, but not the columns (types are stripped, imports become calls at
 * the start of the line): a frame of compiled code gives its line only. An import that cannot be
 * resolved is pointed at its specifier, found in the source.
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { propertyOf, stringPropertyOf } from '../spec/thrown-value.ts'

/** A position in the module: 1-based line, and 1-based column when it is known to be the source's. */
interface Position {
  readonly line: number
  readonly column?: number
}

/**
 * `file:line:col` (relative to `projectRoot`) of where `error` comes from inside `modulePath`
 * (`file:line` where the column is not the source's); undefined when the error does not name the
 * module: it came from a module it imports, or it is an ES module syntax error, whose stack Node 20
 * fills with its own frames (`weir spec validate` reports those, with a line). `compiled`: the module
 * ran as jiti compiled it.
 */
export function moduleErrorLocation(error: unknown, modulePath: string, projectRoot: string, compiled = false): string | undefined {
  const stack = stringPropertyOf(error, 'stack') ?? ''
  const message = stringPropertyOf(error, 'message') ?? ''
  const shown = relative(projectRoot, modulePath) || modulePath
  const lines = sourceLines(modulePath)
  const frame = firstMention(stack, modulePath)
  const specifier = missingImport(error, message, modulePath)
  const imported = specifier !== undefined && lines !== undefined ? findSpecifier(lines, specifier, frame?.line) : undefined
  if (imported) return `${shown}:${imported.line}:${imported.column}`
  // jiti's parse error ends its message with ` <path>:line:column`, the parser's (0-based) column.
  const parsed = compiled ? firstMention(message, modulePath) : undefined
  const position = parsed ? { line: parsed.line, ...(parsed.column !== undefined && { column: parsed.column + 1 }) } : frame && (compiled ? { line: frame.line } : frame)
  return position && placed(shown, lines, position)
}

/** The first `path:line[:col]` naming the module (as a file URL or a path) in `text`. */
function firstMention(text: string, modulePath: string): Position | undefined {
  for (const name of [pathToFileURL(modulePath).href, modulePath]) {
    const at = text.indexOf(`${name}:`)
    if (at === -1) continue
    const position = /^:(\d+)(?::(\d+))?/.exec(text.slice(at + name.length))
    if (position) return { line: Number(position[1]), ...(position[2] !== undefined && { column: Number(position[2]) }) }
  }
  return undefined
}

/**
 * The specifier of an import the module itself could not resolve (`Cannot find module './x.ts'`),
 * or undefined: another error, or one a module it imports raised (Node's CommonJS resolver, which
 * jiti uses, names the importing module first under `Require stack:`).
 */
function missingImport(error: unknown, message: string, modulePath: string): string | undefined {
  const code = propertyOf(error, 'code')
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return undefined
  const specifier = /^Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1]
  const requester = /\nRequire stack:\n- ([^\n]+)/.exec(message)?.[1] ?? / imported from (.+)$/m.exec(message)?.[1]
  return requester === undefined || requester === modulePath ? specifier : undefined
}

/** Where `specifier` is written as a string in the source: on `preferred` line first (the frame's), else the first one. */
function findSpecifier(lines: readonly string[], specifier: string, preferred: number | undefined): Required<Position> | undefined {
  const quoted = ["'", '"', '`'].map((q) => `${q}${specifier}${q}`)
  const columnIn = (text: string): number => Math.min(...quoted.map((q) => text.indexOf(q)).map((i) => (i === -1 ? Infinity : i)))
  const order = preferred !== undefined && preferred >= 1 && preferred <= lines.length ? [preferred - 1, ...lines.keys()] : lines.keys()
  for (const index of order) {
    const column = columnIn(lines[index]!)
    if (column !== Infinity) return { line: index + 1, column: column + 1 }
  }
  return undefined
}

/** `file:line[:col]`, the column only where the line has it; undefined for a line the source does not have. */
function placed(shown: string, lines: readonly string[] | undefined, position: Position): string | undefined {
  if (lines === undefined) return `${shown}:${position.line}${position.column !== undefined ? `:${position.column}` : ''}`
  const text = lines[position.line - 1]
  if (position.line < 1 || text === undefined) return undefined
  const inLine = position.column !== undefined && position.column >= 1 && position.column <= text.length + 1
  return `${shown}:${position.line}${inLine ? `:${position.column}` : ''}`
}

/** The module's lines, or undefined when it cannot be read (then positions are given as found). */
function sourceLines(modulePath: string): string[] | undefined {
  try {
    return readFileSync(modulePath, 'utf8').split(/\r?\n/)
  } catch {
    return undefined
  }
}
