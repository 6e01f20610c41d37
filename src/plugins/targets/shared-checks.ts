/**
 * Capability checks every remote target shares: on an engine each task runs in its own process on
 * its own machine, so outputs must live where the downstream task's machine can read them.
 */
import type { Pipeline, Task } from '../../spec/model.ts'
import type { TargetFinding } from '../types.ts'

/** Pointer of the spec node that set a task's IoManager (its own `io:`, else the task). */
function ioPointer(task: Task): string {
  return `${task.pointer}/io`
}

/** Tasks whose outputs or values another task reads. */
function producers(pipeline: Pipeline): Set<string> {
  const read = new Set<string>()
  for (const task of pipeline.tasks.values()) for (const e of task.edges) if (e.kind !== 'needs') read.add(e.from)
  return read
}

/**
 * `memory` outputs cannot cross processes (error); `fs` outputs only can when the fs root is a
 * volume every task mounts (warning), unless the target writes to its own `storage` URI.
 */
export function checkOutputsReachable(pipeline: Pipeline, target: string, hasStorage: boolean): TargetFinding[] {
  if (hasStorage) return []
  const findings: TargetFinding[] = []
  for (const id of producers(pipeline)) {
    const task = pipeline.tasks.get(id)
    const decl = task && pipeline.io[task.io]
    if (!task || !decl) continue
    if (decl.type === 'memory')
      findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: ioPointer(task),
        message: `Task '${id}' keeps its output in IoManager '${decl.name}' (type 'memory'), which other tasks cannot read on ${target}, where every task runs in its own process; use 'gcs' or set targets.${target}.storage.` })
    else if (decl.type === 'fs')
      findings.push({ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer: ioPointer(task),
        message: `Task '${id}' writes its output to local files (IoManager '${decl.name}', type 'fs'), which downstream tasks on ${target} only see if its root is a shared volume; use 'gcs' or set targets.${target}.storage.` })
  }
  return findings
}

/** `catchup: all` replays every missed fire; engine schedulers run at most the latest one. */
export function checkCatchup(pipeline: Pipeline, target: string): TargetFinding[] {
  if (pipeline.schedule?.catchup !== 'all') return []
  return [{ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer: '/schedule/catchup',
    message: `'catchup: all' cannot be expressed on ${target}, whose scheduler runs at most the latest missed fire; the schedule behaves as 'catchup: latest' there.` }]
}

/**
 * One warning per kind of lost retry feature, naming every task it affects (a spec with
 * `defaults.retries` would otherwise get the same warning once per task).
 */
export function groupRetryWarnings(pipeline: Pipeline, lostOf: (task: Task) => string | undefined, explain: string): TargetFinding[] {
  const byLoss = new Map<string, Task[]>()
  for (const id of pipeline.order) {
    const task = pipeline.tasks.get(id)!
    const lost = lostOf(task)
    if (lost) byLoss.set(lost, [...(byLoss.get(lost) ?? []), task])
  }
  return [...byLoss].map(([lost, tasks]) => ({
    severity: 'warning' as const,
    code: 'TARGET_UNSUPPORTED' as const,
    pointer: `${tasks[0]!.pointer}/retries`,
    message: `${tasks.length === 1 ? 'Task' : 'Tasks'} ${listIds(tasks.map((t) => t.id))} ${tasks.length === 1 ? 'uses' : 'use'} ${lost}, which ${explain}.`,
  }))
}

function listIds(ids: readonly string[]): string {
  const quoted = ids.map((id) => `'${id}'`)
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
}
