/**
 * `weir runs gc`: removes what processes that died (kill -9, a crash) left in a state dir: the temp
 * files of writes they never finished (outputs of the fs IoManager, run summaries), the records
 * of task processes that are gone, and run folders whose journal never got its header (the process
 * died creating the run), which no command lists. Nothing a live process still uses is touched. Only the folders
 * weir writes in a state dir are searched, so a state dir given by mistake (`--state-dir ~`) loses
 * no other program's files that merely look like temp files.
 */
import { lstat, readFile, readdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isRunId, runDir, runsDir } from './read-runs.ts'
import { decodeJournal } from './journal-codec.ts'
import { readFirstLine } from './read-first-line.ts'
import { forgetDeadRunProcesses, liveRunProcesses } from './run-processes.ts'
import { removeLeftOverTempFiles, UNNAMED_WRITER_IDLE_MS } from '../../plugins/io/temp-files.ts'
import type { RemovedTempFile } from '../../plugins/io/temp-files.ts'

/** The folders of a state dir that weir writes temp files in: run store, fs outputs, remote tasks, scheduler, keys. */
const WEIR_FOLDERS = ['runs', 'data', 'execute', 'schedule', 'keys'] as const

export interface GarbageCollected {
  /** Temp files of dead writers, removed. */
  readonly removed: readonly RemovedTempFile[]
  /** Records of dead task processes, removed. */
  readonly forgottenProcesses: number
  /** Run folders without a journal header, removed (their paths). */
  readonly removedRuns: readonly string[]
}

/** Collects the garbage of every run in `stateDir` (and of its outputs under it). */
export async function collectGarbage(stateDir: string): Promise<GarbageCollected> {
  const root = resolve(stateDir)
  const removed: RemovedTempFile[] = []
  for (const folder of WEIR_FOLDERS) removed.push(...(await removeLeftOverTempFiles(join(root, folder))))
  let forgottenProcesses = 0
  const removedRuns: string[] = []
  for (const runId of await readdir(runsDir(root)).catch(() => [] as string[])) {
    const dir = runDir(root, runId)
    forgottenProcesses += await forgetDeadRunProcesses(dir)
    if (isRunId(runId) && (await isHeaderlessLeftOver(dir, Date.now())) && (await rm(dir, { recursive: true }).then(() => true, () => false))) removedRuns.push(dir)
  }
  return { removed, forgottenProcesses, removedRuns }
}

/**
 * Whether `dir` is a run folder whose journal never got its header: missing, empty, or cut short in
 * its first line. `openRun` writes the header right after making the folder, so only a process that
 * died (or failed) in between leaves one; no command lists such a run, and a resume cannot take it.
 * Its writer is not named anywhere, so, like a temp file of an unnamed writer, it counts as left over
 * once nothing in it (at any depth: `lastChangeIn`) has changed for an hour (a run being created right now is never that old) and
 * no task process recorded in it lives. A folder with a `summary.json` is a run `weir runs` lists.
 */
async function isHeaderlessLeftOver(dir: string, nowMs: number): Promise<boolean> {
  const info = await lstat(dir).catch(() => undefined)
  if (!info?.isDirectory()) return false
  const summary = await lstat(join(dir, 'summary.json')).catch(() => undefined)
  if (summary) return false
  const journal = join(dir, 'journal.jsonl')
  const journalInfo = await lstat(journal).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : undefined))
  // Unreadable for another reason: it cannot be judged, so it stays.
  if (journalInfo === undefined) return false
  if (journalInfo !== null && (await hasHeader(journal))) return false
  const changed = await lastChangeIn(dir, info.mtimeMs)
  if (changed === undefined || nowMs - changed < UNNAMED_WRITER_IDLE_MS) return false
  return (await liveRunProcesses(dir)).length === 0
}

/**
 * When anything in the run folder `dir` (whose own mtime is `dirMtimeMs`) last changed: the newest
 * mtime of the folder and of every entry in it, at any depth (a task's `logs/<task>.log` is
 * written to while the journal is not), or undefined when it cannot all be read (then it stays).
 * A headerless run folder holds a few files.
 */
async function lastChangeIn(dir: string, dirMtimeMs: number): Promise<number | undefined> {
  try {
    let newest = dirMtimeMs
    for (const entry of await readdir(dir, { recursive: true })) newest = Math.max(newest, (await lstat(join(dir, entry))).mtimeMs)
    return newest
  } catch {
    return undefined
  }
}

/** Whether the journal at `path` has its header; a file that cannot be read counts as having one (it stays). */
async function hasHeader(path: string): Promise<boolean> {
  try {
    const first = await readFirstLine(path)
    if (decodeJournal(first)[0]?.kind === 'header') return true
    // A first line that is not the header: the reader would look further (journal-codec.ts), so does this.
    return first.endsWith('\n') && decodeJournal(await readFile(path, 'utf8'))[0]?.kind === 'header'
  } catch {
    return true
  }
}

