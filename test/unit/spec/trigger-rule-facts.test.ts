// The facts the trigger-rule table states besides its evaluator (which upstream outcomes a rule runs
// after, which rules are failure handlers) must agree with the hand-written truth table: spec
// warnings and generated handler types read these facts instead of restating them (issue 14).
import { describe, expect, test } from 'vitest'
import { TRIGGER_RULE_TABLE, toleratesMissingUpstream } from '../../../src/spec/trigger-rules.ts'
import { TRIGGER_RULES } from '../../../src/spec/model.ts'
import { TRIGGER_TRUTH_TABLE } from '../runtime/trigger-table.ts'

/** Whether some row of the truth table runs `rule` although an upstream ended as one of `outcomes`. */
function runsAfter(rule: string, outcomes: readonly string[]): boolean {
  return TRIGGER_TRUTH_TABLE.some((c) => c.rule === rule && c.expect === 'run' && c.upstream.some((o) => outcomes.includes(o)))
}

describe.each(TRIGGER_RULES)('%s', (rule) => {
  const form = TRIGGER_RULE_TABLE[rule]

  test('tolerates a failed upstream exactly when the truth table runs it after a failure', () => {
    expect(form.toleratedUpstream.includes('failed')).toBe(runsAfter(rule, ['failed', 'cancelled']))
  })

  test('tolerates a skipped upstream exactly when the truth table runs it after a skip', () => {
    expect(form.toleratedUpstream.includes('skipped')).toBe(runsAfter(rule, ['skipped']))
  })

  test('may lack an upstream output exactly when it tolerates a failed or skipped upstream', () => {
    expect(toleratesMissingUpstream(rule)).toBe(runsAfter(rule, ['failed', 'cancelled', 'skipped']))
  })

  test('is a failure handler exactly when an unmet condition excludes it', () => {
    const excludes = TRIGGER_TRUTH_TABLE.some((c) => c.rule === rule && c.expect === 'exclude' && !c.upstream.every((o) => o === 'excluded'))
    expect(form.isFailureHandler).toBe(excludes)
  })
})
