/**
 * The invalid-spec table: every fixture in test/fixtures/pipelines/invalid/ with the exact
 * diagnostics it must produce (code, 1-based line and column, JSON pointer). The wording of every
 * message is pinned separately in messages.snap.txt.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import type { Diagnostic } from '../../../src/spec/diagnostics.ts'
import { FIXTURES, fixture, testCatalog } from './support.ts'

interface Case {
  readonly file: string
  readonly want: readonly Partial<Diagnostic>[]
}

const validate = (file: string) => validateSpecFile(fixture('invalid', file), { plugins: testCatalog, projectRoot: FIXTURES })

const CASES: readonly Case[] = [
  { file: 'alias-bomb.yaml', want: [{ code: 'ALIAS_LIMIT', line: 8, column: 36, pointer: '' }] },
  { file: 'bad-column-type.yaml', want: [{ code: 'INVALID_ENUM', line: 7, column: 43, pointer: '/tasks/a/output/columns/id' }] },
  { file: 'bad-duration-retry-delay.yaml', want: [{ code: 'INVALID_DURATION', line: 7, column: 31, pointer: '/tasks/a/retries/delay' }] },
  { file: 'bad-duration.yaml', want: [{ code: 'INVALID_DURATION', line: 5, column: 12, pointer: '/defaults/timeout' }] },
  // A duration is a number and its unit, nothing around or between them; a quoted number is a string.
  { file: 'duration-spaces.yaml', want: [
    { code: 'INVALID_DURATION', line: 5, column: 12, pointer: '/defaults/timeout' },
    { code: 'INVALID_DURATION', line: 9, column: 31, pointer: '/tasks/a/retries/delay' },
    { code: 'INVALID_DURATION', line: 10, column: 19, pointer: '/tasks/a/cache/ttl' },
    { code: 'INVALID_DURATION', line: 13, column: 14, pointer: '/tasks/b/timeout' },
  ] },
  // Under 1 ms a timeout would round to 0, no time limit; 0 itself is that, and 1 ms is honoured.
  { file: 'timeout-under-1ms.yaml', want: [
    { code: 'INVALID_DURATION', line: 5, column: 12, pointer: '/defaults/timeout' },
    { code: 'INVALID_DURATION', line: 9, column: 14, pointer: '/tasks/a/timeout' },
  ] },
  { file: 'bad-enum-no-match.yaml', want: [{ code: 'INVALID_ENUM', line: 9, column: 12, pointer: '/schedule/catchup' }] },
  { file: 'bad-enum-overlap.yaml', want: [{ code: 'INVALID_ENUM', line: 9, column: 12, pointer: '/schedule/overlap' }] },
  { file: 'bad-param-default.yaml', want: [{ code: 'INVALID_DEFAULT', line: 5, column: 39, pointer: '/params/threshold/default' }] },
  // JSON has no NaN or Infinity: in process a handler got NaN, from the run store or a subprocess null.
  { file: 'param-default-nan.yaml', want: [
    { code: 'INVALID_DEFAULT', line: 5, column: 21, pointer: '/params/limit/default' },
    { code: 'INVALID_DEFAULT', line: 6, column: 43, pointer: '/params/range/default/high' },
    { code: 'INVALID_VALUE', line: 13, column: 20, pointer: '/schedule/params/limit' },
  ] },
  { file: 'bad-trigger-defaults.yaml', want: [{ code: 'INVALID_TRIGGER', line: 5, column: 12, pointer: '/defaults/trigger' }] },
  { file: 'bad-trigger.yaml', want: [{ code: 'INVALID_TRIGGER', line: 10, column: 14, pointer: '/tasks/b/trigger' }] },
  { file: 'bad-type-ref-form.yaml', want: [{ code: 'UNKNOWN_TYPE', line: 8, column: 18, pointer: '/tasks/a/values/v/$ref' }] },
  { file: 'cache-bad-ttl.yaml', want: [{ code: 'INVALID_DURATION', line: 5, column: 31, pointer: '/defaults/cache/ttl' }] },
  { file: 'cache-version-number.yaml', want: [{ code: 'WRONG_TYPE', line: 7, column: 23, pointer: '/tasks/a/cache/version' }] },
  { file: 'cache-wrong-type.yaml', want: [{ code: 'WRONG_TYPE', line: 7, column: 12, pointer: '/tasks/a/cache' }] },
  { file: 'cron-field-count.yaml', want: [{ code: 'INVALID_CRON', line: 8, column: 9, pointer: '/schedule/cron' }] },
  { file: 'cron-never-fires.yaml', want: [{ code: 'INVALID_CRON', line: 8, column: 9, pointer: '/schedule/cron' }] },
  { file: 'cron-nickname.yaml', want: [{ code: 'INVALID_CRON', line: 8, column: 9, pointer: '/schedule/cron' }] },
  { file: 'cron-out-of-range.yaml', want: [{ code: 'INVALID_CRON', line: 8, column: 9, pointer: '/schedule/cron' }] },
  { file: 'cycle-needs.yaml', want: [{ code: 'DEPENDENCY_CYCLE', line: 10, column: 13, pointer: '/tasks/b/needs/0' }] },
  { file: 'cycle.yaml', want: [{ code: 'DEPENDENCY_CYCLE', line: 12, column: 10, pointer: '/tasks/b/inputs/x' }] },
  { file: 'duplicate-key.yaml', want: [{ code: 'DUPLICATE_KEY', line: 7, column: 3, pointer: '/tasks/a' }] },
  { file: 'empty-tasks.yaml', want: [{ code: 'MISSING_FIELD', line: 4, column: 1, pointer: '/tasks' }] },
  { file: 'empty.yaml', want: [{ code: 'NOT_A_PIPELINE', line: 1, column: 1, pointer: '' }] },
  // issue 11: mapped tasks (foreach)
  { file: 'foreach-bad-concurrency.yaml', want: [
      { code: 'INVALID_VALUE', line: 7, column: 44, pointer: '/tasks/m/foreach/concurrency' },
      { code: 'UNKNOWN_KEY', line: 10, column: 31, pointer: '/tasks/n/foreach/concurency' },
      { code: 'MISSING_FIELD', line: 13, column: 5, pointer: '/tasks/o/foreach' },
    ] },
  { file: 'foreach-not-array.yaml', want: [
      { code: 'FOREACH_NOT_ARRAY', line: 15, column: 14, pointer: '/tasks/by_param/foreach' },
      { code: 'FOREACH_NOT_ARRAY', line: 18, column: 24, pointer: '/tasks/by_output/foreach/items' },
      { code: 'FOREACH_NOT_ARRAY', line: 21, column: 14, pointer: '/tasks/by_table/foreach' },
      { code: 'FOREACH_NOT_ARRAY', line: 24, column: 23, pointer: '/tasks/by_text/foreach' },
      { code: 'WRONG_TYPE', line: 27, column: 14, pointer: '/tasks/by_scalar/foreach' },
      { code: 'FOREACH_NOT_ARRAY', line: 30, column: 14, pointer: '/tasks/by_run/foreach' },
    ] },
  { file: 'item-outside-map.yaml', want: [
      { code: 'ITEM_OUTSIDE_MAP', line: 7, column: 24, pointer: '/tasks/a/inputs/region' },
      { code: 'ITEM_OUTSIDE_MAP', line: 7, column: 43, pointer: '/tasks/a/inputs/at' },
      { code: 'ITEM_OUTSIDE_MAP', line: 10, column: 14, pointer: '/tasks/b/foreach' },
      // In a literal list, used as written: at the element.
      { code: 'ITEM_OUTSIDE_MAP', line: 13, column: 20, pointer: '/tasks/c/foreach/1' },
      { code: 'ITEM_OUTSIDE_MAP', line: 13, column: 43, pointer: '/tasks/c/foreach/2/at' },
    ] },
  // A type defined as itself: checking a value never ended (a stack overflow at run time, `type A = A` in codegen).
  { file: 'type-ref-cycle.yaml', want: [
      { code: 'INVALID_SCHEMA', line: 5, column: 14, pointer: '/types/A/$ref' },
      { code: 'INVALID_SCHEMA', line: 6, column: 24, pointer: '/types/B/allOf/0/$ref' },
    ] },
  { file: 'item-field-unknown.yaml', want: [
      { code: 'ITEM_FIELD_UNKNOWN', line: 18, column: 48, pointer: '/tasks/per_region/inputs/name' },
      { code: 'ITEM_FIELD_UNKNOWN', line: 22, column: 23, pointer: '/tasks/per_name/inputs/first' },
    ] },
  { file: 'output-field-unknown.yaml', want: [
      { code: 'OUTPUT_FIELD_UNKNOWN', line: 19, column: 12, pointer: '/tasks/use/inputs/foo' },
      { code: 'OUTPUT_FIELD_UNKNOWN', line: 20, column: 16, pointer: '/tasks/use/inputs/b' },
      { code: 'OUTPUT_FIELD_UNKNOWN', line: 21, column: 15, pointer: '/tasks/use/inputs/nested' },
      { code: 'OUTPUT_FIELD_UNKNOWN', line: 22, column: 15, pointer: '/tasks/use/inputs/length' },
      { code: 'OUTPUT_FIELD_UNKNOWN', line: 23, column: 14, pointer: '/tasks/use/inputs/count' },
      { code: 'OUTPUT_FIELD_UNKNOWN', line: 26, column: 14, pointer: '/tasks/mapped/foreach' },
    ] },
  { file: 'map-output-path.yaml', want: [
      { code: 'MAP_OUTPUT_PATH', line: 11, column: 24, pointer: '/tasks/fan_in/inputs/totals' },
      { code: 'MAP_OUTPUT_PATH', line: 14, column: 14, pointer: '/tasks/chain/foreach' },
    ] },
  // issue 11: `concat:` (one table from a mapped table task)
  { file: 'concat-misused.yaml', want: [
      { code: 'CONCAT_NOT_MAPPED', line: 27, column: 20, pointer: '/tasks/report/concat/1' },
      { code: 'CONCAT_NOT_TABLE', line: 27, column: 28, pointer: '/tasks/report/concat/2' },
      { code: 'CONCAT_NOT_FAN_IN', line: 27, column: 34, pointer: '/tasks/report/concat/3' },
      { code: 'CONCAT_NOT_FAN_IN', line: 27, column: 40, pointer: '/tasks/report/concat/4' },
      { code: 'CONCAT_NOT_FAN_IN', line: 27, column: 47, pointer: '/tasks/report/concat/5' },
      { code: 'CONCAT_UNKNOWN_INPUT', line: 27, column: 55, pointer: '/tasks/report/concat/6' },
      // A repeat is reported at the repeat, the item to remove.
      { code: 'INVALID_VALUE', line: 31, column: 20, pointer: '/tasks/dup/concat/1' },
      { code: 'CONCAT_NOT_FAN_IN', line: 36, column: 14, pointer: '/tasks/per_item/concat/0' },
    ] },
  { file: 'handler-bad-form.yaml', want: [{ code: 'INVALID_VALUE', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'handler-export-in-comment.yaml', want: [
      { code: 'HANDLER_EXPORT_MISSING', line: 6, column: 14, pointer: '/tasks/a/handler' },
      { code: 'HANDLER_EXPORT_MISSING', line: 8, column: 14, pointer: '/tasks/b/handler' },
    ] },
  { file: 'handler-export-in-string.yaml', want: [{ code: 'HANDLER_EXPORT_MISSING', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'handler-export-missing.yaml', want: [{ code: 'HANDLER_EXPORT_MISSING', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  // issue 15: both passed validate and failed only at run time
  { file: 'handler-not-a-function.yaml', want: [
      { code: 'HANDLER_NOT_A_FUNCTION', line: 6, column: 14, pointer: '/tasks/a/handler' },
      { code: 'HANDLER_NOT_A_FUNCTION', line: 8, column: 14, pointer: '/tasks/b/handler' },
      { code: 'HANDLER_NOT_A_FUNCTION', line: 10, column: 14, pointer: '/tasks/c/handler' },
      { code: 'HANDLER_NOT_A_FUNCTION', line: 12, column: 14, pointer: '/tasks/d/handler' },
      // A class passed validate and failed at every run: it cannot be called without new.
      { code: 'HANDLER_NOT_A_FUNCTION', line: 14, column: 14, pointer: '/tasks/e/handler' },
    ] },
  // A folder without an index file: said not to exist, as if the path were misspelt (probe finding)
  { file: 'handler-is-folder.yaml', want: [{ code: 'HANDLER_NOT_FOUND', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'handler-not-found.yaml', want: [{ code: 'HANDLER_NOT_FOUND', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'handler-outside-project.yaml', want: [{ code: 'HANDLER_OUTSIDE_PROJECT', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'handler-syntax-error.yaml', want: [{ code: 'HANDLER_SYNTAX_ERROR', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'handler-type-only-export.yaml', want: [{ code: 'HANDLER_EXPORT_MISSING', line: 6, column: 14, pointer: '/tasks/a/handler' }] },
  { file: 'invalid-output-schema.yaml', want: [{ code: 'INVALID_SCHEMA', line: 7, column: 39, pointer: '/tasks/a/output/required' }] },
  { file: 'invalid-param-name.yaml', want: [{ code: 'INVALID_NAME', line: 5, column: 3, pointer: '/params/Threshold' }] },
  { file: 'invalid-param-schema.yaml', want: [{ code: 'INVALID_SCHEMA', line: 5, column: 18, pointer: '/params/limit/type' }] },
  { file: 'invalid-pipeline-name.yaml', want: [{ code: 'INVALID_NAME', line: 3, column: 7, pointer: '/name' }] },
  { file: 'invalid-reference.yaml', want: [
      { code: 'INVALID_REFERENCE', line: 10, column: 14, pointer: '/tasks/b/inputs/whole' },
      { code: 'INVALID_REFERENCE', line: 11, column: 14, pointer: '/tasks/b/inputs/ns' },
      { code: 'INVALID_REFERENCE', line: 12, column: 14, pointer: '/tasks/b/inputs/open' },
    ] },
  { file: 'invalid-schema-pattern.yaml', want: [{ code: 'INVALID_SCHEMA', line: 8, column: 38, pointer: '/tasks/a/values/code/pattern' }] },
  { file: 'invalid-task-id.yaml', want: [{ code: 'INVALID_NAME', line: 5, column: 3, pointer: '/tasks/Extract-Orders' }] },
  { file: 'io-config-bad-enum.yaml', want: [{ code: 'IO_CONFIG', line: 5, column: 37, pointer: '/io/default/compression' }] },
  { file: 'io-config-missing-field.yaml', want: [{ code: 'IO_CONFIG', line: 5, column: 3, pointer: '/io/lake' }] },
  { file: 'io-config-unknown-key.yaml', want: [{ code: 'IO_CONFIG', line: 7, column: 5, pointer: '/io/default/rot' }] },
  { file: 'io-unknown-type.yaml', want: [{ code: 'UNKNOWN_IO_TYPE', line: 5, column: 17, pointer: '/io/lake/type' }] },
  { file: 'json-schema-errors.json', want: [
      { code: 'UNKNOWN_KEY', line: 6, column: 61, pointer: '/tasks/extract/timout' },
      { code: 'INVALID_TRIGGER', line: 6, column: 89, pointer: '/tasks/extract/trigger' },
    ] },
  { file: 'json-syntax.json', want: [{ code: 'YAML_SYNTAX', line: 5, column: 3, pointer: '' }] },
  { file: 'json-unknown-task.json', want: [{ code: 'UNKNOWN_TASK', line: 9, column: 30, pointer: '/tasks/summarize/inputs/orders' }] },
  // issue 15: a Latin-1 'é' was silently replaced by U+FFFD and reached handlers as 'caf�'
  { file: 'latin1-encoding.yaml', want: [{ code: 'INVALID_ENCODING', line: 4, column: 17, pointer: '' }] },
  { file: 'many-problems.yaml', want: [
      { code: 'INVALID_ENUM', line: 2, column: 7, pointer: '/kind' },
      { code: 'WRONG_TYPE', line: 3, column: 7, pointer: '/name' },
      { code: 'WRONG_TYPE', line: 4, column: 14, pointer: '/description' },
      { severity: 'warning', code: 'UNUSED_PARAM', line: 6, column: 3, pointer: '/params/p' },
      { code: 'WRONG_TYPE', line: 6, column: 6, pointer: '/params/p' },
      { severity: 'warning', code: 'UNUSED_PARAM', line: 7, column: 3, pointer: '/params/q' },
      { code: 'INVALID_SCHEMA', line: 7, column: 45, pointer: '/params/q/minLength' },
      { code: 'INVALID_SCHEMA', line: 9, column: 32, pointer: '/types/T/required' },
      { code: 'MISSING_FIELD', line: 11, column: 3, pointer: '/io/lake' },
      { code: 'INVALID_NAME', line: 12, column: 3, pointer: '/io/Bad-Name' },
      { severity: 'warning', code: 'UNUSED_IO', line: 12, column: 3, pointer: '/io/Bad-Name' },
      { code: 'MISSING_FIELD', line: 14, column: 3, pointer: '/defaults/retries' },
      { code: 'INVALID_DURATION', line: 15, column: 12, pointer: '/defaults/timeout' },
      { code: 'INVALID_VALUE', line: 18, column: 14, pointer: '/tasks/a/handler' },
      { code: 'INVALID_NAME', line: 19, column: 15, pointer: '/tasks/a/inputs/bad-name' },
      { code: 'INVALID_REFERENCE', line: 19, column: 35, pointer: '/tasks/a/inputs/ok' },
      { code: 'INVALID_REFERENCE', line: 19, column: 57, pointer: '/tasks/a/inputs/t' },
      { code: 'INVALID_REFERENCE', line: 19, column: 85, pointer: '/tasks/a/inputs/u' },
      { code: 'INVALID_REFERENCE', line: 19, column: 105, pointer: '/tasks/a/inputs/v' },
      { code: 'INVALID_VALUE', line: 20, column: 16, pointer: '/tasks/a/needs/1' },
      { code: 'MISSING_FIELD', line: 21, column: 28, pointer: '/tasks/a/output/columns' },
      { code: 'WRONG_TYPE', line: 22, column: 18, pointer: '/tasks/a/values/v' },
      { code: 'INVALID_VALUE', line: 23, column: 14, pointer: '/tasks/a/command' },
      { code: 'INVALID_NAME', line: 26, column: 39, pointer: '/tasks/b/output/columns/1x' },
      { code: 'INVALID_ENUM', line: 27, column: 33, pointer: '/tasks/b/retries/backoff' },
      { code: 'INVALID_VALUE', line: 27, column: 49, pointer: '/tasks/b/retries/factor' },
      { code: 'MISSING_FIELD', line: 28, column: 1, pointer: '/schedule' },
      { code: 'WRONG_TYPE', line: 29, column: 13, pointer: '/schedule/timezone' },
      { code: 'INVALID_VALUE', line: 30, column: 17, pointer: '/schedule/catchupLimit' },
      { code: 'WRONG_TYPE', line: 32, column: 9, pointer: '/targets/argo' },
    ] },
  { file: 'missing-handler.yaml', want: [{ code: 'MISSING_FIELD', line: 5, column: 3, pointer: '/tasks/a' }] },
  { file: 'missing-top-level.yaml', want: [{ code: 'MISSING_FIELD', line: 1, column: 1, pointer: '' }] },
  { file: 'multiple-documents.yaml', want: [{ code: 'MULTIPLE_DOCUMENTS', line: 7, column: 1, pointer: '' }] },
  { file: 'output-path-on-table.yaml', want: [{ code: 'OUTPUT_PATH_ON_TABLE', line: 10, column: 21, pointer: '/tasks/b/inputs/ids' }] },
  // issue 15: names every JavaScript object has built in are refused where weir builds objects from them
  { file: 'proto-keys.yaml', want: [
      { code: 'RESERVED_KEY', line: 5, column: 3, pointer: '/params/__proto__' },
      { code: 'RESERVED_KEY', line: 7, column: 3, pointer: '/tasks/constructor' },
      { code: 'RESERVED_KEY', line: 11, column: 3, pointer: '/tasks/prototype' },
      { code: 'INVALID_REFERENCE', line: 17, column: 13, pointer: '/tasks/load/inputs/rows' },
      { code: 'RESERVED_KEY', line: 18, column: 24, pointer: '/tasks/load/inputs/cfg/nested/__proto__' },
    ] },
  { file: 'reference-twice.yaml', want: [
      { code: 'UNKNOWN_TASK', line: 7, column: 19, endColumn: 41, pointer: '/tasks/a/inputs/x' },
      { code: 'UNKNOWN_TASK', line: 7, column: 46, endColumn: 68, pointer: '/tasks/a/inputs/x' },
    ] },
  // issue 15: a recursive alias made the data infinite and crashed every command with a stack overflow
  { file: 'recursive-alias-mapping.yaml', want: [{ code: 'RECURSIVE_ALIAS', line: 8, column: 13, pointer: '' }] },
  { file: 'recursive-alias.yaml', want: [{ code: 'RECURSIVE_ALIAS', line: 5, column: 16, endLine: 5, endColumn: 18, pointer: '' }] },
  { file: 'retries-out-of-range.yaml', want: [{ code: 'INVALID_VALUE', line: 7, column: 14, pointer: '/tasks/a/retries' }] },
  { file: 'schedule-param-wrong-type.yaml', want: [{ code: 'INVALID_VALUE', line: 13, column: 16, pointer: '/schedule/params/threshold' }] },
  { file: 'schedule-unknown-param.yaml', want: [{ code: 'UNKNOWN_PARAM', line: 12, column: 13, pointer: '/schedule/params/treshold' }] },
  { file: 'self-dependency-needs.yaml', want: [{ code: 'SELF_DEPENDENCY', line: 7, column: 13, pointer: '/tasks/a/needs/0' }] },
  { file: 'self-dependency-ref.yaml', want: [{ code: 'SELF_DEPENDENCY', line: 8, column: 19, pointer: '/tasks/a/inputs/me' }] },
  { file: 'tab-indent.yaml', want: [{ code: 'YAML_SYNTAX', line: 6, column: 1, pointer: '' }] },
  { file: 'target-config.yaml', want: [
      { code: 'TARGET_CONFIG', line: 8, column: 3, pointer: '/targets/argo' },
      { code: 'TARGET_CONFIG', line: 9, column: 5, pointer: '/targets/argo/imag' },
      { code: 'TARGET_CONFIG', line: 10, column: 16, pointer: '/targets/argo/namespace' },
    ] },
  { file: 'target-unknown.yaml', want: [{ code: 'UNKNOWN_TARGET', line: 8, column: 3, pointer: '/targets/argoo' }] },
  // issue 15: was "'tasks' is ? characters long" at the first task
  { file: 'task-id-too-long.yaml', want: [{ code: 'INVALID_NAME', line: 7, column: 3, pointer: '/tasks/extract_orders_from_the_warehouse_and_normalise_every_currency_column' }] },
  { file: 'top-level-list.yaml', want: [{ code: 'NOT_A_PIPELINE', line: 1, column: 1, pointer: '' }] },
  { file: 'unknown-io-defaults.yaml', want: [{ code: 'UNKNOWN_IO', line: 5, column: 7, pointer: '/defaults/io' }] },
  { file: 'unknown-io.yaml', want: [{ code: 'UNKNOWN_IO', line: 9, column: 9, pointer: '/tasks/a/io' }] },
  { file: 'unknown-key-no-match.yaml', want: [{ code: 'UNKNOWN_KEY', line: 7, column: 5, pointer: '/tasks/a/schedule' }] },
  { file: 'unknown-param.yaml', want: [{ code: 'UNKNOWN_PARAM', line: 10, column: 10, pointer: '/tasks/a/inputs/t' }] },
  { file: 'unknown-retry-policy-key.yaml', want: [{ code: 'UNKNOWN_KEY', line: 5, column: 33, pointer: '/defaults/retries/jiter' }] },
  { file: 'unknown-task-key.yaml', want: [{ code: 'UNKNOWN_KEY', line: 7, column: 5, pointer: '/tasks/a/retry' }] },
  { file: 'unknown-task-needs.yaml', want: [{ code: 'UNKNOWN_TASK', line: 9, column: 22, pointer: '/tasks/summarize/needs/1' }] },
  { file: 'unknown-task-ref.yaml', want: [{ code: 'UNKNOWN_TASK', line: 10, column: 15, pointer: '/tasks/summarize/inputs/orders' }] },
  { file: 'unknown-timezone.yaml', want: [{ code: 'UNKNOWN_TIMEZONE', line: 9, column: 13, pointer: '/schedule/timezone' }] },
  { file: 'unknown-timezone-far.yaml', want: [{ code: 'UNKNOWN_TIMEZONE', line: 9, column: 13, pointer: '/schedule/timezone' }] },
  {
    file: 'key-not-string.yaml',
    want: [
      { code: 'KEY_NOT_STRING', line: 7, column: 15, pointer: '/tasks/a/inputs', message: "A key in 'tasks.a.inputs' is null; keys are names, so write a string (quote it if it must read '~' or 'null')." },
      { code: 'KEY_NOT_STRING', line: 8, column: 5, pointer: '/tasks', message: expect.stringContaining("A key in 'tasks' is a list;") },
    ],
  },
  {
    file: 'not-json.yaml',
    want: [
      { code: 'NOT_JSON', line: 8, column: 10, pointer: '/tasks/a/inputs/x', message: expect.stringContaining('is .inf, a number JSON cannot hold') },
      { code: 'NOT_JSON', line: 9, column: 25, pointer: '/tasks/a/inputs/when', message: expect.stringContaining("write it as a quoted string ('2027-03-28')") },
    ],
  },
  { file: 'unknown-top-key.yaml', want: [{ code: 'UNKNOWN_KEY', line: 4, column: 1, pointer: '/descripton' }] },
  { file: 'unknown-type-ref.yaml', want: [{ code: 'UNKNOWN_TYPE', line: 9, column: 21, pointer: '/tasks/a/output/$ref' }] },
  { file: 'unknown-value.yaml', want: [{ code: 'UNKNOWN_VALUE', line: 10, column: 22, pointer: '/tasks/b/inputs/rows' }] },
  { file: 'warning-timezone-spelling.yaml', want: [{ severity: 'warning', code: 'TIMEZONE_SPELLING', line: 9, column: 13, pointer: '/schedule/timezone', message: expect.stringContaining("write 'Europe/Berlin'") }] },
  { file: 'warning-tolerated-failure.yaml', want: [{ severity: 'warning', code: 'TOLERATED_FAILURE_INPUT', line: 11, column: 15, pointer: '/tasks/b/inputs/orders' }] },
  { file: 'warning-unused-io.yaml', want: [{ severity: 'warning', code: 'UNUSED_IO', line: 5, column: 3, pointer: '/io/lake' }] },
  { file: 'warning-unused-param.yaml', want: [{ severity: 'warning', code: 'UNUSED_PARAM', line: 5, column: 3, pointer: '/params/threshold' }] },
  { file: 'wrong-api-version.yaml', want: [{ code: 'INVALID_ENUM', line: 1, column: 13, pointer: '/apiVersion' }] },
  { file: 'wrong-type-needs.yaml', want: [{ code: 'WRONG_TYPE', line: 9, column: 12, pointer: '/tasks/b/needs' }] },
  { file: 'wrong-type-retries.yaml', want: [{ code: 'WRONG_TYPE', line: 7, column: 14, pointer: '/tasks/a/retries' }] },
  { file: 'wrong-type-tasks.yaml', want: [{ code: 'WRONG_TYPE', line: 5, column: 3, pointer: '/tasks' }] },
  { file: 'yaml-syntax.yaml', want: [
      { code: 'YAML_SYNTAX', line: 7, column: 24, pointer: '' },
      { code: 'YAML_SYNTAX', line: 7, column: 25, pointer: '' },
    ] },
]

describe('invalid specs', () => {
  test.each(CASES)('$file', async ({ file, want }) => {
    const { diagnostics, pipeline } = await validate(file)
    expect(diagnostics).toMatchObject(want)
    const hasError = want.some((d) => d.severity !== 'warning')
    expect(pipeline === undefined).toBe(hasError)
  })

  test('every fixture in the folder has a row in the table', () => {
    const files = readdirSync(`${FIXTURES}/invalid`).sort()
    expect(CASES.map((c) => c.file).sort()).toEqual(files)
    expect(files.length).toBeGreaterThanOrEqual(40)
  })

  test('messages are single sentences with no leaked placeholders, pinned word for word', async () => {
    let pinned = ''
    for (const { file } of CASES) {
      for (const d of (await validate(file)).diagnostics) {
        expect(d.message).not.toMatch(/undefined|\[object Object\]|NaN/)
        expect(d.message).not.toContain('\n')
        expect(d.message).toMatch(/^[A-Z'$]/)
        expect(d.message).toMatch(/[.?]$/)
        // Absolute paths depend on where the checkout lives; pin them relative to the repository.
        pinned += `${file} ${d.code}: ${d.message.split(process.cwd()).join('<repo>')}\n`
      }
    }
    await expect(pinned).toMatchFileSnapshot('./__snapshots__/messages.snap.txt')
  })
})
