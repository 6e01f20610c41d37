/**
 * Fidelity: for every row of THE trigger-rule truth table (test/unit/runtime/trigger-table.ts, the
 * same rows the local scheduler is tested with), build a job whose upstream tasks end with exactly
 * those outcomes, generate it for Databricks and Argo, run the generated `run_if` graph and `depends`
 * expressions with each engine's documented semantics, and check that the task under test runs,
 * skips or is excluded as the table says. Excluded vs skipped shows in a second task downstream,
 * which runs after an excluded task (excluded counts as succeeded) and skips after a skipped one.
 */
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { TRIGGER_TRUTH_TABLE } from '../runtime/trigger-table.ts'
import type { TruthCase, UpstreamOutcome } from '../runtime/trigger-table.ts'
import { pipelineFromYaml } from '../runtime/helpers.ts'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { databricksTarget } from '../../../src/plugins/targets/databricks/index.ts'
import { argoDagPhase, simulateArgo, simulateDatabricks } from './engine-semantics.ts'
import type { ArgoDagTask, DatabricksTask } from './engine-semantics.ts'

type Decision = TruthCase['expect']

/** A spec whose task `d` has the case's rule and upstream outcomes, plus `g` to tell skip from exclude. */
function scenario(c: TruthCase): { yaml: string; fails: string[] } {
  const lines: string[] = []
  const fails: string[] = []
  const task = (id: string, trigger?: string, needs: string[] = []) =>
    lines.push(`  ${id}:`, `    handler: ./h.ts#${id}`, ...(trigger ? [`    trigger: ${trigger}`] : []), ...(needs.length ? [`    needs: [${needs.join(', ')}]`] : []))
  const producer = (i: number, outcome: UpstreamOutcome): string => {
    const id = `u${i}`
    switch (outcome) {
      case 'succeeded':
        task(id)
        break
      case 'failed':
      case 'cancelled': // counts as failed; on an engine a cancelled task ends failed too
        task(id)
        fails.push(id)
        break
      case 'skipped':
        task(`p${i}`)
        fails.push(`p${i}`)
        task(id, 'all_success', [`p${i}`])
        break
      case 'excluded':
        task(`p${i}`)
        task(id, 'one_failed', [`p${i}`])
        break
    }
    return id
  }
  const upstream = c.upstream.map((o, i) => producer(i, o))
  task('d', c.rule, upstream)
  task('g_root')
  task('g', 'all_success', ['d', 'g_root'])
  return { yaml: `apiVersion: weir/v1\nkind: Pipeline\nname: fidelity\ntasks:\n${lines.join('\n')}\n`, fails }
}

/** run: d ran; exclude: d did not run but g did (d counted as succeeded); skip: neither ran. */
function decisionOf(dRan: boolean, gRan: boolean): Decision {
  return dRan ? 'run' : gRan ? 'exclude' : 'skip'
}

async function generated(c: TruthCase) {
  const { yaml, fails } = scenario(c)
  const pipeline = await pipelineFromYaml(yaml)
  return { pipeline, fails }
}

describe('Argo depends expressions agree with the truth table', () => {
  test.each(TRIGGER_TRUTH_TABLE)('$name', async (c) => {
    const { pipeline, fails } = await generated(c)
    const [file] = argoTarget.generate(pipeline, { image: 'x' })
    const doc = parse(file!.contents) as { spec: { templates: { name: string; dag?: { tasks: (ArgoDagTask & { arguments?: { parameters: { value: string }[] } })[] } }[] } }
    const dag = doc.spec.templates.find((t) => t.dag)!.dag!.tasks
    const nameOf = new Map(dag.map((t) => [t.arguments?.parameters[0]!.value, t.name]))
    const failing = new Set(fails.map((id) => nameOf.get(id)!))
    const phases = simulateArgo(dag, (t) => failing.has(t.name))
    expect(decisionOf(phases.get('d') !== 'Omitted', phases.get('g') !== 'Omitted')).toBe(c.expect)
  })
})

describe("the Argo workflow's phase is the run's: Failed when any task failed, whatever ran after it", () => {
  const dagOf = (pipeline: Awaited<ReturnType<typeof pipelineFromYaml>>) => {
    const doc = parse(argoTarget.generate(pipeline, { image: 'x' })[0]!.contents) as { spec: { templates: { dag?: { tasks: (ArgoDagTask & { arguments?: { parameters: { value: string }[] } })[] } }[] } }
    const dag = doc.spec.templates.find((t) => t.dag)!.dag!.tasks
    return { dag, nameOf: new Map(dag.map((t) => [t.arguments?.parameters[0]!.value, t.name])) }
  }

  test.each(TRIGGER_TRUTH_TABLE)('$name', async (c) => {
    const { pipeline, fails } = await generated(c)
    const { dag, nameOf } = dagOf(pipeline)
    const failing = new Set(fails.map((id) => nameOf.get(id)!))
    // The failing tasks here are roots: they always run, so the weir run fails exactly when there are some.
    expect(argoDagPhase(dag, simulateArgo(dag, (t) => failing.has(t.name)))).toBe(fails.length > 0 ? 'Failed' : 'Succeeded')
  })

  test('the probe\'s case: extract fails and its one_failed alert, the only leaf, succeeds', async () => {
    const pipeline = await pipelineFromYaml('apiVersion: weir/v1\nkind: Pipeline\nname: alerting\ntasks:\n  extract: { handler: ./h.ts#extract }\n  alert: { handler: ./h.ts#alert, needs: [extract], trigger: one_failed }\n')
    const { dag } = dagOf(pipeline)
    expect(argoDagPhase(dag, simulateArgo(dag, (t) => t.name === 'extract'))).toBe('Failed')
    expect(argoDagPhase(dag, simulateArgo(dag, () => false))).toBe('Succeeded')
  })
})

describe('Databricks run_if agrees with the truth table', () => {
  test.each(TRIGGER_TRUTH_TABLE)('$name', async (c) => {
    const { pipeline, fails } = await generated(c)
    const json = databricksTarget.generate(pipeline, {}).find((f) => f.path.endsWith('.json'))!
    const states = simulateDatabricks((JSON.parse(json.contents) as { tasks: DatabricksTask[] }).tasks, (t) => fails.includes(t.task_key))
    const ran = (s: string | undefined) => s === 'SUCCESS' || s === 'FAILED'
    expect(decisionOf(ran(states.get('d')), ran(states.get('g')))).toBe(c.expect)
  })
})

describe('the interpreters themselves', () => {
  test("Argo's DAG phase: leaves only, an Omitted leaf taking its branch's phase", async () => {
    const tasks = [{ name: 'a' }, { name: 'b', depends: 'a.Failed' }, { name: 'c', depends: 'a.Succeeded' }]
    // b handled a's failure and succeeded; c, Omitted after the failed a, is Failed as a leaf.
    expect(argoDagPhase(tasks, new Map([['a', 'Failed'], ['b', 'Succeeded'], ['c', 'Omitted']]))).toBe('Failed')
    expect(argoDagPhase(tasks.slice(0, 2), new Map([['a', 'Failed'], ['b', 'Succeeded']]))).toBe('Succeeded')
    expect(argoDagPhase(tasks, new Map([['a', 'Succeeded'], ['b', 'Omitted'], ['c', 'Succeeded']]))).toBe('Succeeded')
  })
  test('a bare task name in depends means Succeeded, and ! negates', async () => {
    const { evaluateDepends } = await import('./engine-semantics.ts')
    const phases = new Map([['a-b', 'Succeeded' as const], ['c', 'Omitted' as const]])
    expect(evaluateDepends('a-b && !c.Succeeded', phases)).toBe(true)
    expect(evaluateDepends('(a-b.Failed || c.Omitted) && !(c.Omitted)', phases)).toBe(false)
  })
})
