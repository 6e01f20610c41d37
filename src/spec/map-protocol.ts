/**
 * Names the engines and `weir execute` share for mapped tasks (docs/fan-out.md): the generated
 * Databricks and Argo definitions (src/plugins/targets/) and `weir execute --list-items`
 * (src/runtime/execute/) both use them, so they live in the bottom layer.
 */

/**
 * Where `weir execute --list-items` writes the engine's index list, as `<dir>/indexes.json` (a JSON
 * array). The Databricks list notebook sets it, then makes each file there a task value; the Argo
 * list template sets it and reads the file as its output parameter.
 */
export const TASK_VALUE_DIR_ENV = 'WEIR_TASK_VALUE_DIR'

/** The name of the index list, as a task value (Databricks) and an output parameter (Argo). */
export const INDEXES_VALUE = 'indexes'

/**
 * The one index the list step emits when the list cannot be used (not an array, too long, missing):
 * the map then runs one iteration, `--item-index=-1`, which fails with the list's error. So the
 * mapped task fails as itself on the engine, as it does locally, rather than looking skipped.
 */
export const LIST_FAILED_INDEX = -1
