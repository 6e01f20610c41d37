import { describe, expect, test } from 'vitest'
import { resolve } from 'node:path'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'

describe('the example pipelines', () => {
  test('daily_sales is valid and resolves to a pipeline', async () => {
    const result = await validateSpecFile(resolve('pipelines/daily_sales.yaml'), { plugins: builtinCatalog() })
    expect(result.diagnostics).toEqual([])
    expect(result.pipeline?.order).toEqual(['extract', 'summarize', 'publish', 'alert'])
  })
})
