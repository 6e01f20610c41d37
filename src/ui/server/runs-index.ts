/**
 * The run list behind the runs page, fast with 10,000 runs: a finished run's `summary.json` never
 * changes, so it is read once and kept; only runs without one (running, or interrupted) are replayed,
 * and those again only when their journal changed. Each request costs one `readdir` plus a filter
 * over the kept, sorted list.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { RunSummary } from '../../runtime/run-store/records.ts'
import { isRunId, loadRun, runsDir, summarizeRun } from '../../runtime/run-store/read-runs.ts'

export interface RunQuery {
  readonly pipeline?: string
  readonly status?: string
  readonly trigger?: string
}

export interface RunsIndex {
  /** Every run, newest first. */
  all(): Promise<readonly RunSummary[]>
  /** Runs matching the query, newest first. */
  query(q: RunQuery): Promise<readonly RunSummary[]>
}

const newestFirst = (a: RunSummary, b: RunSummary): number => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : -1)

/** Creates the index of one state dir. */
export function createRunsIndex(stateDir: string): RunsIndex {
  const finished = new Map<string, RunSummary>()
  const unfinished = new Map<string, { key: string; summary: RunSummary }>()
  let pending: Promise<readonly RunSummary[]> | undefined
  // The sorted list, rebuilt only when a run came, went, or one without a summary was replayed.
  let sorted: RunSummary[] = []
  let dirty = true

  async function readOne(runId: string): Promise<RunSummary | undefined> {
    const dir = join(runsDir(stateDir), runId)
    try {
      const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary
      finished.set(runId, summary)
      unfinished.delete(runId)
      dirty = true
      return summary
    } catch {
      // No summary yet: running, or its process died.
    }
    let key: string
    try {
      const info = await stat(join(dir, 'journal.jsonl'))
      key = `${info.size}:${info.mtimeMs}`
    } catch {
      return undefined
    }
    const kept = unfinished.get(runId)
    // A running run's status also depends on whether its process lives: replay those every time.
    if (kept && kept.key === key && kept.summary.status !== 'running') return kept.summary
    const run = await loadRun(stateDir, runId)
    if (!run) return undefined
    const summary = summarizeRun(run)
    unfinished.set(runId, { key, summary })
    dirty = true
    return summary
  }

  async function refresh(): Promise<readonly RunSummary[]> {
    let names: string[]
    try {
      names = await readdir(runsDir(stateDir))
    } catch {
      return (sorted = [])
    }
    // A kept run whose folder is gone: the kept ones among the names are fewer than those kept.
    // (Comparing the counts alone missed it when the folder also holds entries that are no run.)
    let kept = 0
    for (const name of names) if (finished.has(name) || unfinished.has(name)) kept++
    if (kept !== finished.size + unfinished.size) {
      const present = new Set(names)
      for (const id of finished.keys()) if (!present.has(id) && finished.delete(id)) dirty = true
      for (const id of unfinished.keys()) if (!present.has(id) && unfinished.delete(id)) dirty = true
    }
    const todo = names.filter((n) => isRunId(n) && !finished.has(n))
    // Bounded parallelism: 10,000 first reads at once would run out of file handles.
    for (let i = 0; i < todo.length; i += 256) await Promise.all(todo.slice(i, i + 256).map(readOne))
    if (!dirty) return sorted
    const list = [...finished.values(), ...[...unfinished.values()].map((u) => u.summary)]
    list.sort(newestFirst)
    dirty = false
    return (sorted = list)
  }

  async function all(): Promise<readonly RunSummary[]> {
    // Requests arriving together share one refresh.
    pending ??= refresh().finally(() => (pending = undefined))
    return pending
  }

  return {
    all,
    async query(q) {
      const runs = await all()
      return runs.filter((r) => (q.pipeline === undefined || r.pipeline === q.pipeline) && (q.status === undefined || r.status === q.status) && (q.trigger === undefined || r.trigger === q.trigger))
    },
  }
}

