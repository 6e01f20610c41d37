/**
 * Before a resume runs, it tidies what the resumed run's processes left when they died (a kill -9
 * in the middle of a write): the temp files of dead writers in the run's folder of the run store
 * and in its output folders of every `fs` IoManager, and the records of its task processes. A
 * resume only starts once none of those processes lives (see plan-resume-from-store.ts), and a
 * temp file whose writer lives is kept all the same.
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { IoPlugin, PluginEnv } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import { runDir } from './run-store/read-runs.ts'
import { forgetDeadRunProcesses } from './run-store/run-processes.ts'
import { removeLeftOverTempFiles } from '../plugins/io/temp-files.ts'
import type { RemovedTempFile } from '../plugins/io/temp-files.ts'

/** Removes the resumed run's left-over temp files; returns them. Never throws: tidying is best effort. */
export async function cleanResumedRun(pipeline: Pipeline, resumedRunId: string, ioPlugins: readonly IoPlugin<never>[], env: PluginEnv): Promise<RemovedTempFile[]> {
  const folders = new Set([runDir(env.stateDir, resumedRunId)])
  // The run's folder of every IoManager that keeps its outputs on this machine (`file:` URIs).
  const key = { pipeline: pipeline.name, runId: resumedRunId, taskId: pipeline.order[0] ?? 'task' }
  for (const io of Object.values(pipeline.io)) {
    const remote = ioPlugins.find((p) => p.type === io.type)?.remote
    if (remote?.scheme !== 'file:') continue
    try {
      folders.add(dirname(fileURLToPath(remote.folderOf(key, io.config as never, env))))
    } catch {
      // A config this run cannot place (it failed validation elsewhere): nothing to tidy there.
    }
  }
  await forgetDeadRunProcesses(runDir(env.stateDir, resumedRunId)).catch(() => 0)
  const removed: RemovedTempFile[] = []
  for (const folder of folders) removed.push(...(await removeLeftOverTempFiles(folder).catch(() => [])))
  return removed
}
