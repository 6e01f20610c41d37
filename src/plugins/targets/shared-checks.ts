/**
 * Capability checks every remote target shares: on an engine each task runs in its own process on
 * its own machine, so outputs must live where the downstream task's machine can read them.
 */
import { dirname, isAbsolute, relative, sep } from 'node:path'
import type { Pipeline, Task } from '../../spec/model.ts'
import type { TargetFinding } from '../types.ts'
import { scanTemplate } from '../../spec/rules/command-templates.ts'
import { locationProblem } from '../../spec/execute-location.ts'
import { findProjectRoot } from '../../spec/project-root.ts'

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

/**
 * A `storage` that `weir execute` would refuse: every task's `--output-prefix` is made of it
 * (remote-command.ts), so every task of the deployed job would stop with a usage error (exit 2).
 * The same check as the flag's (execute-location.ts), where the spec is validated.
 */
export function checkStorage(target: string, engine: string, storage: string | undefined): TargetFinding[] {
  const found = storage === undefined ? undefined : locationProblem(storage, false)
  if (!found) return []
  return [{ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: `/targets/${target}/storage`,
    message: `targets.${target}.storage '${storage}' ${found.problem}, so every task on ${engine} would stop with a usage error (weir execute refuses such an --output-prefix)${found.fix === undefined ? '' : `; ${found.fix}`}.` }]
}

/** Where the project is on an engine: the setting's value (or default) and its name, for a message. */
export interface EngineProject {
  readonly path: string
  /** E.g. `targets.argo.projectPath`. */
  readonly setting: string
}

/**
 * A handler written as an absolute path: it resolves on this machine, but on the engine the project
 * is in another folder (the image's `/app`, the bundle's workspace folder), where `weir execute`
 * finds no such module inside the project. Only a project that is at the same path here and there
 * may name its handlers so. One error per task, at its `handler`, with the path to write instead.
 */
export function checkHandlerPaths(pipeline: Pipeline, engine: string, project: EngineProject): TargetFinding[] {
  if (trimSlashes(project.path) === trimSlashes(findProjectRoot(pipeline.sourcePath))) return []
  const findings: TargetFinding[] = []
  for (const task of pipeline.tasks.values()) {
    const written = task.handler.written
    const hash = written.lastIndexOf('#')
    const modulePath = hash === -1 ? written : written.slice(0, hash)
    if (!isAbsolute(modulePath)) continue
    const fromSpec = relative(dirname(pipeline.sourcePath), modulePath).split(sep).join('/')
    const instead = `${fromSpec.startsWith('../') ? '' : './'}${fromSpec}${hash === -1 ? '' : written.slice(hash)}`
    findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: `${task.pointer}/handler`,
      message: `Handler '${written}' of task '${task.id}' is an absolute path, which resolves on this machine but not on ${engine}, where the project is at '${project.path}' (${project.setting}); write it relative to the spec file: '${instead}'.` })
  }
  return findings
}

function trimSlashes(path: string): string {
  return path.length > 1 ? path.replace(/[\\/]+$/, '') : path
}

/** `catchup: all` replays every missed fire; engine schedulers run at most the latest one. */
export function checkCatchup(pipeline: Pipeline, target: string): TargetFinding[] {
  if (pipeline.schedule?.catchup !== 'all') return []
  return [{ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer: '/schedule/catchup',
    message: `'catchup: all' cannot be expressed on ${target}, whose scheduler runs at most the latest missed fire; the schedule behaves as 'catchup: latest' there.` }]
}

/** A retry feature an engine cannot express, and the `retries` setting that asks only for what it does. */
export interface RetryLoss {
  /** E.g. `jitter (Argo waits exactly the backoff delay)`. */
  readonly what: string
  /** E.g. `jitter: none`. */
  readonly setting: string
}

/**
 * One warning per kind of lost retry feature, naming every task it affects, at the `retries` that
 * was written: a task's own, or `defaults.retries` for every task that inherits it (a spec with
 * only `defaults.retries` would otherwise be told about a task key it never gave retries). Each
 * says what to write to ask for what the engine does, which also silences it.
 */
export function groupRetryWarnings(pipeline: Pipeline, lossesOf: (task: Task) => readonly RetryLoss[], engine: string, explain: string): TargetFinding[] {
  const groups = new Map<string, { readonly tasks: Task[]; readonly losses: readonly RetryLoss[]; readonly inherited: boolean }>()
  for (const id of pipeline.order) {
    const task = pipeline.tasks.get(id)!
    const losses = lossesOf(task)
    if (losses.length === 0) continue
    const inherited = task.retry === pipeline.defaultRetry
    const key = `${inherited}\0${losses.map((l) => `${l.what}\0${l.setting}`).join('\0')}`
    const group = groups.get(key)
    if (group) group.tasks.push(task)
    else groups.set(key, { tasks: [task], losses, inherited })
  }
  return [...groups.values()].map(({ tasks, losses, inherited }) => {
    const lost = losses.map((l) => l.what).join(' and ')
    const settings = losses.map((l) => l.setting).join(', ')
    const fix = `set '${settings}' in ${inherited ? 'defaults.retries' : tasks.length === 1 ? 'its retries' : 'their retries'} (retries: { max: ${tasks[0]!.retry.maxRetries}, ${settings} }) to ask only for what ${engine} does, which also silences this`
    const whom = inherited && tasks.length === pipeline.tasks.size ? 'every task' : `${tasks.length === 1 ? 'task' : 'tasks'} ${listIds(tasks.map((t) => t.id))}`
    return {
      severity: 'warning' as const,
      code: 'TARGET_UNSUPPORTED' as const,
      pointer: inherited ? '/defaults/retries' : `${tasks[0]!.pointer}/retries`,
      message: inherited
        ? `defaults.retries gives ${whom} ${lost}, which ${explain}; ${fix}.`
        : `${tasks.length === 1 ? 'Task' : 'Tasks'} ${listIds(tasks.map((t) => t.id))} ${tasks.length === 1 ? 'uses' : 'use'} ${lost}, which ${explain}; ${fix}.`,
    }
  })
}

function listIds(ids: readonly string[]): string {
  const quoted = ids.map((id) => `'${id}'`)
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
}

/**
 * A cron that can fire in a local hour that the clocks skip or repeat: `weir schedule` fires such a
 * time once (after the gap, or at its first occurrence; DESIGN.md), but an engine's scheduler may
 * skip or repeat it.
 */
export function checkDaylightSaving(pipeline: Pipeline, target: string): TargetFinding[] {
  const s = pipeline.schedule
  if (!s) return []
  const affected = transitionHours(s.timezone)
  if (affected.size === 0) return []
  const fields = s.cron.trim().split(/\s+/)
  const hourField = fields.length === 5 ? fields[1]! : fields.length === 6 ? fields[2]! : s.cron.trim() === '@hourly' ? '*' : '0'
  const hit = expandHours(hourField).filter((h) => affected.has(h))
  if (hit.length === 0) return []
  return [{ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer: '/schedule/cron',
    message: `Cron '${s.cron}' can fire at ${hit.map((h) => `${String(h).padStart(2, '0')}:xx`).join(', ')} in ${s.timezone}, ${hit.length === 1 ? 'an hour' : 'hours'} that daylight saving skips or repeats; weir schedule fires it once, but ${target}'s scheduler may skip or repeat it, so move the fire out of that hour if it matters.` }]
}

/** Local hours that a zone's clock changes skip or repeat (looked up for 2026). */
function transitionHours(timezone: string): Set<number> {
  const hours = new Set<number>()
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
  } catch {
    return hours
  }
  const offsetAt = (ms: number): number => {
    const name = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
  }
  const HOUR = 3_600_000
  const start = Date.UTC(2026, 0, 1)
  for (let day = 0; day < 365; day++) {
    const from = start + day * 24 * HOUR
    if (offsetAt(from) === offsetAt(from + 24 * HOUR)) continue
    for (let h = 0; h < 24; h++) {
      const before = offsetAt(from + h * HOUR)
      const after = offsetAt(from + (h + 1) * HOUR)
      if (before === after) continue
      const instant = from + (h + 1) * HOUR // the change happens at most at this hour boundary
      const [low, high] = before < after ? [before, after] : [after, before]
      // Local wall-clock times in [instant + low, instant + high) are skipped (spring) or repeated (autumn).
      for (let t = instant + low * 60_000; t < instant + high * 60_000; t += 60_000) hours.add(new Date(t).getUTCHours())
      break
    }
  }
  return hours
}
/** Hours a cron hour field matches (`*`, `a`, `a-b`, steps, lists); unknown syntax counts as every hour. */
function expandHours(field: string): number[] {
  const hours = new Set<number>()
  for (const part of field.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part)
    if (!m) return Array.from({ length: 24 }, (_, h) => h)
    const from = m[1] === '*' ? 0 : Number(m[1])
    const to = m[1] === '*' ? 23 : m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? 23 : from
    for (let h = from; h <= to; h += Number(m[3] ?? 1)) hours.add(h)
  }
  return [...hours]
}

/** Placeholders only Databricks fills in, and only Argo; `tasks.*` means something on both. */
export const DATABRICKS_ONLY = ['job', 'task', 'workspace'] as const
export const ARGO_ONLY = ['workflow', 'inputs', 'outputs', 'steps', 'pod', 'node', 'lastRetry', 'cronworkflow', 'retries'] as const

/**
 * A command template with another engine's placeholders: this engine would pass them through as
 * text (or refuse the job), so the command would not mean what it says.
 */
export function checkForeignPlaceholders(pipeline: Pipeline, target: string, targetCommand: readonly string[] | undefined, foreign: readonly string[]): TargetFinding[] {
  const findings: TargetFinding[] = []
  const scan = (command: readonly string[] | undefined, pointer: string): void =>
    command?.forEach((arg, i) => {
      for (const token of scanTemplate(arg)) {
        if (token.kind !== 'engine') continue
        const text = token.text.trim()
        // `{{= … }}` is an Argo expression tag; back-quoted names are Databricks references.
        const head = text.startsWith('=') ? 'workflow' : text.includes('`') ? 'job' : text.split('.')[0]!
        if (!foreign.includes(head)) continue
        findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: `${pointer}/${i}`,
          message: `Command argument '${arg}' uses '{{${text}}}', which ${target} does not fill in (it belongs to another engine); use a weir variable such as '{{runId}}' or '{{task}}', or set the command per target under targets.${target.toLowerCase()}.command.` })
      }
    })
  scan(pipeline.command, '/command')
  for (const task of pipeline.tasks.values()) scan(task.command, `${task.pointer}/command`)
  scan(targetCommand, `/targets/${target.toLowerCase()}/command`)
  return findings
}
