/**
 * Links a user follows must exist (issue 15). Messages, help texts and the schema name docs pages
 * (`see docs/targets.md`): each such page exists, and so does its `#anchor`. The docs ship in the
 * npm package but weir's sources do not, so a page that names a source file says it is weir's
 * source (in the repository), never as if it were in the user's install.
 */
import { describe, expect, test } from 'vitest'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const NAMING = ['src', 'schema', 'scripts', 'bin']

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : /\.(m?[jt]s|cjs|json)$/.test(entry.name) ? [path] : []
  })
}

/** GitHub's heading anchors of a page (lower case, punctuation dropped, spaces to hyphens). */
function anchorsOf(page: string): Set<string> {
  const text = readFileSync(page, 'utf8').replace(/^```[\s\S]*?^```/gm, '')
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.*?)\s*$/gm)].map((m) =>
      m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'),
    ),
  )
}

describe('docs pages named outside the docs', () => {
  test('every docs/<page>.md#anchor that code, the schema, scripts or bin/ name exists', () => {
    const broken: string[] = []
    for (const file of NAMING.flatMap(filesUnder)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/docs\/([\w-]+\.md)(?:#([\w-]+))?/g)) {
        const page = join('docs', m[1]!)
        if (!existsSync(page)) broken.push(`${relative('.', file)}: ${m[0]} (no such page)`)
        else if (m[2] !== undefined && !anchorsOf(page).has(m[2])) broken.push(`${relative('.', file)}: ${m[0]} (no such heading)`)
      }
    }
    expect(broken).toEqual([])
  })

  test("a page that names one of weir's source files says it is weir's source", () => {
    const unmarked: string[] = []
    // architecture.md is the contributors' map of the source: every path on it is weir's source.
    for (const page of readdirSync('docs').filter((f) => f.endsWith('.md') && f !== 'architecture.md').map((f) => join('docs', f))) {
      const lines = readFileSync(page, 'utf8').split('\n')
      lines.forEach((line, i) => {
        const named = [...line.matchAll(/`(src\/[\w./-]+\.ts)`/g)].map((m) => m[1]!).filter((path) => existsSync(path))
        // The words may end the line before (text is wrapped).
        if (named.length > 0 && !/weir's\s+source/.test(`${lines[i - 1] ?? ''} ${line}`)) unmarked.push(`${page}:${i + 1}: ${named.join(', ')}`)
      })
    }
    expect(unmarked).toEqual([])
  })
})
