/** The code cache file beside a dedicated entry's bundle: whole and checked, or ignored. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Script } from 'node:vm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { codeCachePath, readCodeCache, writeCodeCache } from '../../../src/cli/code-cache-file.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-code-cache-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const SOURCE = '(function () { return [1, 2, 3].map((n) => n * 2) })'
const v8Data = (): Buffer => {
  const script = new Script(SOURCE)
  ;(script.runInThisContext() as () => number[])()
  return script.createCachedData()
}

describe('code cache file', () => {
  test('is named after the bundle, the Node version and the architecture', () => {
    expect(codeCachePath('/x/execute.bundle-abc.cjs', '')).toBe(`/x/execute.bundle-abc.cjs.${process.version}-${process.arch}.v8-cache`)
  })

  test("and, for a process started with Node options, after a hash of them: each set of options has a cache of its own", () => {
    const plain = codeCachePath('/x/e.cjs', '')
    const withStack = codeCachePath('/x/e.cjs', '--stack-size=2000')
    expect(withStack).toMatch(new RegExp(`^/x/e\\.cjs\\.${process.version.replace(/\./g, '\\.')}-${process.arch}\\.o[0-9a-f]{8}\\.v8-cache$`))
    expect(withStack).toBe(codeCachePath('/x/e.cjs', '--stack-size=2000'))
    expect(new Set([plain, withStack, codeCachePath('/x/e.cjs', '--stack-size=2001'), codeCachePath('/x/e.cjs', '--max-old-space-size=4096')]).size).toBe(4)
  })

  test('reads back the data it wrote, which V8 accepts', () => {
    const path = join(dir, 'b.v8-cache')
    const made = v8Data()
    writeCodeCache(path, () => made)
    const data = readCodeCache(path)
    expect(data).toEqual(made)
    expect(new Script(SOURCE, { cachedData: data }).cachedDataRejected).toBe(false)
    expect(readdirSync(dir)).toEqual(['b.v8-cache'])
  })

  test('a missing file, a damaged byte, a truncated file or another format is no cache', () => {
    const path = join(dir, 'b.v8-cache')
    expect(readCodeCache(path)).toBeUndefined()
    writeCodeCache(path, v8Data)
    const whole = readFileSync(path)
    const damaged = Buffer.from(whole)
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 10) ^ 0xff, damaged.length - 10)
    for (const bytes of [damaged, whole.subarray(0, whole.length - 1), whole.subarray(0, 30), Buffer.alloc(0), Buffer.concat([Buffer.from('another format\n'), whole])]) {
      writeFileSync(path, bytes)
      expect(readCodeCache(path)).toBeUndefined()
    }
  })

  test('where the file cannot be written there is no cache, and the data is not even made', () => {
    let made = false
    writeCodeCache(join(dir, 'missing-folder/b.v8-cache'), () => {
      made = true
      return Buffer.from('x')
    })
    expect(made).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  test('a failure while writing leaves neither a cache nor a temporary file', () => {
    writeCodeCache(join(dir, 'b.v8-cache'), () => {
      throw new Error('serialising failed')
    })
    expect(readdirSync(dir)).toEqual([])
  })
})
