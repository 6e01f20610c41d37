/** The pieces of the `weir execute` contract that need no process: exit codes, prefixes, local engine values. */
import { describe, expect, test } from 'vitest'
import { EXECUTE_EXIT, exitCodeOf } from '../../../src/runtime/execute/contract.ts'
import { defaultOutputPrefix, normalizePrefix, upstreamPrefix } from '../../../src/runtime/execute/output-prefix.ts'
import { localEngineValues } from '../../../src/plugins/executors/subprocess/local-engine.ts'
import { builtinIo } from '../../../src/plugins/builtins.ts'
import { pipelineFromYaml, specText } from './helpers.ts'

const env = { cwd: '/work/project', stateDir: '.weir', ioPlugins: builtinIo }

describe('exit codes', () => {
  test.each([
    [{ code: 'HANDLER_ERROR', origin: 'user', recoverable: true }, EXECUTE_EXIT.userError],
    [{ code: 'IO_ERROR', origin: 'system', recoverable: true }, EXECUTE_EXIT.systemError],
    [{ code: 'NON_RETRYABLE', origin: 'user', recoverable: false }, EXECUTE_EXIT.nonRecoverable],
    [{ code: 'OUTPUT_INVALID', origin: 'system', recoverable: false }, EXECUTE_EXIT.nonRecoverable],
    [{ code: 'CANCELLED', origin: 'system', recoverable: true }, EXECUTE_EXIT.cancelled],
  ] as const)('%j exits %i', (error, code) => {
    expect(exitCodeOf({ message: 'm', ...error })).toBe(code)
  })
})

describe('output prefixes', () => {
  const spec = specText('p', { a: '', b: 'io: lake\nneeds: [a]' }, 'io:\n  default: { type: fs, root: out }\n  lake: { type: gcs, bucket: acme, prefix: /weir/ }\n')

  test("follow each task's IoManager layout: <root>/<pipeline>/<run>/<task>", async () => {
    const p = await pipelineFromYaml(spec)
    expect(defaultOutputPrefix(p, p.tasks.get('a')!, 'r1', env)).toBe('file:///work/project/out/p/r1/a')
    expect(defaultOutputPrefix(p, p.tasks.get('b')!, 'r1', env)).toBe('gs://acme/weir/p/r1/b')
  })

  test('an explicit prefix ending in the task id finds upstream tasks beside it', async () => {
    const p = await pipelineFromYaml(spec)
    const [a, b] = [p.tasks.get('a')!, p.tasks.get('b')!]
    expect(upstreamPrefix(p, b, a, 'r1', 'gs://x/w/p/r1/b', env)).toBe('gs://x/w/p/r1/a')
    expect(upstreamPrefix(p, b, a, 'r1', 'gs://x/elsewhere', env)).toBe('file:///work/project/out/p/r1/a')
  })

  test('paths become file:// URIs relative to the working directory', () => {
    expect(normalizePrefix('store/r1/a', '/work/project')).toBe('file:///work/project/store/r1/a')
    expect(normalizePrefix('gs://b/x/', '/work/project')).toBe('gs://b/x')
  })
})

describe('local values for engine placeholders', () => {
  test('resolve run ids, the task, retries, params and upstream task values; refuse the rest', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, 'params:\n  n: { type: integer, default: 1 }\n'))
    const local = localEngineValues({ pipeline: p, task: p.tasks.get('a')!, runId: 'r9', attempt: 3, params: { n: 4 }, upstreamValues: { up: { rows: 7 } } })
    expect(['job.run_id', 'workflow.uid', 'inputs.parameters.task', 'retries', 'job.parameters.n', 'workflow.parameters.n', 'tasks.up.values.rows'].map(local)).toEqual(['r9', 'r9', 'a', '2', '4', '4', '7'])
    expect(local('job.trigger.type')).toBeUndefined()
    expect(local('tasks.up.values.missing')).toBeUndefined()
  })
})
