/**
 * Local stand-ins for engine placeholders, so a command line generated for Databricks or Argo can
 * run on this machine exactly as written (the subprocess executor, and the tests that run the
 * commands inside generated definitions). Unknown placeholders have no local value and are refused.
 */
import type { AttemptRequest } from '../../types.ts'
import { paramText } from '../../../spec/param-text.ts'

/** Resolves `job.run_id`, `workflow.uid`, `inputs.parameters.task`, params and task values locally. */
export function localEngineValues(request: Pick<AttemptRequest, 'pipeline' | 'task' | 'runId' | 'attempt' | 'params' | 'upstreamValues'>): (placeholder: string) => string | undefined {
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
  return (placeholder) => {
    const p = placeholder.trim()
    switch (p) {
      case 'job.run_id':
      case 'workflow.uid':
      case 'workflow.name':
        return request.runId
      case 'job.id':
      case 'job.name':
        return request.pipeline.name
      case 'task.name':
      case 'inputs.parameters.task':
        return request.task.id
      case 'retries':
        return String(request.attempt - 1)
    }
    const param = /^(?:job|workflow)\.parameters\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(p)
    if (param && Object.hasOwn(request.params, param[1]!)) return paramText(request.pipeline, param[1]!, request.params[param[1]!])
    const value = /^tasks\.([A-Za-z_][A-Za-z0-9_]*)\.values\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(p)
    if (value) {
      const v = request.upstreamValues[value[1]!]?.[value[2]!]
      return v === undefined ? undefined : text(v)
    }
    return undefined
  }
}
