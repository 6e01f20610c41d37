/**
 * Small interpreters of the engines' documented semantics, to check generated definitions:
 * - Argo (docs/enhanced-depends-logic.md): a DAG task's `depends` is evaluated once every task it
 *   names has finished; true runs the task, false makes it `Omitted`. Results: Succeeded, Failed,
 *   Errored, Skipped (own `when`), Omitted; operators `&&`, `||`, `!`, parentheses.
 * - Databricks (docs.databricks.com/jobs/run-if): `run_if` is evaluated after all `depends_on`
 *   tasks finish; unmet ALL_SUCCESS / AT_LEAST_ONE_SUCCESS / NONE_FAILED → "Upstream failed", unmet
 *   AT_LEAST_ONE_FAILED / ALL_FAILED → "Excluded" (skipped, treated as successful); all
 *   dependencies excluded → excluded; NONE_FAILED also needs one dependency that was executed.
 * - Databricks `for_each_task` (docs.databricks.com/jobs/for-each): runs its nested task once per
 *   element of `inputs`; every iteration runs (with its own retries) and the task fails when one
 *   failed, succeeds otherwise, an empty array included.
 * - Argo `withParam` in a DAG (fields.md, dag.go): one child per element of the JSON list; a value
 *   that is not a JSON list is an error of the task; an empty list marks the task Skipped ("Skipped,
 *   empty params", argoproj/argo-workflows#2284, #6912). A DAG template node succeeds when none of its
 *   tasks failed (Skipped ones included) and fails when one did; `failFast: false` runs the rest.
 */

export type ArgoPhase = 'Succeeded' | 'Failed' | 'Errored' | 'Skipped' | 'Omitted'

/** Evaluates an Argo `depends` expression against finished task phases. */
export function evaluateDepends(expression: string, phases: ReadonlyMap<string, ArgoPhase>): boolean {
  const tokens = expression.match(/\(|\)|&&|\|\||!|[A-Za-z0-9][-A-Za-z0-9]*(?:\.[A-Za-z]+)?/g) ?? []
  let at = 0
  const peek = () => tokens[at]
  const next = () => tokens[at++]
  const primary = (): boolean => {
    const t = next()
    if (t === '!') return !primary()
    if (t === '(') {
      const v = disjunction()
      if (next() !== ')') throw new Error(`unbalanced parentheses in '${expression}'`)
      return v
    }
    if (t === undefined) throw new Error(`unexpected end of '${expression}'`)
    const [name, result] = t.split('.') as [string, string | undefined]
    const phase = phases.get(name)
    if (phase === undefined) throw new Error(`'${expression}' names '${name}', which has not finished`)
    if (result === undefined) return phase === 'Succeeded' // bare name: Succeeded, Skipped or Daemoned
    if (!['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned'].includes(result)) throw new Error(`unknown result '${result}'`)
    return phase === result
  }
  const conjunction = (): boolean => {
    let v = primary()
    while (peek() === '&&') {
      next()
      v = primary() && v
    }
    return v
  }
  const disjunction = (): boolean => {
    let v = conjunction()
    while (peek() === '||') {
      next()
      v = conjunction() || v
    }
    return v
  }
  const value = disjunction()
  if (at !== tokens.length) throw new Error(`trailing tokens in '${expression}'`)
  return value
}

/** The task names an Argo `depends` expression mentions. */
export function namesIn(expression: string): string[] {
  return [...expression.matchAll(/([A-Za-z0-9][-A-Za-z0-9]*)\.[A-Za-z]+/g)].map((m) => m[1]!)
}

export interface ArgoDagTask {
  readonly name: string
  readonly depends?: string
}

/**
 * How a task that calls a DAG template with a `withParam` task (weir's map) runs: `list` is the
 * `withParam` value as Argo resolved it (a string: it must parse as a JSON list), `childFails`
 * whether the child for one element exits non-zero. Undefined for an ordinary task.
 */
export interface ArgoMapHooks<T> {
  mapOf(task: T): { list: string; childFails: (item: unknown) => boolean } | undefined
}

/** Runs a DAG the way Argo does; `fails` says whether a task's container exits non-zero when run. */
export function simulateArgo<T extends ArgoDagTask>(tasks: readonly T[], fails: (task: T) => boolean, maps?: ArgoMapHooks<T>): Map<string, ArgoPhase> {
  const phases = new Map<string, ArgoPhase>()
  const pending = [...tasks]
  while (pending.length > 0) {
    const index = pending.findIndex((t) => t.depends === undefined || namesIn(t.depends).every((n) => phases.has(n)))
    if (index === -1) throw new Error('the DAG is stuck: a depends expression names a task that never finishes')
    const [task] = pending.splice(index, 1) as [T]
    const runs = task.depends === undefined || evaluateDepends(task.depends, phases)
    const map = runs ? maps?.mapOf(task) : undefined
    phases.set(task.name, !runs ? 'Omitted' : map ? runMap(map) : fails(task) ? 'Failed' : 'Succeeded')
  }
  return phases
}

/**
 * The phase of a DAG (the workflow's, for its entry DAG) once its tasks have these phases, as Argo's
 * controller decides it (workflow/controller/dag.go, assessDAGPhase): by the target tasks, the
 * leaves, only. A leaf that ran has its own phase; an Omitted or Skipped one takes the phase of the
 * branch it is reached from (the nearest task above it that ran, or Succeeded from the DAG's start),
 * Failed or Errored winning over Succeeded. `failFast: false`: every leaf counts.
 */
export function argoDagPhase(tasks: readonly ArgoDagTask[], phases: ReadonlyMap<string, ArgoPhase>): 'Succeeded' | 'Failed' | 'Errored' {
  const parents = new Map(tasks.map((t) => [t.name, t.depends === undefined ? [] : [...new Set(namesIn(t.depends))]]))
  const ran = (phase: ArgoPhase | undefined) => phase === 'Succeeded' || phase === 'Failed' || phase === 'Errored'
  const memo = new Map<string, Set<ArgoPhase>>()
  /** The branch phases a task passes on to its children. */
  const passedOn = (name: string): Set<ArgoPhase> => {
    const known = memo.get(name)
    if (known) return known
    const own = phases.get(name)
    const arriving = parents.get(name)!.length === 0 ? new Set<ArgoPhase>(['Succeeded']) : new Set(parents.get(name)!.flatMap((p) => [...passedOn(p)]))
    const result = ran(own) ? new Set<ArgoPhase>([own!]) : arriving
    memo.set(name, result)
    return result
  }
  const named = new Set([...parents.values()].flat())
  const leaves = tasks.filter((t) => !named.has(t.name))
  for (const leaf of leaves) {
    const deduced = passedOn(leaf.name)
    if (deduced.has('Failed')) return 'Failed'
    if (deduced.has('Errored')) return 'Errored'
  }
  return 'Succeeded'
}

/** The phase of the DAG template node of a map: Errored for a list that does not parse, else by its children. */
function runMap(map: { list: string; childFails: (item: unknown) => boolean }): ArgoPhase {
  let items: unknown
  try {
    items = JSON.parse(map.list)
  } catch {
    return 'Errored'
  }
  if (!Array.isArray(items)) return 'Errored'
  // Empty: the inner task is Skipped, which fails nothing, so the DAG node Succeeded. Otherwise every child runs.
  const failed = items.map((item) => map.childFails(item)).filter(Boolean).length
  return failed > 0 ? 'Failed' : 'Succeeded'
}

export type DatabricksState = 'SUCCESS' | 'FAILED' | 'UPSTREAM_FAILED' | 'EXCLUDED'

export interface DatabricksTask {
  readonly task_key: string
  readonly depends_on?: readonly { readonly task_key: string }[]
  readonly run_if?: string
  readonly for_each_task?: { readonly inputs: string; readonly task: { readonly task_key: string } }
}

/**
 * How a `for_each_task` runs: `inputs` is its array as Databricks resolved the reference, and
 * `iterationFails` whether the nested task fails (after its retries) for one element.
 */
export interface ForEachHooks<T> {
  inputs(task: T): readonly unknown[]
  iterationFails(task: T, input: unknown): boolean
}

/** Runs a job the way Databricks documents `run_if`; `fails` says whether a task that runs fails. */
export function simulateDatabricks<T extends DatabricksTask>(tasks: readonly T[], fails: (task: T) => boolean, forEach?: ForEachHooks<T>): Map<string, DatabricksState> {
  const states = new Map<string, DatabricksState>()
  const pending = [...tasks]
  while (pending.length > 0) {
    const index = pending.findIndex((t) => (t.depends_on ?? []).every((d) => states.has(d.task_key)))
    if (index === -1) throw new Error('the job is stuck')
    const [task] = pending.splice(index, 1) as [T]
    const deps = (task.depends_on ?? []).map((d) => states.get(d.task_key)!)
    states.set(task.task_key, decideDatabricks(task, deps, task.for_each_task ? (t) => runForEach(t, forEach) : fails))
  }
  return states
}

/** A `for_each_task` fails when an iteration failed; every iteration runs; an empty array succeeds. */
function runForEach<T extends DatabricksTask>(task: T, hooks: ForEachHooks<T> | undefined): boolean {
  if (!hooks) throw new Error(`task '${task.task_key}' is a for_each_task: pass ForEachHooks`)
  return hooks.inputs(task).map((input) => hooks.iterationFails(task, input)).some(Boolean)
}

function decideDatabricks<T extends DatabricksTask>(task: T, deps: readonly DatabricksState[], fails: (task: T) => boolean): DatabricksState {
  const ran = (): DatabricksState => (fails(task) ? 'FAILED' : 'SUCCESS')
  if (deps.length === 0) return ran()
  if (deps.every((d) => d === 'EXCLUDED')) return 'EXCLUDED'
  const success = deps.filter((d) => d === 'SUCCESS' || d === 'EXCLUDED').length // excluded is treated as successful
  const failed = deps.filter((d) => d === 'FAILED').length
  const met = (condition: boolean, unmet: DatabricksState): DatabricksState => (condition ? ran() : unmet)
  switch (task.run_if ?? 'ALL_SUCCESS') {
    case 'ALL_SUCCESS':
      return met(success === deps.length, 'UPSTREAM_FAILED')
    case 'AT_LEAST_ONE_SUCCESS':
      return met(success > 0, 'UPSTREAM_FAILED')
    case 'NONE_FAILED':
      return met(failed === 0 && success > 0, 'UPSTREAM_FAILED')
    case 'ALL_DONE':
      return ran()
    case 'AT_LEAST_ONE_FAILED':
      return met(failed > 0, 'EXCLUDED')
    case 'ALL_FAILED':
      return met(failed === deps.length, 'EXCLUDED')
    default:
      throw new Error(`unknown run_if '${task.run_if}'`)
  }
}
