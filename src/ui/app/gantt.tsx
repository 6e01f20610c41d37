/**
 * The run's timeline: one row per task that ran, one bar per attempt (coloured by its outcome), and
 * the retry wait after a failed attempt as a hatched gap. Running attempts grow until now.
 */
import { Fragment } from 'preact'
import type { UiRun } from '../api-types.ts'
import { formatDuration } from './format.ts'

const MAX_ROWS = 400

export function Gantt({ run, now, onSelect }: { run: UiRun; now: number; onSelect: (id: string) => void }) {
  const rows = run.tasks.filter((t) => t.attempts.length > 0)
  if (rows.length === 0) return <p class="muted small">No attempts yet.</p>
  const start = run.startedAt
  const end = Math.max(run.finishedAt ?? now, ...rows.flatMap((t) => t.attempts.map((a) => (a.finishedAt ?? now) + (a.retryDelayMs ?? 0))))
  const span = Math.max(1, end - start)
  const pct = (t: number): string => `${(((t - start) / span) * 100).toFixed(3)}%`
  const width = (a: number, b: number): string => `${(Math.max(0.15, ((b - a) / span) * 100)).toFixed(3)}%`
  return (
    <div class="gantt" id="gantt">
      <div class="gantt-scale small muted"><span>0</span><span>{formatDuration(span)}</span></div>
      {rows.slice(0, MAX_ROWS).map((t) => (
        <div class="gantt-row" key={t.id} data-task={t.id} onClick={() => onSelect(t.id)}>
          <span class="gantt-label mono small">{t.id}</span>
          <span class="gantt-track">
            {t.attempts.map((a) => {
              const finished = a.finishedAt ?? now
              return (
                <Fragment key={a.attempt}>
                  <span class={`bar st-${a.status}`} style={{ left: pct(a.startedAt), width: width(a.startedAt, finished) }} title={`attempt ${a.attempt}: ${a.status}, ${formatDuration(finished - a.startedAt)}`} />
                  {a.retryDelayMs !== undefined && a.finishedAt !== undefined && (
                    <span class="bar wait" style={{ left: pct(a.finishedAt), width: width(a.finishedAt, a.finishedAt + a.retryDelayMs) }} title={`retry wait ${formatDuration(a.retryDelayMs)}`} />
                  )}
                </Fragment>
              )
            })}
          </span>
        </div>
      ))}
      {rows.length > MAX_ROWS && <p class="muted small">… and {rows.length - MAX_ROWS} more tasks (pick one in the graph).</p>}
    </div>
  )
}
