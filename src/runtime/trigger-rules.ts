/**
 * The trigger rules, in one table: how each is evaluated locally and how it is written for
 * Databricks (`run_if`) and Argo (`depends`). The targets import this table, so a local run and a
 * generated job cannot disagree about what a rule means.
 *
 * Semantics are Databricks' documented `run_if` ones (see docs/trigger-rules.md):
 * - a rule is judged once every upstream task is finished;
 * - a task whose rule is not met is skipped ("upstream failed"), which counts as not succeeded;
 * - a failure handler (`one_failed`, `all_failed`) whose condition is not met is *excluded*, which
 *   counts as succeeded downstream; a task whose upstream tasks are all excluded is excluded too;
 * - `none_failed` also needs at least one upstream task that ran.
 */
import type { TriggerRule } from '../spec/model.ts'

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

export interface TriggerRuleForm {
  /** Decides from the counts of upstream outcomes (excluded counted separately). */
  readonly evaluate: (c: OutcomeCounts) => TriggerDecision
  /** Databricks Jobs `run_if`. */
  readonly databricksRunIf: 'ALL_SUCCESS' | 'ALL_DONE' | 'ALL_FAILED' | 'AT_LEAST_ONE_SUCCESS' | 'AT_LEAST_ONE_FAILED' | 'NONE_FAILED'
  /** Argo `depends`: how the condition reads for the given upstream task names. */
  readonly argoDepends: (upstream: readonly string[]) => string
  /** Whether an unmet condition excludes (failure handlers) rather than skips. */
  readonly isFailureHandler: boolean
  /** One line for docs and `--help`. */
  readonly summary: string
}

const join = (parts: string[], op: '&&' | '||'): string => (parts.length === 1 ? parts[0]! : parts.join(` ${op} `))
const succeeded = (c: OutcomeCounts): number => c.succeeded + c.excluded

/** The table. Cancelled upstream tasks count as failed. */
export const TRIGGER_RULE_TABLE: Readonly<Record<TriggerRule, TriggerRuleForm>> = {
  all_success: {
    evaluate: (c) => (succeeded(c) === c.total ? 'run' : 'skip'),
    databricksRunIf: 'ALL_SUCCESS',
    argoDepends: (u) => join(u.map((x) => `${x}.Succeeded`), '&&'),
    isFailureHandler: false,
    summary: 'all upstream tasks succeeded',
  },
  all_done: {
    evaluate: () => 'run',
    databricksRunIf: 'ALL_DONE',
    argoDepends: (u) => join(u.map((x) => `(${x}.Succeeded || ${x}.Failed || ${x}.Errored || ${x}.Skipped || ${x}.Omitted)`), '&&'),
    isFailureHandler: false,
    summary: 'all upstream tasks finished, whatever their outcome',
  },
  all_failed: {
    evaluate: (c) => (c.failed === c.total ? 'run' : 'exclude'),
    databricksRunIf: 'ALL_FAILED',
    argoDepends: (u) => join(u.map((x) => `(${x}.Failed || ${x}.Errored)`), '&&'),
    isFailureHandler: true,
    summary: 'all upstream tasks failed',
  },
  one_success: {
    evaluate: (c) => (succeeded(c) > 0 ? 'run' : 'skip'),
    databricksRunIf: 'AT_LEAST_ONE_SUCCESS',
    argoDepends: (u) => join(u.map((x) => `${x}.Succeeded`), '||'),
    isFailureHandler: false,
    summary: 'at least one upstream task succeeded',
  },
  one_failed: {
    evaluate: (c) => (c.failed > 0 ? 'run' : 'exclude'),
    databricksRunIf: 'AT_LEAST_ONE_FAILED',
    argoDepends: (u) => join(u.map((x) => `${x}.Failed || ${x}.Errored`), '||'),
    isFailureHandler: true,
    summary: 'at least one upstream task failed',
  },
  none_failed: {
    evaluate: (c) => (c.failed === 0 && succeeded(c) > 0 ? 'run' : 'skip'),
    databricksRunIf: 'NONE_FAILED',
    argoDepends: (u) => join(u.map((x) => `(${x}.Succeeded || ${x}.Skipped || ${x}.Omitted)`), '&&'),
    isFailureHandler: false,
    summary: 'no upstream task failed, and at least one ran',
  },
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
