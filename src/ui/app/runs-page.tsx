/** The run history: newest first, filtered by pipeline/status/trigger, one page at a time, refreshed every 2 s. */
import { useEffect, useState } from 'preact/hooks'
import type { UiRunPage } from '../api-types.ts'
import { getJson } from './api.ts'
import { formatDuration, formatTime, runHref } from './format.ts'
import { StatusBadge } from './status-badge.tsx'

const STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted']
const TRIGGERS = ['manual', 'schedule', 'resume']

export function RunsPage({ query }: { query: URLSearchParams }) {
  const [data, setData] = useState<UiRunPage | undefined>()
  const [error, setError] = useState<string | undefined>()
  const search = query.toString()
  useEffect(() => {
    let live = true
    const load = (): void =>
      void getJson<UiRunPage>(`/api/runs?${search}`).then(
        (d) => live && (setData(d), setError(undefined)),
        (e: Error) => live && setError(e.message),
      )
    load()
    const timer = setInterval(load, 2000)
    return () => ((live = false), clearInterval(timer))
  }, [search])
  const go = (changes: Record<string, string>): void => {
    const next = new URLSearchParams(search)
    for (const [k, v] of Object.entries(changes)) if (v === '') next.delete(k)
      else next.set(k, v)
    if (!('page' in changes)) next.delete('page')
    location.hash = `#/runs?${next.toString()}`
  }
  const filter = (name: string, options: readonly string[]) => (
    <label>
      {name}{' '}
      <select name={name} value={query.get(name) ?? ''} onChange={(e) => go({ [name]: (e.target as HTMLSelectElement).value })}>
        <option value="">all</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  )
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1
  return (
    <section>
      <h1>Runs</h1>
      <div class="filters">
        {filter('pipeline', data?.pipelines ?? [])}
        {filter('status', STATUSES)}
        {filter('trigger', TRIGGERS)}
        {data && <span class="muted">{data.total} run{data.total === 1 ? '' : 's'}</span>}
      </div>
      {error && <p class="problem">{error}</p>}
      {data && (
        <>
          <table class="list" id="runs">
            <thead>
              <tr><th>run</th><th>pipeline</th><th>status</th><th>trigger</th><th>started (UTC)</th><th>took</th><th>tasks</th></tr>
            </thead>
            <tbody>
              {data.runs.map((r) => (
                <tr key={r.runId} data-run={r.runId}>
                  <td class="mono"><a href={runHref(r.runId)}>{r.runId}</a></td>
                  <td>{r.pipeline}</td>
                  <td><StatusBadge status={r.status} /></td>
                  <td>{r.trigger}{r.resumedFrom ? <span class="muted small"> of {r.resumedFrom}</span> : ''}</td>
                  <td class="mono small">{formatTime(r.startedAt)}</td>
                  <td class="small">{formatDuration(r.durationMs)}</td>
                  <td class="small">{Object.entries(r.taskCounts).map(([s, n]) => `${n} ${s}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.runs.length === 0 && <p class="muted">No runs match.</p>}
          <div class="pager">
            <button disabled={data.page <= 1} onClick={() => go({ page: String(data.page - 1) })}>← newer</button>
            <span>page {data.page} of {pages}</span>
            <button disabled={data.page >= pages} onClick={() => go({ page: String(data.page + 1) })}>older →</button>
          </div>
        </>
      )}
    </section>
  )
}
