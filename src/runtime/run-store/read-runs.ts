/**
 * Reading the run store: `listRuns` for `weir runs`, `loadRun` for `weir runs show`, resume, the
 * graph view and the scheduler's overlap checks. Never throws on a damaged run; it is reported as
 * interrupted or left out of the list.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { RunRecord, RunSummary } from './records.ts'
import type { TaskLifecycleStatus } from '../../spec/task-status.ts'
import { parseJournal, replayJournal } from './replay.ts'
import { isProcessAlive } from '../../plugins/io/process-alive.ts'
import { liveRunProcesses } from './run-processes.ts'

export { isProcessAlive }

/** Folder of all runs under a state dir. */
export const runsDir = (stateDir: string): string => join(resolve(stateDir), 'runs')
/** Folder of one run. */
export const runDir = (stateDir: string, runId: string): string => join(runsDir(stateDir), runId)

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
/** Whether `runId` is safe as a folder name in the store (no '/', no '..'). */
export const isRunId = (runId: string): boolean => RUN_ID.test(runId)

/** Loads one run, or undefined when the store has no such run. */
export async function loadRun(stateDir: string, runId: string): Promise<RunRecord | undefined> {
  if (!RUN_ID.test(runId)) return undefined
  const dir = runDir(stateDir, runId)
  let text: string
  try {
    text = await readFile(join(dir, 'journal.jsonl'), 'utf8')
  } catch {
    return undefined
  }
  // Its task processes keep a run alive after its own process died: they still work for it.
  const taskProcesses = await liveRunProcesses(dir)
  const run = replayJournal(parseJournal(text), dir, (pid, host, startTime) => isProcessAlive(pid, host, startTime) || taskProcesses.length > 0)
  return run && taskProcesses.length > 0 && run.status === 'running' ? { ...run, taskProcesses } : run
}

/** Summarises a replayed run (what `summary.json` holds). */
export function summarizeRun(run: RunRecord): RunSummary {
  const taskCounts: Partial<Record<TaskLifecycleStatus, number>> = {}
  for (const t of Object.values(run.tasks)) taskCounts[t.status] = (taskCounts[t.status] ?? 0) + 1
  return {
    runId: run.runId,
    pipeline: run.pipeline,
    status: run.status,
    trigger: run.trigger,
    startedAt: new Date(run.startedAt).toISOString(),
    ...(run.finishedAt !== undefined && { finishedAt: new Date(run.finishedAt).toISOString(), durationMs: run.finishedAt - run.startedAt }),
    ...(run.scheduledAt !== undefined && { scheduledAt: run.scheduledAt }),
    ...(run.resumedFrom !== undefined && { resumedFrom: run.resumedFrom }),
    specHash: run.specHash,
    taskCounts,
  }
}

export interface ListRunsOptions {
  /** Only runs of this pipeline. */
  readonly pipeline?: string
  /** At most this many, newest first. */
  readonly limit?: number
}

/** Lists runs, newest first. Finished runs are read from `summary.json`; others are replayed. */
export async function listRuns(stateDir: string, options: ListRunsOptions = {}): Promise<RunSummary[]> {
  let names: string[]
  try {
    names = await readdir(runsDir(stateDir))
  } catch {
    return []
  }
  const summaries = await Promise.all(names.filter((n) => RUN_ID.test(n)).map((name) => readSummary(stateDir, name)))
  const runs = summaries
    .filter((s): s is RunSummary => s !== undefined)
    .filter((s) => options.pipeline === undefined || s.pipeline === options.pipeline)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : -1))
  return options.limit === undefined ? runs : runs.slice(0, options.limit)
}

async function readSummary(stateDir: string, runId: string): Promise<RunSummary | undefined> {
  try {
    return JSON.parse(await readFile(join(runDir(stateDir, runId), 'summary.json'), 'utf8')) as RunSummary
  } catch {
    const run = await loadRun(stateDir, runId)
    return run && summarizeRun(run)
  }
}
