/** The code cache a command of the main CommonJS entry uses: one per command, from a fixed list. */
import { describe, expect, test } from 'vitest'
import { mainCacheName } from '../../../src/cli/main-cache-name.ts'
import { COMMANDS } from '../../../src/cli/commands.ts'

describe('mainCacheName', () => {
  test('every command the main entry runs has a cache of its own, named by its first word', () => {
    // bin/weir.js sends codegen and init to the ES module entry, which keeps no code cache.
    const words = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))].filter((w) => w !== 'codegen' && w !== 'init')
    expect(words.length).toBeGreaterThan(5)
    for (const word of words) expect(mainCacheName([word, 'x.yaml'])).toBe(word)
    expect(mainCacheName(['help', 'runs'])).toBe('help')
  })

  test('--debug is skipped; anything else a user types is "other", never a file name of its own', () => {
    expect(mainCacheName(['--debug', 'graph', 'p.yaml'])).toBe('graph')
    for (const typed of [[], ['grpah'], ['../../etc/passwd'], ['--version'], ['codegen'], ['init', 'demo']]) expect(mainCacheName(typed)).toBe('other')
  })
})
