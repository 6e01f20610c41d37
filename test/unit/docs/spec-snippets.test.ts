/**
 * The docs' examples work when followed literally (issue 15). Every YAML block of docs/*.md and
 * README.md that is a whole spec (`apiVersion:` and `kind: Pipeline`) is validated as
 * `weir spec validate` would, in a project laid out as the docs say: the repository's handlers/,
 * overlaid by the files the same page writes out (a block whose first line is `# path` or `// path`).
 * It must have no diagnostic at all. An error shown for such a spec (`path:line:col: error CODE: …`
 * with the offending line quoted) must be what weir reports when that one line is changed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { runPipeline } from '../../../src/run-with-builtins.ts'

/** Failures that say a handler and its spec disagree (the page's mistake), not that the handler failed on purpose. */
const CONTRACT_CODES = /^\S+: (VALUE_UNDECLARED|VALUE_INVALID|VALUE_TOO_LARGE|OUTPUT_INVALID|OUTPUT_PATH_ON_TABLE|HANDLER_NOT_FOUND|HANDLER_NOT_A_FUNCTION|HANDLER_OUTSIDE_PROJECT|HANDLER_SYNTAX_ERROR|INPUT_UNAVAILABLE|PARAM_INVALID) /

interface Block {
  readonly lang: string
  readonly text: string
  /** The file the page says the block is (its first line `# path` or `// path`), if any. */
  readonly path?: string
}

const PAGES = [...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f)), 'README.md']

function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([\w-]*)\n([\s\S]*?)^```/gm)].map((m) => {
    const text = m[2]!
    const path = /^(?:#|\/\/) ([\w.-]+(?:\/[\w.-]+)+\.\w+)\s*$/m.exec(text.split('\n')[0]!)?.[1]
    return { lang: m[1]!, text, ...(path !== undefined && { path }) }
  })
}

const isFullSpec = (block: Block): boolean => /^ya?ml$/.test(block.lang) && /^apiVersion:/m.test(block.text) && /^kind: Pipeline\s*$/m.test(block.text)

/** A documented diagnostic: `path:line:col: error CODE: message`, then the quoted source line. */
interface ShownError {
  readonly path: string
  readonly line: number
  readonly column: number
  readonly code: string
  readonly message: string
  /** The source line as the page quotes it (`NN | text`). */
  readonly source: string
}

function shownErrorsOf(block: Block): ShownError[] {
  const found: ShownError[] = []
  for (const m of block.text.matchAll(/^(\S+):(\d+):(\d+): (?:error|warning) ([A-Z_]+): (.+)\n\s*\|\n\s*(\d+) \| (.*)$/gm)) {
    if (m[2] !== m[6]) throw new Error(`the page quotes line ${m[6]} under a diagnostic at line ${m[2]}: ${m[0]}`)
    found.push({ path: m[1]!, line: Number(m[2]), column: Number(m[3]), code: m[4]!, message: m[5]!, source: m[7]! })
  }
  return found
}

const pages = PAGES.map((page) => ({ page, blocks: blocksOf(readFileSync(page, 'utf8')) })).filter(({ blocks }) => blocks.some(isFullSpec))

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weir-doc-specs-'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** A project for one page: package.json, the repository's handlers/, then the page's own files. */
function projectFor(page: string, blocks: Block[]): string {
  const dir = join(root, basename(page, '.md'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{ "name": "docs-example", "type": "module" }\n')
  cpSync(resolve('handlers'), join(dir, 'handlers'), { recursive: true })
  for (const block of blocks) {
    if (block.path === undefined || block.path.split('/').includes('..')) continue
    mkdirSync(dirname(join(dir, block.path)), { recursive: true })
    writeFileSync(join(dir, block.path), block.text)
  }
  return dir
}

async function diagnosticsOf(file: string) {
  return (await validateSpecFile(file, { plugins: builtinCatalog() })).diagnostics.map((d) => ({ severity: d.severity, code: d.code, line: d.line, column: d.column, message: d.message }))
}

describe('the full specs in the docs', () => {
  test('there are some', () => {
    expect(pages.map((p) => p.page)).toContain('docs/getting-started.md')
  })

  describe.each(pages)('$page', ({ page, blocks }) => {
    const specs = blocks.filter(isFullSpec).map((block, i) => ({ block, file: block.path ?? `pipelines/${basename(page, '.md')}_${i + 1}.yaml` }))

    test.each(specs.map((s) => ({ ...s, name: s.file })))('$name is valid, with the handlers it names present', async ({ file }) => {
      const dir = projectFor(page, blocks)
      const path = join(dir, file)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, specs.find((s) => s.file === file)!.block.text)
      expect(await diagnosticsOf(path)).toEqual([])
    })

    // Valid is not enough: the handlers a page names must do what its spec declares (a value the
    // handler sets is declared, its output fits the declared schema). Specs that need a cloud bucket are left out.
    const runnable = specs.filter((s) => !/type: gcs\b/.test(s.block.text))
    if (runnable.length > 0)
      test.each(runnable.map((s) => ({ ...s, name: s.file })))('$name runs without a task failing on the contract between spec and handler', async ({ file }) => {
        const dir = projectFor(page, blocks)
        const path = join(dir, file)
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, specs.find((s) => s.file === file)!.block.text)
        const { pipeline } = await validateSpecFile(path, { plugins: builtinCatalog() })
        const result = await runPipeline(pipeline!, { stateDir: join(dir, '.weir'), history: false })
        const failed = Object.entries(result.tasks).filter(([, t]) => t.status === 'failed').map(([id, t]) => `${id}: ${t.error?.code} ${t.error?.message}`)
        expect(failed.filter((f) => CONTRACT_CODES.test(f))).toEqual([])
      }, 30_000)

    const shown = blocks.flatMap(shownErrorsOf).filter((e) => specs.some((s) => s.file === e.path))
    if (shown.length > 0)
      test.each(shown.map((e) => ({ ...e, name: `${e.path}:${e.line}:${e.column} ${e.code}` })))('the error shown, $name, is what weir reports', async (shownError) => {
        const dir = projectFor(page, blocks)
        const lines = specs.find((s) => s.file === shownError.path)!.block.text.split('\n')
        expect(lines.length, `the spec has no line ${shownError.line}`).toBeGreaterThanOrEqual(shownError.line)
        lines[shownError.line - 1] = shownError.source
        const path = join(dir, shownError.path)
        writeFileSync(path, lines.join('\n'))
        expect(await diagnosticsOf(path)).toContainEqual({ severity: 'error', code: shownError.code, line: shownError.line, column: shownError.column, message: shownError.message })
      })
  })
})
