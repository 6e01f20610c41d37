// docs/io-managers.md stays complete: every IoManager error code in its errors table, every config
// key of the built-in IoManagers in that manager's table.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { IO_ERROR_CODES } from '../../../src/plugins/io/io-error.ts'
import { builtinIo } from '../../../src/plugins/builtins.ts'

const doc = readFileSync(new URL('../../../docs/io-managers.md', import.meta.url), 'utf8')

test('documents every IoManager error code', () => {
  const table = doc.slice(doc.indexOf('## Errors'))
  expect(IO_ERROR_CODES.filter((code) => !table.includes(`| \`${code}\` |`))).toEqual([])
})

test('documents every config key of the built-in IoManagers in its own section', () => {
  for (const plugin of builtinIo) {
    const start = doc.indexOf(`\n## ${plugin.type}\n`)
    expect(start, `section for ${plugin.type}`).toBeGreaterThan(0)
    const section = doc.slice(start, doc.indexOf('\n## ', start + 1))
    const keys = Object.keys((plugin.configSchema as { properties: Record<string, unknown> }).properties)
    expect(keys.filter((key) => !section.includes(`| \`${key}\` |`)), plugin.type).toEqual([])
  }
})
