/**
 * The files `weir init` writes: a pipeline spec, typed handlers, a test that runs the pipeline in
 * process, package.json with scripts, tsconfig.json and a GitHub Actions workflow. Pure: returns
 * paths (relative to the project folder, `/`-separated) and contents; the command writes them.
 * The generated handler types (`src/generated/<name>.ts`) come from codegen and are added by the
 * command, so they always match what `weir codegen --check` expects.
 */

export interface ScaffoldOptions {
  /** The pipeline's name (`^[a-z][a-z0-9_]*$`); also the spec's and the generated file's name. */
  readonly pipelineName: string
  /** The npm package name of the new project. */
  readonly packageName: string
  /** The weir version the project depends on (`^<version>`). */
  readonly weirVersion: string
}

export interface ScaffoldFile {
  readonly path: string
  readonly contents: string
}

/** Folder of the generated handler types, relative to the project. */
export const GENERATED_DIR = 'src/generated'

/** Path of the spec, relative to the project. */
export const specPathOf = (pipelineName: string): string => `pipelines/${pipelineName}.yaml`

/** Every file of a new project except the generated types. */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  return [
    { path: specPathOf(options.pipelineName), contents: spec(options) },
    { path: 'src/handlers.ts', contents: handlers(options) },
    { path: 'test/pipeline.test.ts', contents: pipelineTest(options) },
    { path: 'package.json', contents: packageJson(options) },
    { path: 'tsconfig.json', contents: TSCONFIG },
    { path: '.github/workflows/pipelines.yml', contents: workflow(options) },
    { path: '.gitignore', contents: 'node_modules/\n.weir/\ngraph.html\n' },
    { path: 'README.md', contents: readme(options) },
  ]
}

/**
 * The commands package.json and the workflow share, so they cannot drift apart. Those that check
 * or generate for every pipeline take the folder: a second spec added to pipelines/ is then
 * validated, generated and checked without editing them.
 */
export function projectCommands(pipelineName: string) {
  const spec = specPathOf(pipelineName)
  const codegen = `weir codegen pipelines --target types --out ${GENERATED_DIR}`
  return {
    validate: 'weir spec validate pipelines',
    codegen,
    codegenCheck: `${codegen} --check`,
    run: `weir run ${spec}`,
    graph: `weir graph ${spec} --format html --out graph.html`,
  }
}

function spec({ pipelineName }: ScaffoldOptions): string {
  return `# yaml-language-server: $schema=../node_modules/weir-pipelines/schema/pipeline.schema.json
# A weir pipeline: tasks, the handlers they call, and the data between them.
# Check it with \`npx weir spec validate pipelines\`; run it with \`npx weir run ${specPathOf(pipelineName)}\`.
apiVersion: weir/v1
kind: Pipeline
name: ${pipelineName}
description: A starter pipeline. Greets someone, then counts the greetings.
params:
  who: { type: string, default: world }     # override with --param who=Ada
defaults:
  retries: 1                                # one more attempt when a task fails
  timeout: 1m
tasks:
  greet:
    handler: ../src/handlers.ts#greet       # module path relative to this file, '#' export
    description: Make a few greetings.
    inputs:
      who: \${{ params.who }}
    output: { type: array, items: { type: string } }
  count:
    handler: ../src/handlers.ts#count
    description: Count the greetings and keep the count as a task value.
    inputs:
      greetings: \${{ tasks.greet.output }}  # a data edge: count runs after greet
    output:
      type: object
      properties: { count: { type: integer }, longest: { type: string } }
      required: [count, longest]
    values:
      count: { type: integer }
  on_failure:
    handler: ../src/handlers.ts#onFailure
    description: Runs only when a task failed; skipped (excluded) otherwise.
    needs: [greet, count]                   # ordering only, no data
    trigger: one_failed
`
}

function handlers({ pipelineName }: ScaffoldOptions): string {
  return `// Handlers of ${specPathOf(pipelineName)}: each task's \`handler:\` names one of these exports.
// Their types come from ${GENERATED_DIR}/${pipelineName}.ts, which \`npm run codegen\` rewrites from the
// spec, so a handler that stops matching its task's inputs or output stops compiling (\`npm run typecheck\`).
import type { Handlers } from './generated/${pipelineName}.ts'

/** Makes a few greetings for \`who\` (the pipeline's param). */
export const greet: Handlers['greet'] = async ({ who }, ctx) => {
  ctx.log.info(\`greeting \${who}\`)
  return [\`Hello, \${who}!\`, \`Hi, \${who}!\`, \`Good morning, \${who}!\`]
}

/** Counts the greetings, and records the count as the task value \`count\`. */
export const count: Handlers['count'] = async ({ greetings }, ctx) => {
  ctx.values.set('count', greetings.length)
  const longest = greetings.reduce((a, b) => (b.length > a.length ? b : a), '')
  return { count: greetings.length, longest }
}

/** Runs only when a task above failed (\`trigger: one_failed\`). */
export const onFailure: Handlers['on_failure'] = async (_inputs, ctx) => {
  ctx.log.error(\`run \${ctx.runId} had a failed task\`)
}
`
}

function pipelineTest({ pipelineName }: ScaffoldOptions): string {
  return `// Runs the whole pipeline in this process, as \`weir run\` would, against a throwaway state folder.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { runPipeline, validateSpecFile } from 'weir-pipelines'

let stateDir: string
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), '${pipelineName}-'))
})
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true })
})

test('the spec is valid', async () => {
  const { diagnostics } = await validateSpecFile('${specPathOf(pipelineName)}')
  expect(diagnostics).toEqual([])
})

test('the pipeline runs green and counts three greetings', async () => {
  const { pipeline } = await validateSpecFile('${specPathOf(pipelineName)}')
  const result = await runPipeline(pipeline!, { stateDir, params: { who: 'Ada' } })
  expect(result.status).toBe('succeeded')
  expect(result.tasks.greet?.status).toBe('succeeded')
  expect(result.tasks.count).toMatchObject({ status: 'succeeded', values: { count: 3 } })
  // The failure handler is excluded when nothing failed.
  expect(result.tasks.on_failure).toMatchObject({ status: 'skipped', skipReason: 'excluded' })
})
`
}

function packageJson({ pipelineName, packageName, weirVersion }: ScaffoldOptions): string {
  const commands = projectCommands(pipelineName)
  const pkg = {
    name: packageName,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      validate: commands.validate,
      codegen: commands.codegen,
      typecheck: 'tsc',
      test: 'vitest run',
      start: commands.run,
      graph: commands.graph,
      check: `${commands.validate} && ${commands.codegenCheck} && tsc && vitest run`,
    },
    // The npm name `weir` belongs to an unrelated package; weir is published as weir-pipelines.
    dependencies: { 'weir-pipelines': `^${weirVersion}` },
    devDependencies: { '@types/node': '^20.19.0', typescript: '^5.9.0', vitest: '^4.1.0' },
  }
  return JSON.stringify(pkg, null, 2) + '\n'
}

const TSCONFIG =
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2023',
        lib: ['ES2023'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
      },
      include: ['src', 'test'],
    },
    null,
    2,
  ) + '\n'

function workflow({ pipelineName }: ScaffoldOptions): string {
  const commands = projectCommands(pipelineName)
  return `# Checks the pipelines on every push and pull request. Commit package-lock.json (npm install
# writes it) so that \`npm ci\` can install exactly what you tested with.
name: pipelines
on:
  push:
    branches: [main]
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - name: Validate the specs (errors show up as annotations on the pull request)
        run: npx ${commands.validate} --format github
      - name: Generated handler types match the specs
        run: npx ${commands.codegenCheck}
      - name: Type-check the handlers
        run: npx tsc
      - name: Run the pipeline in-process
        run: npx vitest run
`
}

function readme({ pipelineName }: ScaffoldOptions): string {
  const commands = projectCommands(pipelineName)
  return `# ${pipelineName}

A [weir](https://www.npmjs.com/package/weir-pipelines) project: a pipeline spec in \`${specPathOf(pipelineName)}\`,
its handlers in \`src/handlers.ts\`, and their generated types in \`${GENERATED_DIR}/\`.

\`\`\`sh
npm install
npm run validate     # ${commands.validate}
npm run codegen      # regenerate the handler types of every spec in pipelines/ after changing one
npm test             # runs the pipeline in-process
npm start            # ${commands.run}
npm run graph        # draws the pipeline into graph.html
\`\`\`

\`npm run check\` runs what CI runs (\`.github/workflows/pipelines.yml\`).
`
}
