/**
 * The selected task: status, attempts with durations and errors (message, code, origin, stack), its
 * task values, a preview of its output, and its log, followed live while the task runs.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { UiLogChunk, UiOutputPreview, UiRun, UiTask } from '../api-types.ts'
import { apiPath, getJson } from './api.ts'
import { formatBytes, formatDuration, formatTime } from './format.ts'
import { StatusBadge } from './status-badge.tsx'
import { statusLine } from './task-node.tsx'

const MAX_LOG_CHARS = 200_000

function useLog(runId: string, task: UiTask): { text: string; truncated: boolean } {
  const [log, setLog] = useState({ text: '', truncated: false })
  const next = useRef<number | undefined>(undefined)
  const live = task.status === 'running' || task.status === 'pending'
  useEffect(() => {
    next.current = undefined
    setLog({ text: '', truncated: false })
  }, [runId, task.id])
  useEffect(() => {
    let stopped = false
    const load = async (): Promise<void> => {
      const from = next.current === undefined ? '' : `?from=${next.current}`
      const chunk = await getJson<UiLogChunk>(`${apiPath('runs', runId, 'tasks', task.id, 'log')}${from}`).catch(() => undefined)
      if (!chunk || stopped) return
      const first = next.current === undefined
      next.current = chunk.next
      if (chunk.text === '' && !first) return
      setLog((l) => {
        const text = (first ? '' : l.text) + chunk.text
        return { text: text.length > MAX_LOG_CHARS ? text.slice(-MAX_LOG_CHARS) : text, truncated: l.truncated || chunk.truncated || text.length > MAX_LOG_CHARS }
      })
    }
    void load()
    // While the task can still write, follow the file; once done, one last read catches the tail.
    const timer = live ? setInterval(() => void load(), 1000) : undefined
    return () => {
      stopped = true
      if (timer) clearInterval(timer)
    }
  }, [runId, task.id, live, task.status])
  return log
}

function OutputPreview({ runId, task }: { runId: string; task: UiTask }) {
  const [preview, setPreview] = useState<UiOutputPreview | undefined>()
  useEffect(() => {
    setPreview(undefined)
    // The answer for a task clicked before this one may come after this one's: it is dropped, or
    // the panel would show the other task's output (a table preview takes longer than a JSON one).
    let current = true
    const show = (p: UiOutputPreview) => current && setPreview(p)
    if (task.output) void getJson<UiOutputPreview>(apiPath('runs', runId, 'tasks', task.id, 'output')).then(show, (e: Error) => show({ kind: 'ref', uri: task.output!.uri, format: task.output!.format, reason: e.message }))
    return () => {
      current = false
    }
  }, [runId, task.id, task.output?.uri])
  if (!task.output) return <p class="muted small">No stored output.</p>
  if (!preview) return <p class="muted small">Loading the output…</p>
  if (preview.kind === 'none') return <p class="muted small">No stored output.</p>
  if (preview.kind === 'json')
    return (
      <div id="output-preview">
        <div class="mono small muted">{preview.uri} · {formatBytes(preview.sizeBytes)}{preview.truncated ? ' · first 256 KB' : ''}</div>
        <pre class="json">{preview.text}</pre>
      </div>
    )
  if (preview.kind === 'table')
    return (
      <div id="output-preview">
        <div class="mono small muted">{preview.uri} · {formatBytes(preview.sizeBytes)} · {preview.rowCount} rows</div>
        <div class="table-scroll">
          <table class="list small">
            <thead>
              <tr>{preview.columns.map((c, i) => <th key={i}>{c.name}<div class="muted">{c.type}</div></th>)}</tr>
            </thead>
            <tbody>
              {preview.rows.map((r, i) => <tr key={i}>{preview.columns.map((_, j) => <td key={j} class="mono">{r[j] ?? ''}</td>)}</tr>)}
            </tbody>
          </table>
        </div>
        {preview.rowCount > preview.rows.length && <div class="muted small">first {preview.rows.length} of {preview.rowCount} rows</div>}
      </div>
    )
  return <div id="output-preview" class="small"><span class="mono">{preview.uri}</span> · {preview.format} · {formatBytes(preview.sizeBytes)} <span class="muted">({preview.reason})</span></div>
}

export function TaskPanel({ run, task, onClose }: { run: UiRun; task: UiTask; onClose: () => void }) {
  const log = useLog(run.runId, task)
  const logBox = useRef<HTMLPreElement>(null)
  useEffect(() => {
    if (logBox.current) logBox.current.scrollTop = logBox.current.scrollHeight
  }, [log.text])
  return (
    <aside class="panel" id="task-panel" data-task={task.id}>
      <div class="panel-head">
        <h2 class="mono">{task.id}</h2>
        <StatusBadge status={task.status} />
        <button class="close" onClick={onClose} title="close">×</button>
      </div>
      <p class="small muted">{statusLine(task)}</p>
      {task.items && task.items.failed.length > 0 && (
        <ul class="failed-items small">
          {task.items.failed.map((line) => (
            <li class="mono">{line}</li>
          ))}
        </ul>
      )}
      <h3>Attempts</h3>
      {task.attempts.length === 0 ? (
        <p class="muted small">{task.reusedFrom ? `Reused from run ${task.reusedFrom}: nothing ran.` : task.cachedFrom ? `Cached: the output of run ${task.cachedFrom} was reused; the handler did not run.` : 'None.'}</p>
      ) : (
        <ol class="attempts">
          {task.attempts.map((a) => (
            <li key={a.attempt} class={`attempt st-${a.status}`}>
              <div>
                attempt {a.attempt}: <StatusBadge status={a.status} /> {formatTime(a.startedAt)} · {a.finishedAt !== undefined ? formatDuration(a.finishedAt - a.startedAt) : 'running'}
                {a.retryDelayMs !== undefined && <span class="muted small"> · retried after {formatDuration(a.retryDelayMs)}</span>}
              </div>
              {a.error && (
                <div class="error">
                  <div class="error-message"><b>{a.error.code}</b> ({a.error.origin}): {a.error.message}</div>
                  {a.error.stack && (
                    <details>
                      <summary class="small">stack</summary>
                      <pre class="stack">{a.error.stack}</pre>
                    </details>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {task.values && Object.keys(task.values).length > 0 && (
        <>
          <h3>Task values</h3>
          <pre class="json" id="task-values">{JSON.stringify(task.values, null, 2)}</pre>
        </>
      )}
      <h3>Output</h3>
      {/* Keyed by task: another task's panel starts without the previous task's preview, not with it for a render. */}
      <OutputPreview key={`${run.runId}/${task.id}`} runId={run.runId} task={task} />
      <h3>Log {log.truncated && <span class="small muted">(tail)</span>}</h3>
      <pre class="log" id="task-log" ref={logBox}>{log.text === '' ? '(nothing logged)' : log.text}</pre>
    </aside>
  )
}
