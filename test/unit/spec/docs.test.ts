/** The docs stay complete: every diagnostic code in docs/errors.md, every schema property in docs/spec.md. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DIAGNOSTIC_CODES } from '../../../src/spec/diagnostics.ts'
import schema from '../../../schema/pipeline.schema.json' with { type: 'json' }
import { listSchemaProperties } from './support.ts'

const docs = (name: string): string => readFileSync(resolve(import.meta.dirname, '../../../docs', name), 'utf8')

describe('docs/errors.md', () => {
  const text = docs('errors.md')
  const sections = [...text.matchAll(/^### ([A-Z][A-Z_]+)\n([\s\S]*?)(?=^##)/gm)].map((m) => ({ code: m[1]!, body: m[2]! }))
  const lastSection = /^### ([A-Z][A-Z_]+)\n([\s\S]*)$/m.exec(text.slice(text.lastIndexOf('\n### ') + 1))
  if (lastSection) sections.push({ code: lastSection[1]!, body: lastSection[2]! })

  test('documents every diagnostic code', () => {
    const documented = new Set(sections.map((s) => s.code))
    expect(DIAGNOSTIC_CODES.filter((code) => !documented.has(code))).toEqual([])
  })

  test('documents no code that does not exist, and each once', () => {
    const codes = new Set<string>(DIAGNOSTIC_CODES)
    expect(sections.map((s) => s.code).filter((code) => !codes.has(code))).toEqual([])
    expect(sections.length).toBe(new Set(sections.map((s) => s.code)).size)
  })

  test('every section has a meaning, an example diagnostic with its code, and a fix', () => {
    for (const { code, body } of sections) {
      expect(body.trim().split('\n')[0]!.length, `${code}: meaning`).toBeGreaterThan(20)
      expect(body, `${code}: example`).toMatch(new RegExp(`(error|warning) ${code}: `))
      expect(body, `${code}: fix`).toContain('**Fix:**')
    }
  })

  test('the table of contents lists every code', () => {
    const toc = text.slice(0, text.indexOf('## Reading the file'))
    expect(DIAGNOSTIC_CODES.filter((code) => !toc.includes(code))).toEqual([])
  })
})

describe('docs/spec.md', () => {
  const text = docs('spec.md')

  test('mentions every property of the schema by its path', () => {
    const paths = new Set(listSchemaProperties(schema).map((p) => toDocPath(p.path)))
    expect([...paths].filter((path) => !text.includes(`\`${path}\``))).toEqual([])
  })
})

/** `/tasks/*\/retries/max` → `tasks.<id>.retries.max`, the way docs/spec.md writes paths. */
function toDocPath(pointer: string): string {
  const parts = pointer.split('/').filter(Boolean)
  const out: string[] = []
  parts.forEach((part, i) => {
    if (part !== '*') return out.push(part)
    const parent = parts[i - 1]
    out.push(parent === 'tasks' ? '<id>' : parent === 'io' ? '<name>' : parent === 'columns' ? '<column>' : '<name>')
  })
  return out.join('.')
}
