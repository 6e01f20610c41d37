/**
 * A fresh clone with nothing beside it must pass its own tests (issue 15): no code, test, bench or
 * script reads a path outside the repository, such as the ../shared folder of the machines it was
 * written on. The target tests read the engines' schemas from a copy kept in the repository.
 */
import { describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { SCHEMAS } from '../targets/support.ts'

const REPO = resolve('.')
const CHECKED = ['src', 'test', 'bench', 'scripts', '.ci']
const SKIPPED = new Set(['node_modules', '__snapshots__', 'fixtures', 'generated'])

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return []
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : /\.(m?[jt]s|cjs|sh|json)$|^run$/.test(entry.name) ? [path] : []
  })
}

describe('the repository is self-contained', () => {
  test('the engine schemas of the target tests are inside the repository', () => {
    expect(relative(REPO, SCHEMAS)).not.toMatch(/^\.\./)
    for (const file of ['databricks-bundle.schema.json', 'argo-workflows.schema.json', 'SOURCES.md']) expect(existsSync(join(SCHEMAS, file)), file).toBe(true)
  })

  test('the copied schemas are the bytes SOURCES.md names (size and sha256)', () => {
    const sources = readFileSync(join(SCHEMAS, 'SOURCES.md'), 'utf8')
    for (const file of ['databricks-bundle.schema.json', 'argo-workflows.schema.json']) {
      const row = sources.split('\n').find((line) => line.startsWith(`| \`${file}\``))
      const bytes = readFileSync(join(SCHEMAS, file))
      expect(row, file).toContain(`| ${bytes.length} | \`${createHash('sha256').update(bytes).digest('hex')}\` |`)
    }
  })

  test('no source, test, bench or script names a folder beside the repository', () => {
    const offenders = CHECKED.flatMap((dir) => filesUnder(join(REPO, dir)))
      .filter((file) => file !== import.meta.filename)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) => (/\.\.\/shared\//.test(line) ? [`${relative(REPO, file)}:${i + 1}: ${line.trim()}`] : [])),
      )
    expect(offenders).toEqual([])
  })
})
