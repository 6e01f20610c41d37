/**
 * weir ids → Databricks `task_key`s. The Jobs API takes a key of 1–100 characters from
 * `[A-Za-z0-9_-]` (its OpenAPI pattern `^[\w\-\_]+$`), unique within the job, and `depends_on`
 * refers to tasks by it. weir ids (`^[a-z][a-z0-9_]*$`, at most 63 characters) already are such
 * keys, so the key is the id itself: the identity is injective, and the key reads like the spec.
 */

/** Longest `task_key` the Jobs API takes. */
export const MAX_TASK_KEY_LENGTH = 100
const TASK_KEY = /^[A-Za-z0-9_-]+$/

/** The `task_key` of a task. */
export function toTaskKey(id: string): string {
  return id
}

/** Why Databricks would refuse a `task_key`, or undefined when it is valid. */
export function refuseTaskKey(key: string): string | undefined {
  if (!TASK_KEY.test(key)) return "Databricks refuses (a task_key takes letters, digits, '_' and '-')"
  if (key.length > MAX_TASK_KEY_LENGTH) return `is ${key.length} characters long (a task_key takes at most ${MAX_TASK_KEY_LENGTH})`
  return undefined
}
