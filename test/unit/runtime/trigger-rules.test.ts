import { describe, expect, test } from 'vitest'
import { TRIGGER_TRUTH_TABLE } from './trigger-table.ts'
import type { TruthCase, UpstreamOutcome } from './trigger-table.ts'
import { createScheduler } from '../../../src/runtime/scheduler.ts'
import type { Completion } from '../../../src/runtime/scheduler.ts'
import type { TaskGraph } from '../../../src/runtime/task-graph.ts'
import { createTaskGraph } from '../../../src/runtime/task-graph.ts'
import type { TriggerRule } from '../../../src/spec/model.ts'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { fail, mapIo, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'
import { canBeExcluded, countOutcomes, decideTrigger } from '../../../src/spec/trigger-rules.ts'

/**
 * Builds a graph in which each upstream task of `t` ends with the wanted outcome, produced the way
 * it happens in a run: S/F/C by the task's own attempt, K by an all_success task after a failure,
 * X by a one_failed task after a success.
 */
function gadgetGraph(c: TruthCase): { graph: TaskGraph; completions: Map<number, Completion> } {
  const ids: string[] = []
  const upstream: number[][] = []
  const rules: TriggerRule[] = []
  const completions = new Map<number, Completion>()
  const add = (id: string, ups: number[], rule: TriggerRule = 'all_success'): number => {
    ids.push(id)
    upstream.push(ups)
    rules.push(rule)
    return ids.length - 1
  }
  const tUp = c.upstream.map((o: UpstreamOutcome, k) => {
    if (o === 'succeeded' || o === 'failed' || o === 'cancelled') {
      const i = add(`u${k}`, [])
      completions.set(i, o)
      return i
    }
    const root = add(`r${k}`, [])
    completions.set(root, o === 'skipped' ? 'failed' : 'succeeded')
    return add(`u${k}`, [root], o === 'skipped' ? 'all_success' : 'one_failed')
  })
  const t = add('t', tUp, c.rule)
  completions.set(t, 'succeeded')
  return { graph: createTaskGraph(ids, upstream, rules), completions }
}

const expectedStatus = (d: TruthCase['expect']) => (d === 'run' ? { status: 'succeeded' } : { status: 'skipped', skipReason: d === 'skip' ? 'upstream_failed' : 'excluded' })

describe('the trigger-rule truth table', () => {
  test.each(TRIGGER_TRUTH_TABLE)('decideTrigger: $name', (c) => {
    expect(decideTrigger(c.rule, countOutcomes(c.upstream))).toBe(c.expect)
  })

  test.each(TRIGGER_TRUTH_TABLE)('scheduler: $name', async (c) => {
    const { graph, completions } = gadgetGraph(c)
    const t = graph.indexOf.get('t')!
    const seen: { started: boolean; skipped?: string } = { started: false }
    await new Promise<void>((done) => {
      const scheduler = createScheduler(graph, 100, {
        start(i) {
          if (i === t) seen.started = true
          queueMicrotask(() => scheduler.complete(i, completions.get(i)!))
        },
        skip(i, reason) {
          if (i === t) seen.skipped = reason
        },
        cancel() {
          throw new Error('nothing is cancelled here')
        },
        done,
      })
      scheduler.begin()
    })
    if (c.expect === 'run') expect(seen).toEqual({ started: true })
    else expect(seen).toEqual({ started: false, skipped: c.expect === 'skip' ? 'upstream_failed' : 'excluded' })
  })

  // Cancelled upstream tasks only occur in cancelled runs, which cancel `t` too; the rows without
  // them run end to end through runPipeline.
  test.each(TRIGGER_TRUTH_TABLE.filter((c) => !c.upstream.includes('cancelled')))('runPipeline: $name', async (c) => {
    const tasks: Record<string, string> = {}
    const ups: string[] = []
    const failing = new Set<string>()
    c.upstream.forEach((o, k) => {
      if (o === 'succeeded' || o === 'failed') {
        tasks[`u${k}`] = ''
        if (o === 'failed') failing.add(`u${k}`)
      } else {
        tasks[`r${k}`] = ''
        if (o === 'skipped') failing.add(`r${k}`)
        tasks[`u${k}`] = `needs: [r${k}]\ntrigger: ${o === 'skipped' ? 'all_success' : 'one_failed'}`
      }
      ups.push(`u${k}`)
    })
    tasks.t = `${ups.length ? `needs: [${ups.join(', ')}]\n` : ''}trigger: ${c.rule}`
    const pipeline = await pipelineFromYaml(specText('truth', tasks))
    const executor = scriptedExecutor(Object.fromEntries([...failing].map((id) => [id, () => fail()])))
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir() })
    expect(result.tasks.t).toMatchObject(expectedStatus(c.expect))
    expect(result.status).toBe(failing.size > 0 ? 'failed' : 'succeeded')
  })
})

describe('canBeExcluded: which tasks may count as succeeded without an output', () => {
  test('a failure handler, and a task whose upstream tasks all can be; never a root or a task after one that always runs or skips', async () => {
    const pipeline = await pipelineFromYaml(specText('excl', {
      a: '',
      alert: 'needs: [a]\ntrigger: one_failed',
      notify: 'needs: [alert]',
      both: 'needs: [alert, notify]\ntrigger: all_done',
      mixed: 'needs: [a, alert]',
    }))
    const memo = new Map<string, boolean>()
    const verdicts = Object.fromEntries([...pipeline.tasks.keys()].map((id) => [id, canBeExcluded(pipeline.tasks, id, memo)]))
    expect(verdicts).toEqual({ a: false, alert: true, notify: true, both: true, mixed: false })
  })
})
