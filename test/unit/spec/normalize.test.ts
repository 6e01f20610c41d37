/**
 * The resolved model's order and shape, which users see in `--json` (task order), the journal and
 * the API: normalize builds tasks and the order in several ways (issue 16), each must give these.
 */
import { describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import { normalizeSpec } from '../../../src/spec/normalize.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import type { PipelineSpec } from '../../../src/spec/spec-types.ts'

const spec = (tasks: PipelineSpec['tasks'], extra: Partial<PipelineSpec> = {}): PipelineSpec => ({ apiVersion: 'weir/v1', kind: 'Pipeline', name: 'p', tasks, ...extra }) as PipelineSpec
const resolved = (s: PipelineSpec) => normalizeSpec(s, '/project/pipelines/p.yaml', 'text')

describe('normalizeSpec', () => {
  test('orders tasks breadth first from the roots, ties in declaration order, also when a task comes before what it needs', () => {
    const p = resolved(
      spec({
        late: { handler: './h.ts#a', needs: ['b', 'a'] },
        a: { handler: './h.ts#a' },
        c: { handler: './h.ts#a', needs: ['a'] },
        b: { handler: './h.ts#a', needs: ['a'] },
        root: { handler: './h.ts#a' },
        d: { handler: './h.ts#a', needs: ['root'] },
      }),
    )
    expect(p.order).toEqual(['a', 'root', 'c', 'b', 'd', 'late'])
    expect([...p.tasks.keys()]).toEqual(['late', 'a', 'c', 'b', 'root', 'd'])
  })

  test('lists each task’s downstream tasks in declaration order, every task present', () => {
    const p = resolved(
      spec({
        late: { handler: './h.ts#a', needs: ['b', 'a'] },
        a: { handler: './h.ts#a' },
        b: { handler: './h.ts#a', inputs: { x: '${{ tasks.a.output }}' } },
      }),
    )
    expect([...p.downstream]).toEqual([
      ['late', []],
      ['a', ['late', 'b']],
      ['b', ['late']],
    ])
    expect(p.downstream).toBe(p.downstream)
    expect(Object.keys(p)).toEqual(['apiVersion', 'name', 'sourcePath', 'specHash', 'params', 'types', 'io', 'tasks', 'order', 'downstream', 'targets'])
  })

  test('defaults.retries is one policy object, held by every task that writes no retries of its own (how a check tells it is inherited)', () => {
    const p = resolved(spec({ a: { handler: './h.ts#a' }, b: { handler: './h.ts#a' }, own: { handler: './h.ts#a', retries: 2 } }, { defaults: { retries: 2 } }))
    expect(p.defaultRetry).toMatchObject({ maxRetries: 2, jitter: 'full' })
    expect(p.tasks.get('a')!.retry).toBe(p.defaultRetry)
    expect(p.tasks.get('b')!.retry).toBe(p.defaultRetry)
    expect(p.tasks.get('own')!.retry).toEqual(p.defaultRetry)
    expect(p.tasks.get('own')!.retry).not.toBe(p.defaultRetry)
    expect(resolved(spec({ a: { handler: './h.ts#a' } })).defaultRetry).toBeUndefined()
  })

  test('a task with only needs gets one ordering edge per need and the needs as upstream', () => {
    const task = resolved(spec({ a: { handler: './h.ts#a' }, b: { handler: './h.ts#a' }, c: { handler: './h.ts#x', needs: ['b', 'a'] } })).tasks.get('c')!
    expect(task).toStrictEqual({
      id: 'c',
      handler: { written: './h.ts#x', modulePath: '/project/pipelines/h.ts', exportName: 'x' },
      inputs: {},
      upstream: ['b', 'a'],
      edges: [
        { from: 'b', to: 'c', kind: 'needs', pointer: '/tasks/c/needs/0' },
        { from: 'a', to: 'c', kind: 'needs', pointer: '/tasks/c/needs/1' },
      ],
      output: { kind: 'any' },
      values: {},
      retry: { maxRetries: 0, delayMs: 1000, backoff: 'exponential', factor: 2, maxDelayMs: 300_000, jitter: 'full', retryOnTimeout: true },
      io: 'default',
      trigger: 'all_success',
      pointer: '/tasks/c',
    })
    expect(Object.keys(task)).toEqual(['id', 'handler', 'inputs', 'upstream', 'edges', 'output', 'values', 'retry', 'io', 'trigger', 'pointer'])
  })

  test('a task with inputs and needs lists each upstream task once, in first-mention order', () => {
    const task = resolved(
      spec({
        a: { handler: './h.ts#a' },
        b: { handler: './h.ts#a' },
        c: { handler: './h.ts#a', inputs: { x: '${{ tasks.b.output }}', y: '${{ tasks.b.values.n }}' }, needs: ['a', 'b'] },
      }),
    ).tasks.get('c')!
    expect(task.upstream).toEqual(['b', 'a'])
    expect(task.edges.map((e) => `${e.kind}:${e.from}:${e.pointer}`)).toEqual(['data:b:/tasks/c/inputs/x', 'value:b:/tasks/c/inputs/y', 'needs:a:/tasks/c/needs/0', 'needs:b:/tasks/c/needs/1'])
  })

  test('optional fields appear only when set, in the model’s order', () => {
    const p = resolved(
      spec(
        {
          plain: { handler: './h.ts#a' },
          full: { handler: './h.ts#a', description: 'd', timeout: '5s', foreach: [1, 2], cache: true, command: ['x'] },
          zero: { handler: './h.ts#a', timeout: '0s' },
        },
        { defaults: { trigger: 'all_done' } } as Partial<PipelineSpec>,
      ),
    )
    expect(Object.keys(p.tasks.get('plain')!)).toEqual(['id', 'handler', 'inputs', 'upstream', 'edges', 'output', 'values', 'retry', 'io', 'trigger', 'pointer'])
    expect(Object.keys(p.tasks.get('full')!)).toEqual(['id', 'description', 'handler', 'inputs', 'upstream', 'edges', 'output', 'values', 'retry', 'timeoutMs', 'io', 'trigger', 'foreach', 'cache', 'command', 'pointer'])
    expect(p.tasks.get('full')).toMatchObject({ timeoutMs: 5000, foreach: { source: { kind: 'literal', value: [1, 2] } }, cache: { version: '' }, trigger: 'all_done' })
    expect('timeoutMs' in p.tasks.get('zero')!).toBe(false)
  })

  test('makes the spec hash on first use, once, when given how to make it; validation gives the sha256 of the text', async () => {
    let made = 0
    const p = normalizeSpec(spec({ a: { handler: './h.ts#a' } }), '/project/pipelines/p.yaml', () => `hash ${++made}`)
    expect(made).toBe(0)
    expect([p.specHash, p.specHash]).toEqual(['hash 1', 'hash 1'])
    expect(made).toBe(1)
    const text = 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a:\n    handler: ./h.ts#a\n'
    const { pipeline } = await validateSpec(text, { path: '/project/pipelines/p.yaml', checkHandlers: false })
    expect(pipeline?.specHash).toBe(createHash('sha256').update(text).digest('hex'))
  })
})
