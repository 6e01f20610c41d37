/**
 * The journal's line format, encoded and decoded only here. A journal is one JSON object per line:
 * the header (`e: "run"`), then one line per task event, then `e: "finish"`. A task line is the
 * `RunEvent` itself, made compact: `e` is the event type without `task:`, `task` is the task id, and
 * the run id (in the header) is left out.
 *
 * ```
 * {"e":"run","v":1,"runId":"…","pipeline":"…","tasks":["a","b"],…}
 * {"e":"start","task":"a","attempt":1,"at":1733300000000}
 * {"e":"succeed","task":"a","attempt":1,"at":…,"output":{…},"values":{…}}
 * {"e":"finish","status":"succeeded","at":…}
 * ```
 *
 * A mapped task's items (docs/fan-out.md) are lines of their own, `i` being the item's index:
 *
 * ```
 * {"e":"map","task":"m","count":3,"hash":"…","at":…}
 * {"e":"istart","task":"m","i":0,"attempt":1,"at":…}
 * {"e":"isucceed","task":"m","i":0,"attempt":1,"at":…,"output":{…}}
 * ```
 */
import type { ErrorInfo, StoredRef } from '../../plugins/types.ts'
import type { RunStatus, SkipReason, TaskEvent } from '../api.ts'
import type { RunIdentity } from './records.ts'
import { JOURNAL_VERSION } from './records.ts'

export type FinalRunStatus = Exclude<RunStatus, 'running' | 'interrupted'>

/** The first line of a journal: who runs what. */
export interface JournalHeader extends RunIdentity {
  /** Task ids in the order of the pipeline. */
  readonly tasks: readonly string[]
  readonly at: number
}

/** One decoded line. */
export type JournalEntry =
  | { readonly kind: 'header'; readonly header: JournalHeader }
  | { readonly kind: 'task'; readonly event: TaskEvent }
  | { readonly kind: 'finish'; readonly status: FinalRunStatus; readonly at: number }

export function encodeHeader(header: JournalHeader): string {
  return JSON.stringify({ e: 'run', v: JOURNAL_VERSION, ...header })
}

export function encodeFinish(status: FinalRunStatus, at: number): string {
  return `{"e":"finish","status":"${status}","at":${at}}`
}

/**
 * One task event as a line. The frequent small events are written by hand (no intermediate object
 * for JSON.stringify); anything holding user data goes through JSON.stringify.
 */
export function encodeTaskEvent(e: TaskEvent): string {
  const task = JSON.stringify(e.taskId)
  switch (e.type) {
    case 'task:start':
      return `{"e":"start","task":${task},"attempt":${e.attempt},"at":${e.at}}`
    case 'task:succeed':
      return e.output === undefined && e.values === undefined && e.cachedFrom === undefined
        ? `{"e":"succeed","task":${task},"attempt":${e.attempt},"at":${e.at}}`
        : `{"e":"succeed","task":${task},"attempt":${e.attempt},"at":${e.at}${optional('output', e.output)}${optional('values', e.values)}${optional('cached', e.cachedFrom)}}`
    case 'task:retry':
      return `{"e":"retry","task":${task},"attempt":${e.attempt},"delayMs":${e.delayMs},"error":${JSON.stringify(e.error)},"at":${e.at}}`
    case 'task:fail':
      return `{"e":"fail","task":${task},"attempt":${e.attempt},"error":${JSON.stringify(e.error)},"at":${e.at}}`
    case 'task:skip':
      return `{"e":"skip","task":${task},"reason":"${e.reason}","at":${e.at}}`
    case 'task:cancel':
      return `{"e":"cancel","task":${task}${e.attempt !== undefined ? `,"attempt":${e.attempt}` : ''},"at":${e.at}}`
    case 'task:reuse':
      return `{"e":"reuse","task":${task},"from":${JSON.stringify(e.fromRunId)}${optional('output', e.output)}${optional('values', e.values)},"at":${e.at}}`
    case 'task:map':
      return `{"e":"map","task":${task},"count":${e.count},"hash":${JSON.stringify(e.hash)},"at":${e.at}}`
    case 'item:start':
      return `{"e":"istart","task":${task},"i":${e.index},"attempt":${e.attempt},"at":${e.at}}`
    case 'item:succeed':
      return `{"e":"isucceed","task":${task},"i":${e.index},"attempt":${e.attempt},"at":${e.at}${optional('output', e.output)}${optional('values', e.values)}${optional('cached', e.cachedFrom)}}`
    case 'item:retry':
      return `{"e":"iretry","task":${task},"i":${e.index},"attempt":${e.attempt},"delayMs":${e.delayMs},"error":${JSON.stringify(e.error)},"at":${e.at}}`
    case 'item:fail':
      return `{"e":"ifail","task":${task},"i":${e.index},"attempt":${e.attempt},"error":${JSON.stringify(e.error)},"at":${e.at}}`
    case 'item:cancel':
      return `{"e":"icancel","task":${task},"i":${e.index}${e.attempt !== undefined ? `,"attempt":${e.attempt}` : ''},"at":${e.at}}`
    case 'item:reuse':
      return `{"e":"ireuse","task":${task},"i":${e.index},"from":${JSON.stringify(e.fromRunId)}${optional('output', e.output)}${optional('values', e.values)},"at":${e.at}}`
  }
}

type ItemLine = Extract<Line, { readonly i: number }>

function toItemEvent(r: ItemLine, runId: string, taskId: string, index: number): TaskEvent {
  switch (r.e) {
    case 'istart':
      return { type: 'item:start', runId, taskId, index, attempt: r.attempt, at: r.at }
    case 'iretry':
      return { type: 'item:retry', runId, taskId, index, attempt: r.attempt, delayMs: r.delayMs, error: r.error, at: r.at }
    case 'isucceed':
      return { type: 'item:succeed', runId, taskId, index, attempt: r.attempt, at: r.at, ...(r.output && { output: r.output }), ...(r.values && { values: r.values }), ...(r.cached && { cachedFrom: r.cached }) }
    case 'ifail':
      return { type: 'item:fail', runId, taskId, index, attempt: r.attempt, error: r.error, at: r.at }
    case 'icancel':
      return { type: 'item:cancel', runId, taskId, index, at: r.at, ...(r.attempt !== undefined && { attempt: r.attempt }) }
    case 'ireuse':
      return { type: 'item:reuse', runId, taskId, index, fromRunId: r.from, at: r.at, ...(r.output && { output: r.output }), ...(r.values && { values: r.values }) }
  }
}

function optional(key: string, value: unknown): string {
  return value === undefined ? '' : `,"${key}":${JSON.stringify(value)}`
}

/**
 * Decodes a journal's text. A line that does not parse is dropped: only a torn write (the process
 * died mid-append) makes one, and everything before it is intact. Lines before the header, and
 * lines of an unknown kind (a newer weir), are dropped too.
 */
export function decodeJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = []
  let runId: string | undefined
  for (const line of text.split('\n')) {
    if (line === '') continue
    let raw: Line
    try {
      raw = JSON.parse(line) as Line
    } catch {
      continue
    }
    if (raw === null || typeof raw !== 'object') continue
    if (raw.e === 'run') {
      if (runId !== undefined) continue
      const { e: _e, v: _v, ...header } = raw
      runId = header.runId
      entries.push({ kind: 'header', header })
    } else if (runId === undefined) {
      continue
    } else if (raw.e === 'finish') {
      entries.push({ kind: 'finish', status: raw.status, at: raw.at })
    } else {
      const event = toTaskEvent(raw, runId)
      if (event) entries.push({ kind: 'task', event })
    }
  }
  return entries
}

/** A line as written: the header, finish, or a compact task event. */
type Line =
  | (JournalHeader & { readonly e: 'run'; readonly v: number })
  | { readonly e: 'finish'; readonly status: FinalRunStatus; readonly at: number }
  | { readonly e: 'start'; readonly task: string; readonly attempt: number; readonly at: number }
  | { readonly e: 'retry'; readonly task: string; readonly attempt: number; readonly delayMs: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly e: 'succeed'; readonly task: string; readonly attempt: number; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number; readonly cached?: { readonly runId: string; readonly key: string } }
  | { readonly e: 'fail'; readonly task: string; readonly attempt: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly e: 'skip'; readonly task: string; readonly reason: SkipReason; readonly at: number }
  | { readonly e: 'cancel'; readonly task: string; readonly attempt?: number; readonly at: number }
  | { readonly e: 'reuse'; readonly task: string; readonly from: string; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number }
  | { readonly e: 'map'; readonly task: string; readonly count: number; readonly hash: string; readonly at: number }
  | { readonly e: 'istart'; readonly task: string; readonly i: number; readonly attempt: number; readonly at: number }
  | { readonly e: 'iretry'; readonly task: string; readonly i: number; readonly attempt: number; readonly delayMs: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly e: 'isucceed'; readonly task: string; readonly i: number; readonly attempt: number; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number; readonly cached?: { readonly runId: string; readonly key: string } }
  | { readonly e: 'ifail'; readonly task: string; readonly i: number; readonly attempt: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly e: 'icancel'; readonly task: string; readonly i: number; readonly attempt?: number; readonly at: number }
  | { readonly e: 'ireuse'; readonly task: string; readonly i: number; readonly from: string; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number }

function toTaskEvent(r: Exclude<Line, { e: 'run' } | { e: 'finish' }>, runId: string): TaskEvent | undefined {
  if (typeof r.task !== 'string') return undefined
  const taskId = r.task
  switch (r.e) {
    case 'start':
      return { type: 'task:start', runId, taskId, attempt: r.attempt, at: r.at }
    case 'retry':
      return { type: 'task:retry', runId, taskId, attempt: r.attempt, delayMs: r.delayMs, error: r.error, at: r.at }
    case 'succeed':
      return { type: 'task:succeed', runId, taskId, attempt: r.attempt, at: r.at, ...(r.output && { output: r.output }), ...(r.values && { values: r.values }), ...(r.cached && { cachedFrom: r.cached }) }
    case 'fail':
      return { type: 'task:fail', runId, taskId, attempt: r.attempt, error: r.error, at: r.at }
    case 'skip':
      return { type: 'task:skip', runId, taskId, reason: r.reason, at: r.at }
    case 'cancel':
      return { type: 'task:cancel', runId, taskId, at: r.at, ...(r.attempt !== undefined && { attempt: r.attempt }) }
    case 'reuse':
      return { type: 'task:reuse', runId, taskId, fromRunId: r.from, at: r.at, ...(r.output && { output: r.output }), ...(r.values && { values: r.values }) }
    case 'map':
      return Number.isInteger(r.count) && r.count >= 0 ? { type: 'task:map', runId, taskId, count: r.count, hash: r.hash, at: r.at } : undefined
    case 'istart':
    case 'iretry':
    case 'isucceed':
    case 'ifail':
    case 'icancel':
    case 'ireuse':
      return Number.isInteger(r.i) && r.i >= 0 ? toItemEvent(r, runId, taskId, r.i) : undefined
    default:
      return undefined
  }
}
