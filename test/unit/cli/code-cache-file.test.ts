/** The code cache file beside a dedicated entry's bundle: whole and checked, or ignored. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
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

  test('and, for a process started with Node options, after a hash of them: each set of options has a cache of its own', () => {
    const plain = codeCachePath('/x/e.cjs', '')
    const bigHeap = codeCachePath('/x/e.cjs', '--max-old-space-size=4096')
    expect(bigHeap).toBe(`/x/e.cjs.${process.version}-${process.arch}.o${bigHeap.slice(-17, -9)}.v8-cache`)
    expect(bigHeap.slice(-17, -9)).toMatch(/^[0-9a-f]{8}$/)
    expect(codeCachePath('/x/e.cjs', '--max-old-space-size=4096')).toBe(bigHeap)
    expect(new Set([plain, bigHeap, codeCachePath('/x/e.cjs', '--max-old-space-size=4097'), codeCachePath('/x/e.cjs', '--stack-size=2000')]).size).toBe(4)
  })

  test("V8's flag hash: the same for processes with the same V8 flags, another for other V8 flags", () => {
    const hashOf = (...nodeArgs: string[]): string => {
      const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'jiti/register', '-e', `import(${JSON.stringify(resolve('src/cli/code-cache-file.ts'))}).then((m) => process.stdout.write((m.v8FlagHash ?? m.default.v8FlagHash)()))`], { encoding: 'utf8', env: { PATH: process.env.PATH } })
      expect(r.stderr).toBe('')
      return r.stdout
    }
    const plain = hashOf()
    expect(plain).toMatch(/^[0-9a-f]{8}$/)
    expect(hashOf()).toBe(plain)
    expect(hashOf('--preserve-symlinks')).toBe(plain)
    const others = [hashOf('--max-old-space-size=4096'), hashOf('--max-old-space-size=4097'), hashOf('--stack-size=2000')]
    expect(new Set([plain, ...others]).size).toBe(4)
  })

  test('writing a cache leaves at most three with Node options of the same bundle, the newest, beside the plain one; no other bundle loses one', () => {
    const name = (bundle: string, hash: string): string => `${bundle}.${process.version}-${process.arch}.o${hash}.v8-cache`
    for (const [i, hash] of ['00000001', '00000002', '00000003', '00000004', '00000005'].entries()) {
      writeFileSync(join(dir, name('e.bundle-1.cjs', hash)), 'old')
      utimesSync(join(dir, name('e.bundle-1.cjs', hash)), 1000 + i, 1000 + i)
    }
    writeFileSync(join(dir, name('v.bundle-1.cjs', '00000001')), 'other bundle')
    utimesSync(join(dir, name('v.bundle-1.cjs', '00000001')), 1, 1)
    writeFileSync(join(dir, codeCachePath('e.bundle-1.cjs', '')), 'plain, oldest of all')
    utimesSync(join(dir, codeCachePath('e.bundle-1.cjs', '')), 1, 1)
    writeCodeCache(join(dir, name('e.bundle-1.cjs', '00000009')), v8Data)
    expect(readdirSync(dir).sort()).toEqual([
      name('e.bundle-1.cjs', '00000004'),
      name('e.bundle-1.cjs', '00000005'),
      name('e.bundle-1.cjs', '00000009'),
      codeCachePath('e.bundle-1.cjs', ''),
      name('v.bundle-1.cjs', '00000001'),
    ].sort())
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
