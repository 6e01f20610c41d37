/**
 * The generated types, compiled by tsc (one program for the whole file): every example of
 * pipelines/ and the fixtures compile, the fixture's typed handlers compile, and each handler in
 * test/fixtures/codegen/cases/ fails exactly where its `// error TSnnnn` comments say.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdir, readdir, readFile, writeFile, cp } from 'node:fs/promises'
import { join } from 'node:path'
import { generateTypes } from '../../../src/codegen/generate-types.ts'
import { CODEGEN_FIXTURES, compile, copyFixtureProject, exampleSpecs, loadPipeline } from './support.ts'
import type { Found } from './support.ts'

let project: { dir: string; remove: () => Promise<void> }
let found: Found[]
const generated: string[] = []
const cases: string[] = []

beforeAll(async () => {
  project = await copyFixtureProject('shop')
  const out = join(project.dir, 'generated')
  await mkdir(out, { recursive: true })
  const specs = [join(project.dir, 'pipelines/shop.yaml'), join(project.dir, 'maps/fanout.yaml'), join(CODEGEN_FIXTURES, 'edge/pipelines/edge.yaml'), join(CODEGEN_FIXTURES, 'edge/pipelines/untyped.yaml'), join(CODEGEN_FIXTURES, 'edge/pipelines/inherited.yaml'), ...(await exampleSpecs())]
  for (const spec of specs) {
    const file = await generateTypes(await loadPipeline(spec))
    await writeFile(join(out, file.path), file.contents)
    generated.push(join(out, file.path))
  }
  await cp(join(CODEGEN_FIXTURES, 'cases'), join(project.dir, 'cases'), { recursive: true })
  for (const name of (await readdir(join(project.dir, 'cases'))).sort()) cases.push(join(project.dir, 'cases', name))
  found = compile([...generated, join(project.dir, 'handlers/typed.ts'), join(project.dir, 'handlers/plain.ts'), join(project.dir, 'handlers/fanout.ts'), ...cases])
})

afterAll(async () => {
  await project?.remove()
})

/** `// error TS2345` at the end of a line: the compiler must report that code on that line. */
async function expectedErrors(file: string): Promise<{ line: number; code: number }[]> {
  const lines = (await readFile(file, 'utf8')).split('\n')
  return lines.flatMap((text, i) => [...text.matchAll(/\/\/ error TS(\d+)/g)].map((m) => ({ line: i + 1, code: Number(m[1]) })))
}

describe('generated types compiled by tsc', () => {
  test('every generated file compiles under strict settings (examples of pipelines/ included)', () => {
    expect(generated.length).toBeGreaterThanOrEqual(3)
    expect(found.filter((f) => generated.includes(f.file))).toEqual([])
  })

  test('typed and plain handlers of the shop fixture compile against them', () => {
    expect(found.filter((f) => f.file.includes('/handlers/'))).toEqual([])
  })

  test('the must-not-compile cases exist', () => {
    expect(cases.map((c) => c.split('/').pop())).toEqual(
      expect.arrayContaining(['wrong-output-shape.ts', 'unknown-input.ts', 'undeclared-value.ts', 'unknown-column.ts']),
    )
  })

  test.each([
    'wrong-output-shape.ts',
    'unknown-input.ts',
    'undeclared-value.ts',
    'unknown-column.ts',
    'wrong-value-type.ts',
    'table-missing-column.ts',
    'values-from-unknown-task.ts',
    'possibly-missing-input.ts',
    'possibly-missing-fan-in-values.ts',
    'mapped-values-get.ts',
    'frozen-params.ts',
    'table-rows.ts',
    'wrong-item-type.ts',
    'wrong-fan-in-type.ts',
    'wrong-concat-type.ts',
    'untyped-schemas.ts',
    'field-paths.ts',
    'inherited-names.ts',
  ])('%s fails exactly where marked', async (name) => {
    const file = cases.find((c) => c.endsWith(`/${name}`))!
    const want = await expectedErrors(file)
    expect(want.length).toBeGreaterThan(0)
    const got = found.filter((f) => f.file === file).map(({ line, code }) => ({ line, code }))
    expect(got).toEqual(want)
  })
})
