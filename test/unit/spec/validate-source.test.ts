/**
 * `weir execute` keeps the text and data a validation returns as a plan (cli/execute-plan-cache.ts),
 * which later processes run from instead of parsing the text: that data must be the text's data as
 * parsed, untouched by building the Pipeline from it.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseFast } from '../../../src/spec/fast-parse.ts'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'

const specs = [
  ...readdirSync('test/fixtures/pipelines/valid').map((f) => join('test/fixtures/pipelines/valid', f)),
  ...readdirSync('pipelines').map((f) => join('pipelines', f)),
].filter((f) => /\.(ya?ml|json)$/.test(f))

describe('the source a validation returns', () => {
  test.each(specs.flatMap((path) => [[path, true], [path, false]] as const))('%s (fast path: %s): the text read and its data as parsed', async (path, fastPath) => {
    const result = await validateSpecFile(path, { plugins: builtinCatalog(), checkHandlers: false, fastPath })
    expect(result.pipeline).toBeDefined()
    const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
    expect(result.source?.text).toBe(text)
    expect(JSON.stringify(result.source?.data)).toBe(JSON.stringify((await parseFast(text))?.data))
  })

  test('none beside errors', async () => {
    const invalid = readdirSync('test/fixtures/pipelines/invalid').find((f) => f.endsWith('.yaml'))!
    const result = await validateSpecFile(join('test/fixtures/pipelines/invalid', invalid), { plugins: builtinCatalog(), checkHandlers: false })
    expect(result.pipeline).toBeUndefined()
    expect(result.source).toBeUndefined()
  })
})
