/** Every spec under the paths weir ui reads: valid or not (with file:line:col), last run, next fires. */
import { useEffect, useState } from 'preact/hooks'
import type { UiPipeline } from '../api-types.ts'
import { getJson } from './api.ts'
import { formatTime, runHref } from './format.ts'
import { StatusBadge } from './status-badge.tsx'

export function PipelinesPage() {
  const [pipelines, setPipelines] = useState<UiPipeline[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    let live = true
    const load = (): void =>
      void getJson<UiPipeline[]>('/api/pipelines').then(
        (p) => live && (setPipelines(p), setError(undefined)),
        (e: Error) => live && setError(e.message),
      )
    load()
    const timer = setInterval(load, 5000)
    return () => ((live = false), clearInterval(timer))
  }, [])
  if (error) return <p class="problem">{error}</p>
  if (!pipelines) return <p class="muted">Loading…</p>
  if (pipelines.length === 0) return <p class="muted">No pipeline specs found under the folders weir ui reads.</p>
  return (
    <section>
      <h1>Pipelines</h1>
      <table class="list" id="pipelines">
        <thead>
          <tr><th>pipeline</th><th>spec</th><th>state</th><th>last run</th><th>next fires</th><th></th></tr>
        </thead>
        <tbody>
          {pipelines.map((p) => (
            <tr key={p.path} data-pipeline={p.name ?? ''}>
              <td>
                <b>{p.name ?? '—'}</b>
                {p.description && <div class="muted small">{p.description}</div>}
              </td>
              <td class="mono small">{p.path}</td>
              <td>
                {p.valid ? <span class="badge st-succeeded">valid</span> : <span class="badge st-failed">invalid</span>}
                {p.diagnostics.map((d, i) => (
                  <div key={i} class={`diag ${d.severity}`}>
                    <span class="mono">{p.path}:{d.line}:{d.column}</span> {d.severity} {d.code}: {d.message}
                  </div>
                ))}
              </td>
              <td>{p.lastRun ? <a href={runHref(p.lastRun.runId)}><StatusBadge status={p.lastRun.status} /> {formatTime(p.lastRun.startedAt)}</a> : <span class="muted">never run</span>}</td>
              <td class="small fires">
                {p.schedule ? (
                  <>
                    <div class="mono">{p.schedule.cron} ({p.schedule.timezone}){p.schedule.paused ? ' paused' : ''}</div>
                    {p.schedule.fires.map((f) => <div key={f} class="mono">{f}</div>)}
                  </>
                ) : <span class="muted">not scheduled</span>}
              </td>
              <td>
                {p.valid && p.name && <a class="button" href={`#/start/${encodeURIComponent(p.name)}`}>Run…</a>}
                {p.name && <a class="small" href={`#/runs?pipeline=${encodeURIComponent(p.name)}`}> runs</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
