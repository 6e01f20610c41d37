import { describe, expect, test } from 'vitest'
import { renderCommand } from '../../../src/plugins/targets/command-template.ts'
import type { CommandValues } from '../../../src/plugins/targets/command-template.ts'
import { scanTemplate } from '../../../src/spec/rules/command-templates.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'

const values: CommandValues = {
  cli: ['node', '/app/bin/weir.js'],
  pipeline: 'p',
  task: 'extract',
  spec: '/app/p.yaml',
  runId: '{{job.run_id}}',
  outputPrefix: 'gs://b/p/{{job.run_id}}/extract',
  params: { day: '{{job.parameters.day}}', note: 'a b; rm -rf / $(x) `y` {{z}}' },
}

describe('renderCommand', () => {
  test('fills weir variables and expands {{cli}} into several arguments', () => {
    expect(renderCommand(['{{cli}}', 'execute', '--task', '{{task}}', '--spec', '{{spec}}'], values)).toEqual(['node', '/app/bin/weir.js', 'execute', '--task', 'extract', '--spec', '/app/p.yaml'])
  })

  test('passes Databricks and Argo placeholders through intact', () => {
    const template = ['{{job.run_id}}', '{{tasks.extract.values.rows}}', '{{workflow.uid}}', '{{inputs.parameters.task}}', '{{retries}}', '{{=asInt(retries) + 1}}', '{{job.parameters.`my-p`}}', '--x={{job.start_time.iso_date}}-{{task}}']
    expect(renderCommand(template, values)).toEqual(['{{job.run_id}}', '{{tasks.extract.values.rows}}', '{{workflow.uid}}', '{{inputs.parameters.task}}', '{{retries}}', '{{=asInt(retries) + 1}}', '{{job.parameters.`my-p`}}', '--x={{job.start_time.iso_date}}-extract'])
  })

  test('keeps each value one argument, never a shell string, and never re-reads it as a template', () => {
    expect(renderCommand(['--param', 'note={{params.note}}'], values)).toEqual(['--param', 'note=a b; rm -rf / $(x) `y` {{z}}'])
  })

  test('drops arguments that render empty, so optional flags come and go with their value', () => {
    const template = ['{{#if inputs}}--inputs{{/if}}', '{{inputs}}', '{{#if outputPrefix}}--output-prefix{{/if}}', '{{outputPrefix}}']
    expect(renderCommand(template, values)).toEqual(['--output-prefix', 'gs://b/p/{{job.run_id}}/extract'])
    expect(renderCommand(template, { ...values, inputs: 'file:///i.json' })[0]).toBe('--inputs')
  })

  test('replaces engine placeholders with local values when running a generated command locally', () => {
    const local = (p: string) => ({ 'job.run_id': 'r-1', 'workflow.uid': 'r-1' })[p]
    expect(renderCommand(['--run-id', '{{runId}}', '{{workflow.uid}}'], values, local)).toEqual(['--run-id', '{{job.run_id}}', 'r-1'])
    expect(() => renderCommand(['{{job.trigger.type}}'], values, local)).toThrow(/has no local value/)
  })

  test('a local engine value is data: backslashes, braces and helpers reach the argument as they are (#15)', () => {
    const tricky = ['a\\{{task}}', 'a\\\\{{task}}', '{{{task}}}', '{{#if task}}x{{/if}}', 'ends with \\', '}} {{', '${workspace.file_path} $(x) `y`']
    for (const value of tricky) {
      const local = (p: string) => (p === 'workflow.parameters.note' ? value : undefined)
      expect(renderCommand(['--param', 'note={{workflow.parameters.note}}', '{{workflow.parameters.note}}'], values, local)).toEqual(['--param', `note=${value}`, value])
    }
  })

  test("refuses '{{cli}}' inside other text (it is several arguments)", () => {
    expect(() => renderCommand(['x{{cli}}'], values)).toThrow(/must be an argument on its own/)
  })

  test('refuses unknown variables and undeclared params', () => {
    expect(() => renderCommand(['{{run_id}}'], values)).toThrow(/did you mean 'runId'/)
    expect(() => renderCommand(['{{params.nope}}'], values)).toThrow(/does not declare/)
  })

  test('the same template rendered again gets the new values, never the first ones (compiled templates are reused)', () => {
    const template = ['--task', '{{task}}', '{{#if attempt}}--attempt{{/if}}', '{{attempt}}', '--param', 'note={{params.note}}', '{{workflow.uid}}']
    const first = renderCommand(template, { ...values, attempt: '1' }, () => 'run-a')
    const second = renderCommand(template, { ...values, task: 'load', params: { ...values.params, note: 'other' } }, () => 'run-b')
    expect(first).toEqual(['--task', 'extract', '--attempt', '1', '--param', 'note=a b; rm -rf / $(x) `y` {{z}}', 'run-a'])
    expect(second).toEqual(['--task', 'load', '--param', 'note=other', 'run-b'])
  })

  test('a template that cannot be rendered fails every time, not only the first', () => {
    for (let i = 0; i < 2; i++) expect(() => renderCommand(['{{#if task}}x'], values)).toThrow(/cannot be rendered/)
  })

  test('a literal {{ can be written as \\{{', () => {
    expect(renderCommand(['\\{{not a var}}'], values)).toEqual(['{{not a var}}'])
  })
})

describe('scanTemplate', () => {
  test('classifies every {{ … }} with its span', () => {
    expect(scanTemplate('a {{task}} {{params.x}} {{job.id}} {{#if inputs}}x{{/if}} {{! note }} {{nope}}').map((t) => [t.kind, t.start, t.end])).toEqual([
      ['variable', 2, 10], ['param', 11, 23], ['engine', 24, 34], ['block', 35, 49], ['block', 50, 57], ['comment', 58, 69], ['unknown', 70, 78],
    ])
  })
})

describe('spec validate reports unknown template variables with a position', () => {
  const spec = `apiVersion: weir/v1
kind: Pipeline
name: p
params:
  day: { type: string }
command: ["{{cli}}", "execute", "--run", "{{run_id}}"]
tasks:
  a:
    handler: ./h.ts#a
    command: ["{{cli}} x", "--day={{params.dya}}", "{{job.run_id}}", "{{#each params}}{{/each}}"]
`
  test('with code, line, column and pointer', async () => {
    const { diagnostics } = await validateSpec(spec, { path: '/tmp/p.yaml', checkHandlers: false, plugins: builtinCatalog() })
    const found = diagnostics.filter((d) => d.code === 'UNKNOWN_TEMPLATE_VARIABLE').map((d) => ({ line: d.line, column: d.column, pointer: d.pointer, message: d.message }))
    expect(found).toEqual([
      { line: 6, column: 43, pointer: '/command/3', message: "Unknown template variable 'run_id'; did you mean 'runId'?" },
      { line: 10, column: 16, pointer: '/tasks/a/command/0', message: expect.stringContaining("'{{cli}}' expands to several arguments") },
      { line: 10, column: 35, pointer: '/tasks/a/command/1', message: expect.stringContaining("undeclared param 'dya'; did you mean 'day'?") },
      { line: 10, column: 71, pointer: '/tasks/a/command/3', message: expect.stringContaining("'{{#each params}}' is not supported in command templates") },
      { line: 10, column: 87, pointer: '/tasks/a/command/3', message: expect.stringContaining("'{{/each}}' is not supported") },
    ])
  })
})
