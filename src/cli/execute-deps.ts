/**
 * What `weir execute` needs once its arguments are checked and its spec is read, in one module so
 * that it loads as one chunk (see scripts/build.mjs): params, the attempt, the built-in IoManagers.
 */
export { parseParamArgs, resolveParams } from '../runtime/params.ts'
export { createStderrLogger, executeReport, executeTask, ExecuteUsageError } from '../runtime/execute/execute-task.ts'
export { runOfArguments } from '../runtime/execute/run-trigger.ts'
export { builtinIo } from '../plugins/builtin-io.ts'
export { tellParentRecorded } from '../runtime/execute/parent-pipe.ts'
export { enableBlockedLoopWatchdog, startBlockedLoopWatchdog } from '../runtime/blocked-loop-watchdog.ts'
