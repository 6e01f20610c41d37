/**
 * Loads the specs the scheduler runs: validates each file, keeps the ones with a `schedule:`, and on a
 * reload keeps the previous version of a spec that became invalid (so one typo does not stop a
 * pipeline's schedule).
 */
import { resolve } from 'node:path'
import type { Pipeline } from '../../spec/model.ts'
import type { PluginCatalog } from '../../spec/validate.ts'
import { validateSpecFile } from '../../spec/validate.ts'
import { hasErrors } from '../../spec/diagnostics.ts'
import type { SchedulerEventInput } from './events.ts'

export interface LoadSpecsOptions {
  /** Installed plugins' types and config schemas (the CLI passes the built-ins). */
  readonly plugins: PluginCatalog
  /** The specs of the previous load, by absolute path; empty at start. */
  readonly previous?: ReadonlyMap<string, Pipeline>
  /** Receives `spec:invalid` and `spec:duplicate`. */
  readonly emit: (event: SchedulerEventInput) => void
}

/** Validates `files`; returns the scheduled pipelines by absolute path. */
export async function loadScheduledSpecs(files: readonly string[], options: LoadSpecsOptions): Promise<Map<string, Pipeline>> {
  const previous = options.previous ?? new Map<string, Pipeline>()
  const paths = [...new Set(files.map((file) => resolve(file)))]
  const results = await Promise.all(paths.map((path) => validateSpecFile(path, { plugins: options.plugins })))
  const loaded = new Map<string, Pipeline>()
  const pathOfName = new Map<string, string>()
  paths.forEach((path, index) => {
    const result = results[index]
    let pipeline = result?.pipeline
    if (!pipeline || !result || hasErrors(result.diagnostics)) {
      const kept = previous.get(path)
      options.emit({ type: 'spec:invalid', path, diagnostics: result?.diagnostics ?? [], ...(kept && { kept: kept.name }) })
      pipeline = kept
    }
    if (!pipeline?.schedule) return
    const other = pathOfName.get(pipeline.name)
    if (other !== undefined) {
      options.emit({ type: 'spec:duplicate', path, pipeline: pipeline.name, otherPath: other })
      return
    }
    pathOfName.set(pipeline.name, path)
    loaded.set(path, pipeline)
  })
  return loaded
}
