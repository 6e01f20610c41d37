/**
 * Fuzz-style robustness: thousands of specs mutated from the valid fixtures (lines deleted,
 * indentation shifted, random keys, truncation, random characters). The RNG is seeded, so a
 * failure names the seed and iteration that reproduce it.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { DIAGNOSTIC_CODES } from '../../../src/spec/diagnostics.ts'
import { createRng, FIXTURES, testCatalog } from './support.ts'

const SEED = Number(process.env.WEIR_FUZZ_SEED ?? 20261122)
const ITERATIONS = Number(process.env.WEIR_FUZZ_ITERATIONS ?? 2000)

const NOISE = [':', ' ', '{', '}', '[', ']', '-', '#', '&', '*', '!', '"', "'", '$', '${{', '}}', '\t', '\n', '|', '>', '%', '@', '`', ',', '?', '__proto__', 'tasks', 'handler', '\u00e9', '\ud83d\ude00', '\u0000', '\r', '\r\n', '\\U00110000']
const KEYS = ['k'.repeat(1030), 'tasks', 'needs', 'inputs', 'handler', 'trigger', 'retries', 'timeout', 'io', 'params', 'types', 'schedule', 'cron', 'targets', 'output', 'values', '__proto__', 'constructor', 'x', '$ref']
const VALUES = ['[a, b]', '{}', '~', '3', '-1', '1e309', 'yes', '"${{ tasks.a.output }}"', '${{ params.x }}', '10m', 'one_failed', '"0 3 * * *"', '*anchor', '&anchor x', '!!binary aGk=', '[[[[', '{ type: table }', "'#/types/X'", '"\\U00110000"', '"\\U0010FFFF"', '"\\U80000000"', '"\\UFFFFFFFF"', `{ ${'k'.repeat(1030)}: 1 }`, '!!float 2', '!!int 3.0', '!custom foo', '!!omap [ { a: 1 } ]', '*nope']

function mutate(text: string, rng: () => number): string {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!
  const lines = text.split('\n')
  const at = Math.floor(rng() * lines.length)
  switch (Math.floor(rng() * 10)) {
    case 0: // delete a line
      lines.splice(at, 1)
      break
    case 1: // shift indentation in or out
      lines[at] = rng() < 0.5 ? '  ' + lines[at] : lines[at]!.replace(/^ {1,2}/, '')
      break
    case 2: // a random key with a random value, indented like its neighbour
      lines.splice(at, 0, `${/^\s*/.exec(lines[at] ?? '')![0]}${pick(KEYS)}: ${pick(VALUES)}`)
      break
    case 3: // truncate
      return text.slice(0, Math.floor(rng() * text.length))
    case 4: // random characters somewhere
    case 5: {
      const offset = Math.floor(rng() * text.length)
      return text.slice(0, offset) + pick(NOISE) + text.slice(offset + (rng() < 0.5 ? 1 : 0))
    }
    case 6: // duplicate a line
      lines.splice(at, 0, lines[at] ?? '')
      break
    case 7: { // swap two lines
      const other = Math.floor(rng() * lines.length)
      ;[lines[at], lines[other]] = [lines[other]!, lines[at]!]
      break
    }
    case 8: // other line endings: CRLF (Windows) or a lone CR (classic Mac OS)
      return text.replace(/\n/g, rng() < 0.5 ? '\r\n' : '\r')
    default: // replace a value
      lines[at] = (lines[at] ?? '').replace(/:\s.*$/, `: ${pick(VALUES)}`)
  }
  return lines.join('\n')
}

const sources = [
  ...readdirSync(resolve(FIXTURES, 'valid')).map((f) => resolve(FIXTURES, 'valid', f)),
  ...readdirSync(resolve(FIXTURES, '../../../pipelines')).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => resolve(FIXTURES, '../../../pipelines', f)),
].map((path) => ({ path, text: readFileSync(path, 'utf8') }))

const options = (path: string) => ({ path, plugins: testCatalog, projectRoot: resolve(FIXTURES, '../../..') })

describe('mutated specs', () => {
  test(`${ITERATIONS} mutations (seed ${SEED}) never throw, and every diagnostic points inside the file`, { timeout: 60_000 }, async () => {
    const rng = createRng(SEED)
    const codes = new Set<string>(DIAGNOSTIC_CODES)
    const seen = new Set<string>()
    for (let i = 0; i < ITERATIONS; i++) {
      const source = sources[i % sources.length]!
      let text = source.text
      const rounds = 1 + Math.floor(rng() * 3)
      for (let r = 0; r < rounds; r++) text = mutate(text, rng)
      const where = `seed ${SEED}, iteration ${i}, from ${source.path}: ${JSON.stringify(text)}`
      let result
      try {
        // Handlers are checked in the fixtures' own folder, so mutations reach that rule too.
        result = await validateSpec(text, options(source.path))
        // A clean verdict may come from the fast parser: the careful parser must agree with it.
        if (result.diagnostics.length === 0) {
          const careful = await validateSpec(text, { ...options(source.path), fastPath: false })
          if (careful.diagnostics.length > 0) throw new Error(`the fast path missed ${JSON.stringify(careful.diagnostics)}`)
        }
      } catch (error) {
        throw new Error(`validateSpec threw (${String(error)}) at ${where}`)
      }
      const lines = text.split(/\r?\n|\r/)
      for (const d of result.diagnostics) {
        seen.add(d.code)
        const ok =
          codes.has(d.code) &&
          d.line >= 1 && d.column >= 1 &&
          d.line <= lines.length + 1 &&
          d.column <= (lines[d.line - 1]?.length ?? 0) + 1 &&
          d.message.length > 0 && !/undefined|\[object Object\]/.test(d.message)
        if (!ok) throw new Error(`bad diagnostic ${JSON.stringify(d)} at ${where}`)
      }
      if (result.diagnostics.some((d) => d.severity === 'error') === (result.pipeline !== undefined))
        throw new Error(`pipeline presence disagrees with errors at ${where}`)
    }
    // The mutations reach far: shape, syntax and meaning errors all show up.
    expect([...seen]).toEqual(expect.arrayContaining(['YAML_SYNTAX', 'UNKNOWN_KEY', 'WRONG_TYPE', 'MISSING_FIELD']))
  })
})
