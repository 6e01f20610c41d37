/**
 * Databricks' limits on a `for_each_task`, as weir generates and checks them (docs/fan-out.md, "Limits").
 *
 * - The index list is a task value, and "the size of the JSON representation of the value cannot
 *   exceed 48 KiB" (Databricks, task values). Written compactly, `[0,1,…,9999]` is 48,891 bytes and
 *   fits 49,152; 10,001 indexes would not be safe to promise, so a map has at most 10,000 items.
 * - `concurrency`: at most 100, the cap weir's docs have given since fan-out was designed. The For
 *   each pages searched for this change give 1 as the UI default and no cap, the published job
 *   schema does not bound it, and no workspace was tried: a conservative bound, not a verified one.
 * - The nested task cannot be another `for_each_task`; weir's never is.
 */

/** Most items of one map on Databricks: what the 48 KiB task value holds as an index list. */
export const DATABRICKS_MAX_ITEMS = 10_000
/** Bytes a task value may take (48 KiB). */
export const TASK_VALUE_MAX_BYTES = 48 * 1024
/** Most iterations of a `for_each_task` running at once. */
export const MAX_FOR_EACH_CONCURRENCY = 100
/** `for_each_task.concurrency` when the spec sets none: as many as Databricks allows (locally, only `--concurrency` bounds it). */
export const DEFAULT_FOR_EACH_CONCURRENCY = MAX_FOR_EACH_CONCURRENCY
