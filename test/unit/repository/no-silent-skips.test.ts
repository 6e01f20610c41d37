/**
 * No test skips silently (issue 15): a test that needs a service goes through
 * describeIfAvailable (test/support/services.ts), and any other skip carries `(skipped: <reason>)`
 * in its name on the same line, which the summary reporter prints.
 */
import { expect, test } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'fixtures' || entry.name === 'node_modules') return []
    const path = join(dir, entry.name)
    return entry.isDirectory() ? testSources(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

test('every skip in the tests names its reason', () => {
  const silent = testSources('test')
    // test/support/services.ts is where the reasons are written.
    .filter((file) => !file.startsWith(join('test', 'support')))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\b(describe|test|it)(\.\w+)*\.(skip|skipIf|runIf|todo)\s*\(/.test(line) && !line.includes('(skipped: ') ? [`${relative('.', file)}:${i + 1}: ${line.trim()}`] : [])),
    )
  expect(silent).toEqual([])
})
