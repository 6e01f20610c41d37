import { describe, expect, test } from 'vitest'
import { parseParamArgs } from '../../../src/runtime/params.ts'
import { pipelineFromYaml, specText } from './helpers.ts'

describe('--param values', () => {
  test('are typed by the shared type a param $refs', async () => {
    const pipeline = await pipelineFromYaml(specText('typed', { use: '' }, 'types:\n  Ratio: { type: number }\n  Flag: { $ref: "#/types/Bool" }\n  Bool: { type: boolean }\nparams:\n  r: { $ref: "#/types/Ratio" }\n  f: { $ref: "#/types/Flag" }\n'))
    expect(parseParamArgs(pipeline, ['r=0.5', 'f=true'])).toEqual({ r: 0.5, f: true })
    expect(() => parseParamArgs(pipeline, ['r=half'])).toThrow("Param 'r' must be a number, not 'half'.")
  })
})
