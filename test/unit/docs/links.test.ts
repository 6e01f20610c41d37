import { describe, expect, test } from 'vitest'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

// Every relative link between the docs resolves: to a file that exists and, with '#anchor', to a
// heading in it. Links into code (```…```) are ignored; web links are not fetched (no network).
const DOCS = resolve('docs')
const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f))
const sources = [...pages, resolve('README.md')].filter((f) => existsSync(f))

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, duplicates numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const base = heading[1]!
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}

function withoutFences(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '')
}

function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '``')
}

function linksOf(markdown: string): string[] {
  const text = withoutCode(markdown)
  const inline = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!)
  const defined = [...text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!)
  return [...inline, ...defined]
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target)

describe('links in the docs', () => {
  test('there are docs to check', () => {
    expect(pages.length).toBeGreaterThan(0)
  })

  test.each(sources.map((file) => [relative(resolve('.'), file), file]))('%s links only to pages and headings that exist', (_name, file) => {
    const markdown = readFileSync(file, 'utf8')
    const broken: string[] = []
    for (const target of linksOf(markdown)) {
      if (isExternal(target)) continue
      const [path, anchor] = target.split('#') as [string, string | undefined]
      const destination = path === '' ? file : resolve(dirname(file), decodeURIComponent(path))
      if (!existsSync(destination)) {
        broken.push(`${target}: no file ${relative(resolve('.'), destination)}`)
        continue
      }
      if (anchor !== undefined && destination.endsWith('.md') && !anchorsOf(readFileSync(destination, 'utf8')).has(anchor))
        broken.push(`${target}: no heading '#${anchor}' in ${relative(resolve('.'), destination)}`)
    }
    expect(broken).toEqual([])
  })

  test('the index links every page', () => {
    const index = readFileSync(join(DOCS, 'README.md'), 'utf8')
    const linked = new Set(linksOf(index).map((t) => t.split('#')[0]))
    const missing = pages.map((p) => relative(DOCS, p)).filter((p) => p !== 'README.md' && !linked.has(p))
    expect(missing).toEqual([])
  })
})
