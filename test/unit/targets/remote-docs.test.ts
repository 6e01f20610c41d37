/** docs/remote.md says what the code does: the trigger-rule forms, the template variables, the exit codes. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { TRIGGER_RULE_TABLE } from '../../../src/spec/trigger-rules.ts'
import { TRIGGER_RULES } from '../../../src/spec/model.ts'
import { TEMPLATE_VARIABLES } from '../../../src/spec/rules/command-templates.ts'
import { EXECUTE_EXIT } from '../../../src/runtime/execute/contract.ts'
import { retryStrategyOf } from '../../../src/plugins/targets/argo/workflow.ts'

const doc = readFileSync(resolve('docs/remote.md'), 'utf8')
const unescape = (cell: string) => cell.replaceAll('\\|', '|').replace(/^`|`$/g, '')

describe('docs/remote.md', () => {
  test.each(TRIGGER_RULES)('shows the run_if and depends of %s as generated for upstream tasks A and B', (rule) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${rule}\` |`))
    expect(row, `a table row for ${rule}`).toBeDefined()
    const cells = row!.split(/(?<!\\)\|/).map((c) => c.trim())
    const form = TRIGGER_RULE_TABLE[rule]
    expect(unescape(cells[2]!)).toBe(form.databricksRunIf)
    const depends = form.argoDepends([{ name: 'A' }, { name: 'B' }])
    if (rule === 'all_done') expect(depends).toBe('(A.Succeeded || A.Failed || A.Errored || A.Omitted) && (B.Succeeded || B.Failed || B.Errored || B.Omitted)')
    else expect(unescape(cells[3]!)).toBe(depends)
  })

  test('lists every template variable', () => {
    for (const name of TEMPLATE_VARIABLES) expect(doc).toContain(`\`{{${name}}}\``)
  })

  test('lists every exit code of weir execute', () => {
    for (const code of Object.values(EXECUTE_EXIT)) expect(doc).toMatch(new RegExp(`^\\| (${code}|130 / ${code}) \\|`, 'm'))
  })
})

describe('docs/retries.md', () => {
  test('names the backoff fields the Argo target writes, and no other (it said maxDuration, a limit on the total retry time)', () => {
    const retries = readFileSync(resolve('docs/retries.md'), 'utf8')
    const backoff = retryStrategyOf({ maxRetries: 3, backoff: 'exponential', delayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 'none', retryOnTimeout: true })!.backoff as Record<string, unknown>
    for (const field of Object.keys(backoff)) expect(retries).toContain(`\`backoff.${field}\``)
    const named = [...retries.matchAll(/`backoff\.(\w+)`/g)].map((m) => m[1])
    expect(named.filter((field) => !(field! in backoff))).toEqual([])
  })
})
