/**
 * The trigger rules, in one table: how each is evaluated locally and how it is written for
 * Databricks (`run_if`) and Argo (`depends`), plus the facts spec warnings and generated handler
 * types need (which upstream outcomes a rule runs after, which rules are failure handlers). It lives
 * in `src/spec/`, the bottom layer, so the spec rules, the runtime's scheduler, the targets and
 * codegen all import this one table and nobody restates it (docs/architecture.md).
 *
 * Semantics are Databricks' documented `run_if` ones (see docs/trigger-rules.md):
 * - a rule is judged once every upstream task is finished;
 * - a task whose rule is not met is skipped ("upstream failed"), which counts as not succeeded;
 * - a failure handler (`one_failed`, `all_failed`) whose condition is not met is *excluded*, which
 *   counts as succeeded downstream; a task whose upstream tasks are all excluded is excluded too;
 * - `none_failed` also needs at least one upstream task that ran.
 */
import type { Task, TriggerRule } from './model.ts'

/** The outcome of a finished upstream task, as trigger rules see it. */
export type UpstreamOutcome = 'succeeded' | 'failed' | 'skipped' | 'excluded' | 'cancelled'

/** What a rule decides for a task whose upstream tasks are all finished. */
export type TriggerDecision = 'run' | 'skip' | 'exclude'

export interface OutcomeCounts {
  succeeded: number
  failed: number
  skipped: number
  excluded: number
  total: number
}

/** An upstream outcome that leaves a task without that upstream's output. */
export type MissingOutputOutcome = 'failed' | 'skipped'

export interface TriggerRuleForm {
  /** Decides from the counts of upstream outcomes (excluded counted separately). */
  readonly evaluate: (c: OutcomeCounts) => TriggerDecision
  /** Databricks Jobs `run_if`. */
  readonly databricksRunIf: 'ALL_SUCCESS' | 'ALL_DONE' | 'ALL_FAILED' | 'AT_LEAST_ONE_SUCCESS' | 'AT_LEAST_ONE_FAILED' | 'NONE_FAILED'
  /** Argo `depends`: how the condition reads for the given upstream tasks (see `ArgoUpstream`). */
  readonly argoDepends: (upstream: readonly ArgoUpstream[]) => string
  /** Whether an unmet condition excludes (failure handlers) rather than skips. */
  readonly isFailureHandler: boolean
  /**
   * The upstream outcomes after which a task with this rule can still run, finding that upstream's
   * output missing (empty for `all_success`). Agrees with `evaluate`; a test checks it.
   */
  readonly toleratedUpstream: readonly MissingOutputOutcome[]
  /** One line for docs and `--help`. */
  readonly summary: string
}

/**
 * One upstream task as an Argo `depends` expression sees it.
 *
 * Argo has one result for "my `depends` was false": `Omitted`. weir has two: *skipped* (counts as not
 * succeeded) and *excluded* (a failure handler whose condition was not met, or a task whose upstream
 * tasks were all excluded; counts as succeeded). So an upstream is excluded exactly when it and a
 * known set of its ancestors were all `Omitted`: a failure handler is excluded whenever it is
 * Omitted; any other task only when it and all its (excludable) upstream tasks are. `excludedWhen`
 * lists those task names (the upstream's own name first); absent means the task can never be
 * excluded (a root task, or one with an upstream that always runs or skips).
 */
export interface ArgoUpstream {
  /** The Argo DAG task name. */
  readonly name: string
  /** Names whose `Omitted` results, all together, mean this upstream was excluded. */
  readonly excludedWhen?: readonly string[]
}

const succeeded = (c: OutcomeCounts): number => c.succeeded + c.excluded

const and = (parts: readonly string[]): string => (parts.length === 1 ? parts[0]! : parts.map(paren).join(' && '))
const or = (parts: readonly string[]): string => (parts.length === 1 ? parts[0]! : parts.map(paren).join(' || '))
const paren = (x: string): string => (/^!?[\w.-]+$/.test(x) || isWrapped(x.replace(/^!/, '')) ? x : `(${x})`)
/** Whether the whole expression is one parenthesised group, as in `(a || b)`. */
const isWrapped = (x: string): boolean => {
  if (!x.startsWith('(')) return false
  let depth = 0
  for (let i = 0; i < x.length; i++) {
    depth += x[i] === '(' ? 1 : x[i] === ')' ? -1 : 0
    if (depth === 0 && i < x.length - 1) return false
  }
  return depth === 0
}
const ok = (u: ArgoUpstream): string => `${u.name}.Succeeded`
const failed = (u: ArgoUpstream): string => `${u.name}.Failed || ${u.name}.Errored`
const excluded = (u: ArgoUpstream): string | undefined => (u.excludedWhen ? and(u.excludedWhen.map((n) => `${n}.Omitted`)) : undefined)
/** Succeeded, or excluded (which counts as succeeded). */
const okOrExcluded = (u: ArgoUpstream): string => {
  const e = excluded(u)
  return e === undefined ? ok(u) : or([ok(u), e])
}
/** "Not every upstream was excluded"; `undefined` when that is always true. */
const notAllExcluded = (us: readonly ArgoUpstream[]): string | undefined =>
  us.every((u) => u.excludedWhen) ? `!${paren(and(us.map((u) => excluded(u)!)))}` : undefined
const withNotAllExcluded = (expr: string, us: readonly ArgoUpstream[]): string => {
  const guard = notAllExcluded(us)
  return guard === undefined ? expr : and([expr, guard])
}

/**
 * The table. Cancelled upstream tasks count as failed.
 *
 * The Argo forms follow `evaluate` exactly, with `Omitted` split into skipped and excluded as
 * `ArgoUpstream` explains (Argo evaluates `depends` only once every task it names has finished, as
 * Databricks does `run_if`; our DAG never sets `when`, so `Skipped` never occurs; `Failed` is a
 * non-zero exit, `Errored` a pod or controller failure, both failures here).
 */
export const TRIGGER_RULE_TABLE: Readonly<Record<TriggerRule, TriggerRuleForm>> = {
  all_success: {
    evaluate: (c) => (succeeded(c) === c.total ? 'run' : 'skip'),
    databricksRunIf: 'ALL_SUCCESS',
    argoDepends: (u) => withNotAllExcluded(and(u.map(okOrExcluded)), u),
    isFailureHandler: false,
    toleratedUpstream: [],
    summary: 'all upstream tasks succeeded',
  },
  all_done: {
    evaluate: () => 'run',
    databricksRunIf: 'ALL_DONE',
    argoDepends: (u) => withNotAllExcluded(and(u.map((x) => `${x.name}.Succeeded || ${failed(x)} || ${x.name}.Omitted`)), u),
    isFailureHandler: false,
    toleratedUpstream: ['failed', 'skipped'],
    summary: 'all upstream tasks finished, whatever their outcome',
  },
  all_failed: {
    evaluate: (c) => (c.failed === c.total ? 'run' : 'exclude'),
    databricksRunIf: 'ALL_FAILED',
    argoDepends: (u) => and(u.map(failed)),
    isFailureHandler: true,
    toleratedUpstream: ['failed'],
    summary: 'all upstream tasks failed',
  },
  one_success: {
    evaluate: (c) => (succeeded(c) > 0 ? 'run' : 'skip'),
    databricksRunIf: 'AT_LEAST_ONE_SUCCESS',
    argoDepends: (u) => withNotAllExcluded(or(u.map(okOrExcluded)), u),
    isFailureHandler: false,
    toleratedUpstream: ['failed', 'skipped'],
    summary: 'at least one upstream task succeeded',
  },
  one_failed: {
    evaluate: (c) => (c.failed > 0 ? 'run' : 'exclude'),
    databricksRunIf: 'AT_LEAST_ONE_FAILED',
    argoDepends: (u) => or(u.map(failed)),
    isFailureHandler: true,
    toleratedUpstream: ['failed', 'skipped'],
    summary: 'at least one upstream task failed',
  },
  none_failed: {
    evaluate: (c) => (c.failed === 0 && succeeded(c) > 0 ? 'run' : 'skip'),
    databricksRunIf: 'NONE_FAILED',
    // Not failed = Succeeded or Omitted (nothing else is a finished, non-failed result here).
    argoDepends: (u) => withNotAllExcluded(and([...u.map((x) => `${x.name}.Succeeded || ${x.name}.Omitted`), or(u.map(okOrExcluded))]), u),
    isFailureHandler: false,
    toleratedUpstream: ['skipped'],
    summary: 'no upstream task failed, and at least one ran',
  },
}

/** Whether a task with this rule can run although an upstream failed or was skipped. */
export function toleratesMissingUpstream(rule: TriggerRule): boolean {
  return TRIGGER_RULE_TABLE[rule].toleratedUpstream.length > 0
}

/**
 * Whether task `id` can end *excluded*, which counts as succeeded downstream although it left no
 * output: a failure handler whose condition was not met, or a task whose upstream tasks all can be.
 * `memo` serves several questions about one pipeline.
 */
export function canBeExcluded(tasks: ReadonlyMap<string, Pick<Task, 'upstream' | 'trigger'>>, id: string, memo = new Map<string, boolean>()): boolean {
  const known = memo.get(id)
  if (known !== undefined) return known
  const task = tasks.get(id)
  const result = task !== undefined && task.upstream.length > 0 && (TRIGGER_RULE_TABLE[task.trigger].isFailureHandler || task.upstream.every((u) => canBeExcluded(tasks, u, memo)))
  memo.set(id, result)
  return result
}

/** Counts upstream outcomes; cancelled counts as failed. */
export function countOutcomes(outcomes: Iterable<UpstreamOutcome>): OutcomeCounts {
  const c: OutcomeCounts = { succeeded: 0, failed: 0, skipped: 0, excluded: 0, total: 0 }
  for (const o of outcomes) {
    c.total++
    if (o === 'cancelled') c.failed++
    else c[o]++
  }
  return c
}

/** Decides whether a task with this rule runs, given its finished upstream tasks' outcomes. */
export function decideTrigger(rule: TriggerRule, counts: OutcomeCounts): TriggerDecision {
  if (counts.total === 0) return 'run'
  if (counts.excluded === counts.total) return 'exclude'
  return TRIGGER_RULE_TABLE[rule].evaluate(counts)
}
