/**
 * weir ids → Argo names, injectively: two distinct ids never get one name, whatever the other ids
 * are, so a name depends on its id alone (stable when tasks are added or removed).
 *
 * What Argo needs of a DAG task name (workflow/validate, workflow/controller/dag.go):
 * - `^[a-zA-Z0-9][-a-zA-Z0-9]*$`, at most 128 characters; weir also names the task's template
 *   `task-<name>`, and pod names are built from template names, so weir keeps to lowercase
 *   DNS-1123 label characters and at most 123 characters;
 * - `depends` is evaluated with expr-lang after Argo replaces every `-` with `_`, so a name must
 *   start with a letter (`1a.Succeeded` does not parse) and must not become an expr keyword
 *   (`in.Succeeded`, `true.Succeeded` do not compile).
 * Object names (the pipeline's WorkflowTemplate, CronWorkflow) are DNS-1123 labels of ≤ 63.
 *
 * Domain: weir ids match `^[a-z][a-z0-9_]*$`, at most 63 characters (the spec schema). R replaces
 * every `_` with `-`; since an id never contains `-`, R is injective and keeps the length.
 *
 * - Class L, an id with no `__`, not ending in `_` (and, for task names, not an expr keyword):
 *   the name is R(id). It starts with a letter, ends with a letter or digit, and has no `--`.
 * - Class D, every other id. Write id = p + '_'.repeat(k) with k ≥ 0 trailing underscores (p is
 *   not empty: an id starts with a letter). The name is R(p) + '--' + k in decimal, e.g. `a_` →
 *   `a--1`, `a__b` → `a--b--0`, `in` → `in--0`. It contains `--`; after its last `--` come only
 *   digits (R(p) ends with a letter or digit, so the marker is exactly that last `--`).
 * - Class Z, anything outside the domain (a Pipeline built by hand; never from a spec): a readable
 *   prefix + '--h' + 12 hex digits of the SHA-256 of the id, at most 63 characters.
 *
 * Why no two ids share a name:
 * - L names have no `--`; D and Z names have one. After the last `--`, a D name has only digits,
 *   a Z name starts with `h`. So the classes never share a name.
 * - Within L, R is injective.
 * - Within D, the name decodes: split at the last `--`, the digits are k, R⁻¹ of the rest is p,
 *   and id = p + '_'.repeat(k). A name with an inverse cannot come from two ids.
 * - Within Z, two ids share a name only if the first 48 bits of their hashes are equal: the one
 *   collision that remains possible, for ids no spec can contain. `checkArgo` refuses any shared
 *   name anyway (defence in depth), so Argo never receives two DAG tasks with one name.
 * A hashed name (Z) therefore never equals a plain one (L): only Z names end in `--h<hex>`.
 *
 * Lengths: L keeps the id's length (≤ 63). D adds at most 3 (`--0` when k = 0; for k ≥ 1 it
 * removes k underscores and adds 2 + digits(k) ≤ k + 2), so ≤ 66: within the 123 of a task name,
 * but an object name over 63 is possible (a 61+ character pipeline name with `__` or a trailing
 * `_`), and `checkArgo` reports it. It cannot be avoided: strings that start with a letter and have
 * at most 63 characters from `[a-z0-9-]` (not ending in `-`) are fewer than weir ids of at most 63
 * characters (26·36·37ⁿ⁻² against 26·37ⁿ⁻¹ of each length n), so no injective mapping fits all.
 */
import { createHash } from 'node:crypto'

/** Longest Kubernetes object name (DNS-1123 label) Argo accepts for a workflow or template. */
export const MAX_OBJECT_NAME_LENGTH = 63
/**
 * Longest CronWorkflow name Argo accepts: each workflow it starts is named `<name>-<unix seconds>`
 * (11 more characters), which must still be a 63-character label (workflow/validate, "must not be
 * more than 52 characters long").
 */
export const MAX_CRON_WORKFLOW_NAME_LENGTH = 52
/** Longest DAG task name: Argo's 128 for field names, less weir's `task-` template prefix. */
export const MAX_TASK_NAME_LENGTH = 123
/** Words expr-lang reads as operators or literals, not identifiers (parser/lexer/state.go, parser.go). */
export const EXPR_KEYWORDS: ReadonlySet<string> = new Set(['and', 'contains', 'else', 'false', 'if', 'in', 'let', 'matches', 'nil', 'not', 'or', 'true'])

const WEIR_ID = /^[a-z][a-z0-9_]*$/
const MAX_WEIR_ID_LENGTH = 63
const HASH_HEX = 12

/** The name of a pipeline's Argo objects (WorkflowTemplate, CronWorkflow, Workflow prefix). */
export function toObjectName(id: string): string {
  return encode(id, false)
}

/** The DAG task name of a task: usable in `depends`, distinct for distinct ids. */
export function toDagTaskName(id: string): string {
  return encode(id, true)
}

/** The DAG task name of every id, by id. */
export function toDagTaskNames(ids: readonly string[]): Map<string, string> {
  return new Map(ids.map((id) => [id, toDagTaskName(id)]))
}

function encode(id: string, avoidKeywords: boolean): string {
  if (!WEIR_ID.test(id) || id.length > MAX_WEIR_ID_LENGTH) return hashedName(id)
  let end = id.length
  while (id[end - 1] === '_') end--
  const kept = id.slice(0, end).replaceAll('_', '-')
  const plain = end === id.length && !kept.includes('--') && !(avoidKeywords && EXPR_KEYWORDS.has(id))
  return plain ? kept : `${kept}--${id.length - end}`
}

/** Class Z: a readable prefix, `--h` and a hash of the whole id. */
function hashedName(id: string): string {
  const hash = createHash('sha256').update(id).digest('hex').slice(0, HASH_HEX)
  const readable = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '')
  const prefix = (readable || 'x').slice(0, MAX_OBJECT_NAME_LENGTH - HASH_HEX - 3).replace(/-+$/, '')
  return `${prefix}--h${hash}`
}
