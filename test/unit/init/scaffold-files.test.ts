import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { validateSpec } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { projectCommands, scaffoldFiles } from '../../../src/init-template/scaffold-files.ts'
import { isPipelineName, toPackageName, toPipelineName } from '../../../src/init-template/project-names.ts'

const files = scaffoldFiles({ pipelineName: 'orders', packageName: 'orders', weirVersion: '1.2.3' })
const file = (path: string): string => {
  const found = files.find((f) => f.path === path)
  if (!found) throw new Error(`no ${path} in the scaffold`)
  return found.contents
}

describe('scaffoldFiles', () => {
  test('writes a spec, handlers, a test, package.json, tsconfig, a workflow, .gitignore and a README', () => {
    expect(files.map((f) => f.path)).toEqual([
      'pipelines/orders.yaml',
      'src/handlers.ts',
      'test/pipeline.test.ts',
      'package.json',
      'tsconfig.json',
      '.github/workflows/pipelines.yml',
      '.gitignore',
      'README.md',
    ])
  })

  test('the spec is valid and names the pipeline', async () => {
    const { pipeline, diagnostics } = await validateSpec(file('pipelines/orders.yaml'), { path: '/p/pipelines/orders.yaml', checkHandlers: false, projectRoot: '/p', plugins: builtinCatalog() })
    expect(diagnostics).toEqual([])
    expect(pipeline?.name).toBe('orders')
    expect(pipeline?.order).toEqual(['greet', 'count', 'on_failure'])
  })

  test('the handlers module exports every handler the spec names, typed from the generated file', () => {
    const handlers = file('src/handlers.ts')
    expect(handlers).toContain("import type { Handlers } from './generated/orders.ts'")
    for (const [name, task] of [['greet', 'greet'], ['count', 'count'], ['onFailure', 'on_failure']])
      expect(handlers).toContain(`export const ${name}: Handlers['${task}'] = async`)
  })

  test('package.json depends on this weir (npm package weir-pipelines; the npm name weir is not ours) and has the scripts', () => {
    const pkg = JSON.parse(file('package.json')) as { type: string; dependencies: Record<string, string>; scripts: Record<string, string> }
    expect(pkg.type).toBe('module')
    expect(pkg.dependencies).toEqual({ 'weir-pipelines': '^1.2.3' })
    expect(pkg.scripts).toMatchObject({
      validate: 'weir spec validate pipelines',
      codegen: 'weir codegen pipelines --target types --out src/generated',
      test: 'vitest run',
      start: 'weir run pipelines/orders.yaml',
    })
    expect(pkg.scripts.check).toContain('--check')
    // Every pipeline of the folder, not only the first: a second spec is generated and checked too.
    expect(pkg.scripts.check).not.toContain('orders.yaml')
  })

  test('the workflow validates with GitHub annotations and checks the generated types', () => {
    const workflow = parse(file('.github/workflows/pipelines.yml')) as { on: unknown; jobs: { check: { steps: { run?: string }[] } } }
    const runs = workflow.jobs.check.steps.flatMap((s) => (s.run ? [s.run] : []))
    expect(runs).toEqual([
      'npm ci',
      'npx weir spec validate pipelines --format github',
      `npx ${projectCommands('orders').codegenCheck}`,
      'npx tsc',
      'npx vitest run',
    ])
    expect(workflow.on).toMatchObject({ pull_request: null })
  })

  test('the test runs the pipeline in-process through the public API', () => {
    const source = file('test/pipeline.test.ts')
    expect(source).toContain("import { runPipeline, validateSpecFile } from 'weir-pipelines'")
    expect(source).toContain("validateSpecFile('pipelines/orders.yaml')")
  })

  test("the spec's editor schema and the README point at the weir-pipelines package", () => {
    expect(file('pipelines/orders.yaml')).toContain('$schema=../node_modules/weir-pipelines/schema/pipeline.schema.json')
    expect(file('README.md')).toContain('https://www.npmjs.com/package/weir-pipelines')
    for (const { path, contents } of files) expect(contents, path).not.toMatch(/node_modules\/weir\/|from 'weir'|package\/weir(?![\w-])|"weir":/)
  })

  test('.gitignore keeps local state out of git', () => {
    expect(file('.gitignore').split('\n')).toEqual(expect.arrayContaining(['node_modules/', '.weir/']))
  })
})

describe('project names', () => {
  test.each([
    ['my-pipelines', 'my_pipelines', 'my-pipelines'],
    ['My Pipelines!', 'my_pipelines', 'my-pipelines'],
    ['2024_reports', 'reports', '2024_reports'],
    ['___', 'my_pipeline', 'my-pipelines'],
    ['ünïcode', 'n_code', 'n-code'],
    ['.hidden', 'hidden', 'hidden'],
    // Pipeline names are at most 63 characters, and do not end in '_' where the cut falls.
    ['x'.repeat(80), 'x'.repeat(63), 'x'.repeat(80)],
    [`${'a'.repeat(62)}-tail`, 'a'.repeat(62), `${'a'.repeat(62)}-tail`],
  ])('folder %j → pipeline %j, package %j', (folder, pipeline, pkg) => {
    expect(toPipelineName(folder)).toBe(pipeline)
    expect(isPipelineName(toPipelineName(folder))).toBe(true)
    expect(toPackageName(folder)).toBe(pkg)
  })

  test('a pipeline name longer than 63 characters is not one', () => {
    expect(isPipelineName('a'.repeat(63))).toBe(true)
    expect(isPipelineName('a'.repeat(64))).toBe(false)
  })
})
