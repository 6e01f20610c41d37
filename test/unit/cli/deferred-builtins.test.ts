/** The require that defers some built-in modules to their first use (src/cli/deferred-builtins.ts), which jiti's core is loaded with. */
import { createRequire } from 'node:module'
import { describe, expect, test } from 'vitest'
import { deferBuiltins } from '../../../src/cli/deferred-builtins.ts'

/** A require that counts what it loads. */
function countingRequire() {
  const loads: string[] = []
  const require = (id: string) => {
    loads.push(id)
    return { id, add: (a: number, b: number) => a + b }
  }
  return { loads, require }
}

describe('deferBuiltins', () => {
  test('loads a deferred module at its first use, once; others at once', () => {
    const { loads, require } = countingRequire()
    const defer = deferBuiltins(require, ['node:assert'])
    const deferred = defer('node:assert') as { id: string; add(a: number, b: number): number }
    expect(loads).toEqual([])
    defer('node:os')
    expect(loads).toEqual(['node:os'])
    expect(deferred.add(2, 3)).toBe(5)
    expect(deferred.id).toBe('node:assert')
    expect(loads).toEqual(['node:os', 'node:assert'])
  })

  test("answers __esModule (read by bundlers' import helpers) without loading", () => {
    const { loads, require } = countingRequire()
    const deferred = deferBuiltins(require, ['node:tty'])('node:tty') as { __esModule?: boolean }
    expect(deferred.__esModule).toBeUndefined()
    expect(loads).toEqual([])
    expect('add' in (deferred as object)).toBe(true)
    expect(loads).toEqual(['node:tty'])
  })

  test('node:assert deferred still asserts, called as a function and through its methods', () => {
    const assert = deferBuiltins(createRequire(import.meta.url), ['node:assert'])('node:assert') as typeof import('node:assert')
    expect(() => assert(false, 'called')).toThrow(expect.objectContaining({ name: 'AssertionError', message: 'called' }))
    expect(() => assert.ok(0, 'ok failed')).toThrow(expect.objectContaining({ code: 'ERR_ASSERTION', message: 'ok failed' }))
    expect(() => assert.ok(1)).not.toThrow()
  })

  test('node:fs/promises deferred reads files', async () => {
    const fs = deferBuiltins(createRequire(import.meta.url), ['node:fs/promises'])('node:fs/promises') as typeof import('node:fs/promises')
    expect(await fs.readFile(new URL(import.meta.url), 'utf8')).toContain('deferBuiltins')
  })
})
