/** The subprocess executor runs a generated command line here: local values for the engines' placeholders. */
import { describe, expect, test } from 'vitest'
import { localEngineValues } from '../../../src/plugins/executors/subprocess/local-engine.ts'
import { pipelineFromYaml, specText } from '../runtime/helpers.ts'

describe('local values for engine placeholders', () => {
  test('resolve run ids, the task, retries, params and upstream task values; refuse the rest', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, 'params:\n  n: { type: integer, default: 1 }\n'))
    const local = localEngineValues({ pipeline: p, task: p.tasks.get('a')!, runId: 'r9', attempt: 3, params: { n: 4 }, upstreamValues: { up: { rows: 7 } } })
    expect(['job.run_id', 'workflow.uid', 'inputs.parameters.task', 'retries', 'job.parameters.n', 'workflow.parameters.n', 'tasks.up.values.rows'].map(local)).toEqual(['r9', 'r9', 'a', '2', '4', '4', '7'])
    expect(local('job.trigger.type')).toBeUndefined()
    expect(local('tasks.up.values.missing')).toBeUndefined()
  })
})
