/**
 * THE trigger-rule truth table (DESIGN.md, docs/trigger-rules.md), written out by hand, once.
 * The scheduler tests here and the Databricks `run_if` / Argo `depends` tests of the targets all
 * read it, so a local run and a generated job cannot drift apart.
 *
 * Each row lists the outcomes of a task's upstream tasks and what each rule decides:
 * `run`, `skip` (status skipped, reason upstream_failed; counts as not succeeded downstream) or
 * `exclude` (status skipped, reason excluded; counts as succeeded downstream).
 * Abbreviations: S succeeded, F failed, K skipped, X excluded, C cancelled (counts as failed).
 */
import type { TriggerRule } from '../../../src/spec/model.ts'

export type UpstreamOutcome = 'succeeded' | 'failed' | 'skipped' | 'excluded' | 'cancelled'
export type Decision = 'run' | 'skip' | 'exclude'

/** Column order of the rows below. */
export const RULE_COLUMNS = ['all_success', 'all_done', 'all_failed', 'one_success', 'one_failed', 'none_failed'] as const satisfies readonly TriggerRule[]

const O = { S: 'succeeded', F: 'failed', K: 'skipped', X: 'excluded', C: 'cancelled' } as const
const D = { run: 'run', skip: 'skip', excl: 'exclude' } as const
const { run, skip, excl } = D

// prettier-ignore
const ROWS: readonly [upstream: string, all_success: Decision, all_done: Decision, all_failed: Decision, one_success: Decision, one_failed: Decision, none_failed: Decision][] = [
  //  upstream  all_success all_done all_failed one_success one_failed none_failed
  ['',          run,        run,     run,       run,        run,       run ],  // no upstream tasks: nothing to wait for
  ['S',         run,        run,     excl,      run,        excl,      run ],
  ['F',         skip,       run,     run,       skip,       run,       skip],
  ['K',         skip,       run,     excl,      skip,       excl,      skip],  // none_failed needs one that ran
  ['X',         excl,       excl,    excl,      excl,       excl,      excl],  // all upstream excluded: excluded
  ['C',         skip,       run,     run,       skip,       run,       skip],  // cancelled counts as failed
  ['SS',        run,        run,     excl,      run,        excl,      run ],
  ['SF',        skip,       run,     excl,      run,        run,       skip],
  ['FF',        skip,       run,     run,       skip,       run,       skip],
  ['SK',        skip,       run,     excl,      run,        excl,      run ],
  ['FK',        skip,       run,     excl,      skip,       run,       skip],
  ['KK',        skip,       run,     excl,      skip,       excl,      skip],
  ['SX',        run,        run,     excl,      run,        excl,      run ],  // excluded counts as succeeded
  ['FX',        skip,       run,     excl,      run,        run,       skip],
  ['KX',        skip,       run,     excl,      run,        excl,      run ],
  ['XX',        excl,       excl,    excl,      excl,       excl,      excl],
  ['SC',        skip,       run,     excl,      run,        run,       skip],
  ['FC',        skip,       run,     run,       skip,       run,       skip],
  ['SFK',       skip,       run,     excl,      run,        run,       skip],
  ['FFF',       skip,       run,     run,       skip,       run,       skip],
  ['SSS',       run,        run,     excl,      run,        excl,      run ],
]

export interface TruthRow {
  readonly upstream: readonly UpstreamOutcome[]
  readonly expect: Readonly<Record<TriggerRule, Decision>>
}

/** The rows, one per combination of upstream outcomes. */
export const TRIGGER_TRUTH_ROWS: readonly TruthRow[] = ROWS.map(([up, ...decisions]) => ({
  upstream: [...up].map((c) => O[c as keyof typeof O]),
  expect: Object.fromEntries(RULE_COLUMNS.map((rule, i) => [rule, decisions[i]!])) as Record<TriggerRule, Decision>,
}))

export interface TruthCase {
  readonly rule: TriggerRule
  readonly upstream: readonly UpstreamOutcome[]
  readonly expect: Decision
  /** e.g. `one_failed after [succeeded, failed] → run` */
  readonly name: string
}

/** Every (rule, upstream outcomes) pair of the table, flattened for `test.each`. */
export const TRIGGER_TRUTH_TABLE: readonly TruthCase[] = TRIGGER_TRUTH_ROWS.flatMap((row) =>
  RULE_COLUMNS.map((rule) => ({ rule, upstream: row.upstream, expect: row.expect[rule], name: `${rule} after [${row.upstream.join(', ')}] → ${row.expect[rule]}` })),
)
