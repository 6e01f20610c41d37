import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { runPipeline } from '../../../src/run-with-builtins.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('runPipeline with history: false', () => {
  it('runs every task and writes nothing under the state dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-no-history-'))
    dirs.push(dir)
    mkdirSync(join(dir, 'handlers'))
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(dir, 'handlers/steps.js'), 'export const one = (_i, ctx) => { ctx.log.info("hi"); return 1 }\nexport const two = ({ x }) => x + 1\n')
    writeFileSync(
      join(dir, 'spec.yaml'),
      'apiVersion: weir/v1\nkind: Pipeline\nname: p\nio: { mem: { type: memory } }\ndefaults: { io: mem }\ntasks:\n  one: { handler: ./handlers/steps.js#one }\n  two: { handler: ./handlers/steps.js#two, inputs: { x: "${{ tasks.one.output }}" } }\n',
    )
    const { pipeline, diagnostics } = await validateSpecFile(join(dir, 'spec.yaml'), { plugins: builtinCatalog() })
    expect(diagnostics).toEqual([])
    const stateDir = join(dir, '.weir')
    const result = await runPipeline(pipeline!, { stateDir, history: false })
    expect(result.status).toBe('succeeded')
    expect(Object.values(result.tasks).map((t) => t.status)).toEqual(['succeeded', 'succeeded'])
    expect(existsSync(join(stateDir, 'runs'))).toBe(false)
  })
})
