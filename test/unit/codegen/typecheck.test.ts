/**
 * `spec validate --typecheck` (typecheckPipelines): handler modules compiled against freshly
 * generated types, with diagnostics at the handler's file:line:col and at the spec's YAML.
 * Every case is a copy of the shop fixture in its own folder of one project, and all of them are
 * checked in one call, so the compiler builds one program for the whole file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { typecheckPipelines } from '../../../src/codegen/typecheck.ts'
import { generateTypes } from '../../../src/codegen/generate-types.ts'
import type { Diagnostic } from '../../../src/spec/diagnostics.ts'
import { CODEGEN_FIXTURES, copyFixtureProject, loadPipeline } from './support.ts'

const TYPED_OK = `import { tableFromArrays } from 'apache-arrow'
import type { Handlers } from '../generated/shop.ts'
export const extract: Handlers['extract'] = () =>
  tableFromArrays({ order_id: BigInt64Array.from([1n]), amount: Float64Array.from([1]), country: ['DE'] })
export const summarize: Handlers['summarize'] = async (inputs, ctx) => {
  ctx.values.set('row_count', inputs.orders.numRows)
  return { total: 1, count: 1 }
}
export const publish: Handlers['publish'] = async (inputs) => ({ url: inputs.label })
`
const PUBLISH_TYPED = "export const publish: Handlers['publish'] = async (inputs) => ({ url: inputs.label })"

/** Case name → replacement handler modules (`typed.ts`, `plain.ts`); the fixture's own when absent. */
const CASES: Record<string, { typed?: string; plain?: string; staleTypes?: boolean }> = {
  fixture: {},
  untyped: {
    plain: 'export async function notify(inputs, ctx) { ctx.log.error(String(inputs)) }\nexport const audit = async (inputs) => inputs.anything.goes\n',
  },
  // An evolving array (`const rows = []`, then push) is number[] for the project's own tsc, as long
  // as noImplicitAny stays on: with it off, strict null checks make it never[] and push fails.
  evolvingArray: {
    plain: 'export async function notify() {}\nexport async function audit() {\n  const rows = []\n  for (let i = 0; i < 3; i++) rows.push(i)\n  return rows\n}\n',
  },
  unknownInput: { typed: TYPED_OK.replace('inputs.orders.numRows', 'inputs.ordrs') },
  wrongOutput: { typed: TYPED_OK.replace('return { total: 1, count: 1 }', "return { total: 'one', count: 1 }") },
  undeclaredValue: { typed: TYPED_OK.replace("ctx.values.set('row_count'", "ctx.values.set('rows'") },
  plainUnknownInput: {
    typed: TYPED_OK.replace(PUBLISH_TYPED, 'export async function publish(inputs: { label: string; lable: string }) {\n  return { url: inputs.lable }\n}'),
  },
  plainWrongShape: { typed: TYPED_OK.replace(PUBLISH_TYPED, 'export async function publish() {\n  return { link: 1 }\n}') },
  plainAssumesMore: {
    plain: `interface Published { url: string; at?: string | null }
export async function notify(): Promise<void> {}
export async function audit(inputs: { published: Published; when: string | null }, ctx: { runId: string; params: Record<string, unknown> }) {
  return inputs.published.url + ctx.runId + String(ctx.params.mode)
}
`,
  },
  staleTypesOnDisk: { staleTypes: true },
  // An error inside publish's handler that names summarize's output type: publish's, not summarize's.
  otherTasksType: {
    typed: TYPED_OK.replace("import type { Handlers } from '../generated/shop.ts'", "import type { Handlers, SummarizeOutput } from '../generated/shop.ts'").replace(
      PUBLISH_TYPED,
      "export const publish: Handlers['publish'] = async (inputs) => {\n  const copy: SummarizeOutput = { total: 1 }\n  return { url: inputs.label + String(copy.count) }\n}",
    ),
  },
}

let project: { dir: string; remove: () => Promise<void> }
let found: Map<string, Diagnostic[]>

beforeAll(async () => {
  project = await copyFixtureProject('shop')
  const pipelines = []
  for (const [name, change] of Object.entries(CASES)) {
    const dir = join(project.dir, name)
    await cp(join(CODEGEN_FIXTURES, 'shop/pipelines'), join(dir, 'pipelines'), { recursive: true })
    await cp(join(CODEGEN_FIXTURES, 'shop/handlers'), join(dir, 'handlers'), { recursive: true })
    const pipeline = await loadPipeline(join(dir, 'pipelines/shop.yaml'))
    const types = (await generateTypes(pipeline)).contents
    await mkdir(join(dir, 'generated'))
    await writeFile(join(dir, 'generated/shop.ts'), change.staleTypes ? types.replace('row_count: number;', 'rows: number;') : types)
    if (change.typed !== undefined) await writeFile(join(dir, 'handlers/typed.ts'), change.typed)
    if (change.plain !== undefined) await writeFile(join(dir, 'handlers/plain.ts'), change.plain)
    pipelines.push(pipeline)
  }
  found = await typecheckPipelines(pipelines)
})

afterAll(async () => {
  await project?.remove()
})

function inCase(name: string, file: string): Diagnostic[] {
  return found.get(join(project.dir, name, file)) ?? []
}

function allOf(name: string): Diagnostic[] {
  return [...found].filter(([file]) => file.startsWith(join(project.dir, name) + '/')).flatMap(([, d]) => d)
}

describe('typecheckPipelines', () => {
  test('finds nothing in the fixture, whose handlers are typed (typed.ts) and plain (plain.ts)', () => {
    expect(allOf('fixture')).toEqual([])
  })

  test('untyped handlers (no annotations at all) never fail, even under a strict tsconfig', () => {
    expect(allOf('untyped')).toEqual([])
  })

  test('an untyped evolving array is inferred as the project\'s tsc infers it (noImplicitAny kept, its reports filtered)', () => {
    expect(allOf('evolvingArray')).toEqual([])
  })

  test("an error inside one task's handler that names another task's type is not blamed on that other task", () => {
    expect(inCase('otherTasksType', 'handlers/typed.ts')).toEqual([expect.objectContaining({ code: 'HANDLER_TYPE_ERROR', line: 10 })])
    expect(inCase('otherTasksType', 'pipelines/shop.yaml').filter((d) => d.pointer.startsWith('/tasks/summarize'))).toEqual([])
  })

  test('an error inside a typed handler points at the handler, and at the YAML when a declared type is involved', () => {
    expect(inCase('unknownInput', 'handlers/typed.ts')).toEqual([
      expect.objectContaining({ code: 'HANDLER_TYPE_ERROR', line: 6, column: 38, message: "Property 'ordrs' does not exist on type 'SummarizeInputs'. Did you mean 'orders'? (TS2551)" }),
    ])
    expect(inCase('unknownInput', 'pipelines/shop.yaml')).toEqual([
      expect.objectContaining({
        code: 'HANDLER_TYPE_ERROR', pointer: '/tasks/summarize/inputs', line: 25, column: 7,
        message: expect.stringMatching(/^The handler of task 'summarize' does not type-check against what this spec declares \(.*handlers\/typed\.ts:6:38\): Property 'ordrs'/),
      }),
    ])
  })

  test("a typed handler returning the wrong output is pointed at the task's output: in the YAML, not at its inputs", () => {
    // The compiler prints the whole handler type, whose parameter names the inputs type too; the
    // mismatch itself is in the output, named last.
    expect(inCase('wrongOutput', 'pipelines/shop.yaml')).toEqual([
      expect.objectContaining({ code: 'HANDLER_TYPE_ERROR', pointer: '/tasks/summarize/output', message: expect.stringContaining("Types of property 'total' are incompatible") }),
    ])
  })

  test('setting an undeclared value is an error in the handler file', () => {
    expect(inCase('undeclaredValue', 'handlers/typed.ts')).toEqual([
      expect.objectContaining({ code: 'HANDLER_TYPE_ERROR', line: 6, column: 18, message: expect.stringContaining("'keyof SummarizeValues'") }),
    ])
  })

  test('a plain handler that reads an input the spec does not bind does not match its task', () => {
    expect(inCase('plainUnknownInput', 'handlers/typed.ts')).toEqual([
      expect.objectContaining({ code: 'HANDLER_SIGNATURE_MISMATCH', pointer: '/tasks/publish', line: 9, column: 23, message: expect.stringContaining("Property 'lable' is missing") }),
    ])
    expect(inCase('plainUnknownInput', 'pipelines/shop.yaml')).toEqual([
      expect.objectContaining({ code: 'HANDLER_SIGNATURE_MISMATCH', pointer: '/tasks/publish/handler', line: 30, column: 14, message: expect.stringContaining('handlers/typed.ts:9:23') }),
    ])
  })

  test('a plain handler that returns the wrong shape does not match its task', () => {
    expect(inCase('plainWrongShape', 'handlers/typed.ts')).toEqual([
      expect.objectContaining({ code: 'HANDLER_SIGNATURE_MISMATCH', line: 9, column: 23, message: expect.stringContaining("Property 'url' is missing") }),
    ])
  })

  test('a plain handler may assume more than a loosely typed input says, and ignore undefined', () => {
    expect(allOf('plainAssumesMore')).toEqual([])
  })

  test('stale generated files on disk are replaced by fresh types while checking', () => {
    expect(allOf('staleTypesOnDisk')).toEqual([])
  })
})

describe('typecheckPipelines without a tsconfig.json', () => {
  test('uses strict defaults that still let untyped handlers pass, and finds real mismatches', async () => {
    const noConfig = await copyFixtureProject('shop')
    try {
      await rm(join(noConfig.dir, 'tsconfig.json'))
      const spec = join(noConfig.dir, 'pipelines/shop.yaml')
      await mkdir(join(noConfig.dir, 'generated'))
      await writeFile(join(noConfig.dir, 'generated/shop.ts'), (await generateTypes(await loadPipeline(spec))).contents)
      await writeFile(
        join(noConfig.dir, 'handlers/plain.ts'),
        'export async function notify(inputs, ctx) { const rows = []; rows.push(1); return void rows }\nexport async function audit(inputs: { published: { uri: string } }) { return inputs.published.uri }\n',
      )
      const result = await typecheckPipelines([await loadPipeline(spec)])
      expect(result.get(join(noConfig.dir, 'handlers/plain.ts'))).toEqual([
        expect.objectContaining({ code: 'HANDLER_SIGNATURE_MISMATCH', line: 2, column: 23, message: expect.stringContaining("'audit'") }),
      ])
      expect(result.get(join(noConfig.dir, 'handlers/typed.ts'))).toBeUndefined()
    } finally {
      await noConfig.remove()
    }
  })
})

describe('typecheckPipelines without TypeScript', () => {
  test('reports TYPECHECK_UNAVAILABLE on each spec instead of failing', async () => {
    const pipeline = await loadPipeline(join(CODEGEN_FIXTURES, 'shop/pipelines/shop.yaml'))
    const result = await typecheckPipelines([pipeline], { loadTypeScript: async () => undefined })
    expect([...result]).toEqual([
      [pipeline.sourcePath, [expect.objectContaining({ code: 'TYPECHECK_UNAVAILABLE', line: 1, column: 1, message: expect.stringContaining("npm install -D typescript@5") })]],
    ])
  })
})
