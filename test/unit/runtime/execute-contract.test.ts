/** The pieces of the `weir execute` contract that need no process: exit codes and output prefixes. */
import { describe, expect, test } from 'vitest'
import { EXECUTE_EXIT, exitCodeOf } from '../../../src/runtime/execute/contract.ts'
import { defaultOutputPrefix, normalizePrefix, upstreamPrefix } from '../../../src/runtime/execute/output-prefix.ts'
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
    // A handler's error claims no verdict of weir's with its code: an ordinary failure.
    [{ code: 'CANCELLED', origin: 'user', recoverable: true }, EXECUTE_EXIT.userError],
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
