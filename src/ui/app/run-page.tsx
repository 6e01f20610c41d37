/**
 * One run: header with its status and actions (cancel, resume), the DAG coloured by status, the
 * timeline and the selected task's panel. Live through server-sent events while the run runs.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { UiRun, UiStarted, UiTask } from '../api-types.ts'
import { apiPath, eventsUrl, getJson, postJson } from './api.ts'
import { formatDuration, formatTime, runHref } from './format.ts'
import { StatusBadge } from './status-badge.tsx'
import { DagView } from './dag-view.tsx'
import { Gantt } from './gantt.tsx'
import { TaskPanel } from './task-panel.tsx'
import { ParamsForm } from './params-form.tsx'

function useRun(runId: string): { run?: UiRun; error?: string } {
  const [state, setState] = useState<{ run?: UiRun; error?: string }>({})
  useEffect(() => {
    let source: EventSource | undefined
    let closed = false
    void getJson<UiRun>(apiPath('runs', runId)).then(
      (run) => {
        if (closed) return
        setState({ run })
        if (run.status !== 'running') return
        source = new EventSource(eventsUrl(apiPath('runs', runId, 'events')))
        source.addEventListener('run', (e) => {
          const next = JSON.parse((e as MessageEvent<string>).data) as UiRun
          setState({ run: next })
          if (next.status !== 'running') source?.close()
        })
      },
      (e: Error) => setState({ error: e.message }),
    )
    return () => {
      closed = true
      source?.close()
    }
  }, [runId])
  return state
}

function useNow(running: boolean): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [running])
  return now
}

function Actions({ run }: { run: UiRun }) {
  const [problem, setProblem] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const [resuming, setResuming] = useState(false)
  const act = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true)
    setProblem(undefined)
    try {
      await fn()
    } catch (error) {
      setProblem((error as Error).message)
    } finally {
      setBusy(false)
    }
  }
  const resume = async (params: Record<string, unknown>): Promise<void> => {
    const started = await postJson<UiStarted>(apiPath('runs', run.runId, 'resume'), { params })
    location.hash = runHref(started.runId)
  }
  return (
    <div class="actions">
      {run.canCancel && (
        <button id="cancel-run" disabled={busy} onClick={() => void act(async () => void (await postJson(apiPath('runs', run.runId, 'cancel'), {})))}>
          {busy ? 'Cancelling…' : 'Cancel run'}
        </button>
      )}
      {run.status === 'running' && !run.canCancel && <span class="small muted">runs on host {run.host}: cancel it there</span>}
      {run.canResume && run.resumeParams.length === 0 && (
        <button id="resume-run" class="primary" disabled={busy} onClick={() => void act(() => resume({}))}>
          {busy ? 'Resuming…' : 'Resume run'}
        </button>
      )}
      {run.canResume && run.resumeParams.length > 0 && !resuming && (
        <button id="resume-run" class="primary" onClick={() => setResuming(true)}>Resume run…</button>
      )}
      {resuming && (
        <div class="resume-form">
          <p class="small">This run did not record its secret params; give them again to resume.</p>
          <ParamsForm params={run.resumeParams} submitLabel="Resume run" onSubmit={resume} />
        </div>
      )}
      {problem && <span class="problem" id="action-problem">{problem}</span>}
    </div>
  )
}

export function RunPage({ runId }: { runId: string }) {
  const { run, error } = useRun(runId)
  const [selected, setSelected] = useState<string | undefined>()
  const now = useNow(run?.status === 'running')
  const byId = useMemo(() => new Map<string, UiTask>((run?.tasks ?? []).map((t) => [t.id, t])), [run])
  if (error) return <p class="problem">{error}</p>
  if (!run) return <p class="muted">Loading…</p>
  const counts: Record<string, number> = {}
  for (const t of run.tasks) counts[t.status] = (counts[t.status] ?? 0) + 1
  const task = selected !== undefined ? byId.get(selected) : undefined
  return (
    <section class="run" data-status={run.status}>
      <div class="run-head">
        <h1>
          <span class="mono">{run.runId}</span> <StatusBadge status={run.status} />
        </h1>
        <p class="small">
          <a href={`#/runs?pipeline=${encodeURIComponent(run.pipeline)}`}>{run.pipeline}</a> · {run.trigger}
          {run.resumedFrom && <> of <a href={runHref(run.resumedFrom)}>{run.resumedFrom}</a></>} · started {formatTime(run.startedAt)} UTC
          {' · '}{formatDuration((run.finishedAt ?? now) - run.startedAt)}
          {' · '}{Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}
        </p>
        {Object.keys(run.params).length > 0 && <p class="small mono muted" id="run-params">params {JSON.stringify(run.params)}</p>}
        <Actions run={run} />
      </div>
      <div class={`run-body${task ? ' with-panel' : ''}`}>
        <div class="run-main">
          <DagView graph={run.graph} tasks={byId} selected={selected} onSelect={setSelected} />
          <h2>Timeline</h2>
          <Gantt run={run} now={now} onSelect={setSelected} />
        </div>
        {task && <TaskPanel run={run} task={task} onClose={() => setSelected(undefined)} />}
      </div>
    </section>
  )
}
