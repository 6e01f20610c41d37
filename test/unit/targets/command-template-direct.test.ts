import { createRequire } from 'node:module'
import { describe, expect, test } from 'vitest'
import { renderCommand } from '../../../src/plugins/targets/command-template.ts'
import type { CommandValues } from '../../../src/plugins/targets/command-template.ts'

// Its own file: whether Handlebars was loaded is a fact about the whole process (the module cache).
const values: CommandValues = {
  cli: ['node', '/app/bin/weir.js'],
  pipeline: 'p',
  task: 'extract',
  spec: '/app/p.yaml',
  runId: '{{job.run_id}}',
  outputPrefix: 'gs://b/{{x}}\\{{y}}',
  attempt: '',
  params: { day: '{{job.parameters.day}} \\{{ {{{z}}}' },
}
// weir's own command (remote-command.ts), as the subprocess executor renders it.
const own = ['{{cli}}', 'execute', '--spec', '{{spec}}', '--task', '{{task}}', '--run-id', '{{runId}}', '{{#if outputPrefix}}--output-prefix{{/if}}', '{{outputPrefix}}', '{{#if inputs}}--inputs{{/if}}', '{{inputs}}', '{{#if attempt}}--attempt{{/if}}', '{{attempt}}', '--param', 'day={{params.day}}', '{{params.day}}']
const handlebarsLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => /[\\/]handlebars[\\/]/.test(file))

describe('renderCommand without Handlebars', () => {
  test("weir's own command is rendered without loading Handlebars", () => {
    expect(renderCommand(own, values)).toEqual(['node', '/app/bin/weir.js', 'execute', '--spec', '/app/p.yaml', '--task', 'extract', '--run-id', '{{job.run_id}}', '--output-prefix', 'gs://b/{{x}}\\{{y}}', '--param', 'day={{job.parameters.day}} \\{{ {{{z}}}', '{{job.parameters.day}} \\{{ {{{z}}}'])
    expect(handlebarsLoaded()).toBe(false)
  })

  test('gives what Handlebars gives for the same arguments (written with spaces, which go to Handlebars)', () => {
    const spaced = own.map((arg) => (arg === '{{cli}}' ? arg : arg.replaceAll('}}', ' }}')))
    for (const v of [values, { ...values, inputs: 'file:///i.json', attempt: '2', outputPrefix: '' }]) expect(renderCommand(own, v)).toEqual(renderCommand(spaced, v))
    expect(handlebarsLoaded()).toBe(true)
  })
})
