/**
 * The view's `detailedTasks`: the rules about inputs, output, values, io, command and concat look only
 * at these tasks, so the list must hold every task that has any of those fields, in order, and only those.
 */
import { describe, expect, test } from 'vitest'
import { collectSpecView } from '../../../src/spec/collect.ts'

describe('collectSpecView detailedTasks', () => {
  test('holds, in declaration order, exactly the tasks with inputs, output, values, io, command or concat', () => {
    const tasks: Record<string, unknown> = {
      plain: { handler: './h.ts#a', needs: ['x'] },
      withInputs: { handler: './h.ts#a', inputs: { a: 1 } },
      withOutput: { handler: './h.ts#a', output: { type: 'string' } },
      notATask: 3,
      withValues: { handler: './h.ts#a', values: {} },
      withIo: { handler: './h.ts#a', io: 'lake' },
      withCommand: { handler: './h.ts#a', command: { args: [] } },
      withConcat: { handler: './h.ts#a', concat: ['a'] },
      // A field present but null still counts: the shape check reports it, the rules may look at it.
      nullInputs: { handler: './h.ts#a', inputs: null },
      alsoPlain: { handler: './h.ts#a' },
    }
    const view = collectSpecView({ apiVersion: 'weir/v1', kind: 'Pipeline', name: 'p', tasks }, false)
    expect(view.detailedTasks.map(([id]) => id)).toEqual(['withInputs', 'withOutput', 'withValues', 'withIo', 'withCommand', 'withConcat', 'nullInputs'])
    for (const [id, task] of view.detailedTasks) expect(task).toBe(tasks[id])
    expect([...view.tasks.keys()]).toEqual(Object.keys(tasks).filter((id) => id !== 'notATask'))
    expect(view.taskIds).toEqual(Object.keys(tasks))
  })
})
