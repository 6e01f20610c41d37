/**
 * The shape verdict from the schema's two parts (the pipeline without its tasks, then each task:
 * check-shape.ts, hasValidShape) must be the whole schema's verdict, for every document: a yes is
 * taken as is. Checked on the fixtures and on thousands of data-level mutations of them (a value
 * replaced, a key dropped or added, anywhere in the document, tasks most often).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, test } from 'vitest'
import validatePipelineShape from '../../../src/spec/generated/validate-pipeline.cjs'
import { checkShape, hasValidShape } from '../../../src/spec/check-shape.ts'
import { readBlockSpec } from '../../../src/spec/block-yaml.ts'
import { createRng, FIXTURES } from './support.ts'

const ITERATIONS = 4000

const VALUES: unknown[] = [
  null, true, 0, -1, 3, 101, 1.5, '', 'x', 'Bad-Name', '10m', 'ten', '../h.ts#run', '#bad', 'all_done', 'sometimes', 'table',
  [], ['a'], ['a', 'a'], [1], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'a'], {}, { type: 'table' }, { type: 'table', columns: { id: 'int64' } },
  { max: 2, delay: '1s' }, { max: 200 }, { items: ['a'], concurrency: 0 }, { version: 2 }, { x: 1 }, 'a'.repeat(70),
]
const KEYS = ['x', 'Task-Id', 'handler', 'needs', 'inputs', 'output', 'values', 'retries', 'timeout', 'io', 'trigger', 'cache', 'command', 'foreach', 'concat', 'description', 'extra', 'Bad-Key', 'b'.repeat(64), '1x', 'tasks', 'params', 'types', 'schedule', 'cron']

function mutate(data: unknown, rng: () => number): unknown {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!
  const copy = structuredClone(data) as Record<string, unknown>
  // Most mutations go into one task: that is where the two parts split the schema.
  let node: unknown = copy
  const tasks = copy.tasks
  // A copy of a task under another name (a good one or not): only the id's form can be wrong.
  if (rng() < 0.15 && tasks !== null && typeof tasks === 'object' && !Array.isArray(tasks) && Object.keys(tasks).length > 0) {
    ;(tasks as Record<string, unknown>)[pick(KEYS)] = structuredClone((tasks as Record<string, unknown>)[pick(Object.keys(tasks))])
    return copy
  }
  if (rng() < 0.7 && tasks !== null && typeof tasks === 'object' && !Array.isArray(tasks) && Object.keys(tasks).length > 0)
    node = rng() < 0.2 ? tasks : (tasks as Record<string, unknown>)[pick(Object.keys(tasks))]
  // Then down a few levels at random.
  for (let depth = Math.floor(rng() * 3); depth > 0 && node !== null && typeof node === 'object'; depth--) {
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const next = (node as Record<string, unknown>)[pick(keys)]
    if (next === null || typeof next !== 'object') break
    node = next
  }
  if (node === null || typeof node !== 'object') return VALUES[Math.floor(rng() * VALUES.length)]
  const target = node as Record<string, unknown>
  const keys = Object.keys(target)
  const action = rng()
  if (action < 0.45 && keys.length > 0) target[pick(keys)] = structuredClone(pick(VALUES))
  else if (action < 0.6 && keys.length > 0) delete target[pick(keys)]
  else target[pick(KEYS)] = structuredClone(pick(VALUES))
  return copy
}

const texts = [
  ...readdirSync(resolve(FIXTURES, 'valid')).map((f) => resolve(FIXTURES, 'valid', f)),
  ...readdirSync(resolve(FIXTURES, 'invalid')).map((f) => resolve(FIXTURES, 'invalid', f)),
  ...readdirSync(resolve(FIXTURES, '../../../pipelines')).filter((f) => /\.ya?ml$/.test(f)).map((f) => resolve(FIXTURES, '../../../pipelines', f)),
].map((path) => readFileSync(path, 'utf8'))

/** For a failure's message: some fixtures hold aliases that make cyclic data. */
function show(data: unknown): string {
  try {
    return JSON.stringify(data).slice(0, 2000)
  } catch {
    return String(data)
  }
}

const documents = texts.flatMap((text) => {
  try {
    return [parse(text, { uniqueKeys: false }) as unknown]
  } catch {
    return []
  }
})

describe('the shape verdict from the two parts', () => {
  test('agrees with the whole schema on every fixture, with and without the task ids the block reader knows', () => {
    expect(documents.length).toBeGreaterThan(50)
    for (const text of texts) {
      const block = readBlockSpec(text)
      if (block === undefined) continue
      expect(hasValidShape(block.data, block.taskIds), text).toBe(validatePipelineShape(block.data))
      if (block.taskIds !== undefined) expect(block.taskIds).toEqual(Object.keys(block.data.tasks as object))
    }
    for (const data of documents) expect(hasValidShape(data), show(data)).toBe(validatePipelineShape(data))
  })

  test(`agrees with the whole schema on ${ITERATIONS} mutated documents, and a no still gets the whole schema's findings`, async () => {
    const rng = createRng(20261206)
    const valid = documents.filter((d) => validatePipelineShape(d))
    let yes = 0
    for (let i = 0; i < ITERATIONS; i++) {
      let data: unknown = valid[i % valid.length]
      for (let r = 1 + Math.floor(rng() * 2); r > 0; r--) data = mutate(data, rng)
      const whole = validatePipelineShape(data)
      expect(hasValidShape(data), `iteration ${i}: ${show(data)}`).toBe(whole)
      if (whole) yes++
      else expect((await checkShape(data)).length).toBeGreaterThan(0)
    }
    // Both verdicts show up often enough to mean something.
    expect(yes).toBeGreaterThan(ITERATIONS / 10)
    expect(yes).toBeLessThan(ITERATIONS * 0.9)
  })
})
