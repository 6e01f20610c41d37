/**
 * Before a resume runs, it tidies what the resumed run's processes left when they died (a kill -9
 * in the middle of a write): the temp files of dead writers in the run's folder of the run store
 * and in its output folders of every `fs` IoManager, and the records of its task processes. A
 * resume only starts once none of those processes lives (see plan-resume-from-store.ts), and a
 * temp file whose writer lives is kept all the same.
 */
import { join } from 'node:path'
import type { PluginEnv } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import { runDir } from './run-store/read-runs.ts'
import { forgetDeadRunProcesses } from './run-store/run-processes.ts'
import { removeLeftOverTempFiles } from './run-store/temp-files.ts'
import type { RemovedTempFile } from './run-store/temp-files.ts'

/** Removes the resumed run's left-over temp files; returns them. Never throws: tidying is best effort. */
export async function cleanResumedRun(pipeline: Pipeline, resumedRunId: string, env: PluginEnv): Promise<RemovedTempFile[]> {
  const folders = new Set([runDir(env.stateDir, resumedRunId)])
  const fsIo = Object.values(pipeline.io).filter((io) => io.type === 'fs')
  if (fsIo.length > 0) {
    const { resolveFsRoot } = await import('../plugins/io/fs/create-fs-io.ts')
    for (const io of fsIo) folders.add(join(resolveFsRoot(io.config, env), pipeline.name, resumedRunId))
  }
  await forgetDeadRunProcesses(runDir(env.stateDir, resumedRunId)).catch(() => 0)
  const removed: RemovedTempFile[] = []
  for (const folder of folders) removed.push(...(await removeLeftOverTempFiles(folder).catch(() => [])))
  return removed
}
