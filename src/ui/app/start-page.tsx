/** Start a run of a pipeline: its params form; on success, the new run's page. */
import { useEffect, useState } from 'preact/hooks'
import type { UiPipelineDetail, UiStarted } from '../api-types.ts'
import { apiPath, getJson, postJson } from './api.ts'
import { runHref } from './format.ts'
import { ParamsForm } from './params-form.tsx'

export function StartPage({ pipeline }: { pipeline: string }) {
  const [detail, setDetail] = useState<UiPipelineDetail | undefined>()
  const [error, setError] = useState<string | undefined>()
  useEffect(() => void getJson<UiPipelineDetail>(apiPath('pipelines', pipeline)).then(setDetail, (e: Error) => setError(e.message)), [pipeline])
  if (error) return <p class="problem">{error}</p>
  if (!detail) return <p class="muted">Loading…</p>
  return (
    <section>
      <h1>Run {detail.name}</h1>
      <p class="muted mono small">{detail.path} · {detail.graph.tasks.length} tasks</p>
      {detail.params.length === 0 && <p class="muted">This pipeline has no params.</p>}
      <ParamsForm
        params={detail.params}
        submitLabel="Start run"
        onSubmit={async (params) => {
          const started = await postJson<UiStarted>('/api/runs', { pipeline: detail.name, params })
          location.hash = runHref(started.runId)
        }}
      />
    </section>
  )
}
