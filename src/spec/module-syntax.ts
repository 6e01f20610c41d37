/**
 * Syntax errors in handler modules, found without running them. es-module-lexer reads JavaScript and
 * erasable TypeScript (types, generics, `satisfies`, decorators and enums lex fine); as a lexer it
 * catches what breaks its tokens and brackets (an unclosed string, template or bracket, a bracket too
 * many), not every grammar error. It never reads JSX text, so `.tsx`/`.jsx` modules are not checked.
 */
import type * as EsModuleLexer from 'es-module-lexer'
import { createLineIndex } from './line-index.ts'

/** Where a module stops parsing, 1-based, and why in a few words. */
export interface ModuleSyntaxError {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly reason: string
}

let lexer: typeof EsModuleLexer | undefined

/**
 * Loads the lexer (WebAssembly, compiled once per process); until then modules are not checked for
 * syntax errors. The handler rule loads it before it reads any module.
 */
export async function loadModuleLexer(): Promise<void> {
  if (lexer) return
  const loaded = await import('es-module-lexer')
  await loaded.init
  lexer = loaded
}

/** The first syntax error the lexer finds in a module's code, or undefined (also when it cannot tell). */
export function findSyntaxError(file: string, code: string): ModuleSyntaxError | undefined {
  if (!lexer || /\.[cm]?[jt]sx$/i.test(file)) return undefined
  try {
    lexer.parse(code)
    return undefined
  } catch (error) {
    const at = (error as { idx?: unknown }).idx
    // Only a parse error of the lexer says something about the code; anything else is not the module's fault.
    if (typeof at !== 'number') return undefined
    return locate(file, code, at)
  }
}

function locate(file: string, code: string, at: number): ModuleSyntaxError {
  const char = code[at]
  // The lexer reports brackets (or a template) still open at the end of the file at offset 0.
  const atEnd = at >= code.length || (at === 0 && !isCloser(char))
  const offset = atEnd ? code.length : at
  const { line, col } = createLineIndex(code).linePos(offset)
  const reason = atEnd
    ? 'the file ends before a bracket, string or template opened earlier is closed'
    : isCloser(char)
      ? `'${char}' has no matching opening bracket (check the brackets before it)`
      : char === '\n' || char === '\r'
        ? 'a string or regular expression is not closed on this line'
        : 'the code cannot be read as JavaScript or TypeScript here'
  return { file, line, column: col, reason }
}

function isCloser(char: string | undefined): boolean {
  return char === '}' || char === ')' || char === ']'
}
