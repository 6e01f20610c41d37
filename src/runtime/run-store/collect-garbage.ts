/**
 * `weir runs gc`: removes what processes that died (kill -9, a crash) left in a state dir: the temp
 * files of writes they never finished (outputs of the fs IoManager, run summaries), and the records
 * of task processes that are gone. Nothing a live process still uses is touched. Only the folders
 * weir writes in a state dir are searched, so a state dir given by mistake (`--state-dir ~`) loses
 * no other program's files that merely look like temp files.
 */
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { runDir, runsDir } from './read-runs.ts'
import { forgetDeadRunProcesses } from './run-processes.ts'
import { removeLeftOverTempFiles } from '../../plugins/io/temp-files.ts'
import type { RemovedTempFile } from '../../plugins/io/temp-files.ts'

/** The folders of a state dir that weir writes temp files in: run store, fs outputs, remote tasks, scheduler, keys. */
const WEIR_FOLDERS = ['runs', 'data', 'execute', 'schedule', 'keys'] as const

export interface GarbageCollected {
  /** Temp files of dead writers, removed. */
  readonly removed: readonly RemovedTempFile[]
  /** Records of dead task processes, removed. */
  readonly forgottenProcesses: number
}

/** Collects the garbage of every run in `stateDir` (and of its outputs under it). */
export async function collectGarbage(stateDir: string): Promise<GarbageCollected> {
  const root = resolve(stateDir)
  const removed: RemovedTempFile[] = []
  for (const folder of WEIR_FOLDERS) removed.push(...(await removeLeftOverTempFiles(join(root, folder))))
  let forgottenProcesses = 0
  for (const runId of await readdir(runsDir(root)).catch(() => [] as string[])) forgottenProcesses += await forgetDeadRunProcesses(runDir(root, runId))
  return { removed, forgottenProcesses }
}
