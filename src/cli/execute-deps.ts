/**
 * What `weir execute` needs once its arguments are checked, in one module so that it loads as one
 * chunk (see scripts/build.mjs): the spec read again for a run that validated it, params, the
 * attempt, the built-in IoManagers. A spec that must be validated in full loads validate.ts apart.
 */
export { loadValidatedSpecFile } from '../spec/validated-spec.ts'
export { parseParamArgs, resolveParams } from '../runtime/params.ts'
export { createStderrLogger, executeTask, ExecuteUsageError } from '../runtime/execute/execute-task.ts'
export { builtinIo } from '../plugins/builtin-io.ts'
