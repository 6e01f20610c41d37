/**
 * The import graph of src/: every static `import`/`export … from`, `import type` and `import()` of
 * every .ts file, read with TypeScript's own pre-processor (comments and strings are not imports).
 * Used by the layering test, which asserts the directions docs/architecture.md states.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

/** One import of one file: both paths relative to the repository root, with `/` separators. */
export interface ImportEdge {
  readonly from: string
  readonly to: string
  /** The specifier as written, for messages. */
  readonly specifier: string
}

/** Every .ts file under `dir`, recursively (generated .cjs validators are not TypeScript). */
export function listSourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return listSourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** The relative imports of the files under `srcDir`, resolved to repository paths. */
export function collectImports(root: string, srcDir = join(root, 'src')): ImportEdge[] {
  const toRepoPath = (path: string): string => relative(root, path).split(sep).join('/')
  return listSourceFiles(srcDir).flatMap((file) =>
    ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
      .map((specifier) => ({ from: toRepoPath(file), to: toRepoPath(resolve(dirname(file), specifier)), specifier })),
  )
}
