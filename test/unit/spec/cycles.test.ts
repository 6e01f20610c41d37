/** The cycle rule: a quick count says whether there is a cycle; only then is each one found and described. */
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'

const HEAD = 'apiVersion: weir/v1\nkind: Pipeline\nname: cyc\n'
const check = (tasks: string) => validateSpec(`${HEAD}tasks:\n${tasks}`, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })
const codes = async (tasks: string) => (await check(tasks)).diagnostics.map((d) => d.code)

describe('cycles', () => {
  test('no cycle: a diamond of needs and data references', async () => {
    expect(await codes(`  a: { handler: ./h.ts }\n  b: { handler: ./h.ts, needs: [a] }\n  c: { handler: ./h.ts, inputs: { x: "\${{ tasks.a.output }}" } }\n  d: { handler: ./h.ts, needs: [b], inputs: { y: "\${{ tasks.c.output }}" } }\n`)).toEqual([])
  })

  test('a self-dependency or an unknown task is no cycle', async () => {
    expect(await codes(`  a: { handler: ./h.ts, needs: [a] }\n  b: { handler: ./h.ts, needs: [nope] }\n`)).toEqual(['SELF_DEPENDENCY', 'UNKNOWN_TASK'])
  })

  test('a cycle through a data reference and a needs entry, beside tasks without one, is reported once at its closing edge', async () => {
    const { diagnostics } = await check(`  a: { handler: ./h.ts }\n  b: { handler: ./h.ts, needs: [a, d] }\n  c: { handler: ./h.ts, inputs: { x: "\${{ tasks.b.output }}" } }\n  d: { handler: ./h.ts, needs: [c] }\n  e: { handler: ./h.ts, needs: [a] }\n`)
    expect(diagnostics.map((d) => [d.code, d.pointer])).toEqual([['DEPENDENCY_CYCLE', '/tasks/c/inputs/x']])
    expect(diagnostics[0]!.message).toMatch(/: (b → d → c → b|c → b → d → c|d → c → b → d) \(/)
  })

  test('two separate cycles are both reported', async () => {
    expect(await codes(`  a: { handler: ./h.ts, needs: [b] }\n  b: { handler: ./h.ts, needs: [a] }\n  c: { handler: ./h.ts, needs: [d] }\n  d: { handler: ./h.ts, needs: [c] }\n`)).toEqual(['DEPENDENCY_CYCLE', 'DEPENDENCY_CYCLE'])
  })
})

describe('an unknown upstream task gets a did-you-mean, never the task itself (that would be a cycle of one)', () => {
  test('in needs and in a reference', async () => {
    const { diagnostics } = await check('  a:\n    handler: ./h.ts#a\n    needs: [b]\n    inputs: { x: "${{ tasks.b.output }}" }\n')
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['UNKNOWN_TASK', "Task 'a' needs unknown task 'b'; declare it under 'tasks:'."],
      ['UNKNOWN_TASK', expect.stringMatching(/refers to unknown task 'b'; declare it under 'tasks:'\.$/)],
    ])
  })

  test('another task close to the name is still suggested', async () => {
    const { diagnostics } = await check('  a:\n    handler: ./h.ts#a\n    needs: [b]\n  bb:\n    handler: ./h.ts#a\n')
    expect(diagnostics[0]!.message).toBe("Task 'a' needs unknown task 'b'; did you mean 'bb'?")
  })
})
