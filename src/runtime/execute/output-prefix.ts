/**
 * Where a task's output and documents go when `--output-prefix` is not given: the folder its
 * IoManager uses for the key (`<root>/<pipeline>/<run>/<task>`), so outputs land where an in-process
 * run puts them, and any process can find an upstream task's documents from the run id alone.
 */
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Pipeline, Task } from '../../spec/model.ts'
import type { PluginEnv } from '../../plugins/types.ts'
import { keyFolder } from '../../plugins/io/output-location.ts'

/** The default output prefix of a task in a run, or undefined for an IoManager without a fixed layout. */
export function defaultOutputPrefix(pipeline: Pipeline, task: Task, runId: string, env: Pick<PluginEnv, 'cwd' | 'stateDir'>): string | undefined {
  const decl = pipeline.io[task.io]
  const folder = keyFolder({ pipeline: pipeline.name, runId, taskId: task.id })
  switch (decl?.type) {
    case 'fs': {
      const root = typeof decl.config.root === 'string' ? resolve(env.cwd, decl.config.root) : resolve(env.cwd, env.stateDir, 'data')
      return pathToFileURL(resolve(root, folder)).href
    }
    case 'gcs': {
      const prefix = typeof decl.config.prefix === 'string' && decl.config.prefix !== '' ? `${decl.config.prefix.replace(/^\/+|\/+$/g, '')}/` : ''
      return `gs://${String(decl.config.bucket)}/${prefix}${folder}`
    }
    default:
      return undefined
  }
}

/** A prefix as a URI: paths (relative to `cwd`) become `file://` URIs. */
export function normalizePrefix(prefix: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(prefix)) return prefix.replace(/\/+$/, '')
  return pathToFileURL(isAbsolute(prefix) ? prefix : resolve(cwd, prefix)).href
}

/**
 * The prefix of an upstream task: with an explicit prefix that ends in the task's id (the targets'
 * `<storage>/<pipeline>/<run>/<task>` layout), its sibling; otherwise the upstream's default.
 */
export function upstreamPrefix(pipeline: Pipeline, task: Task, upstream: Task, runId: string, explicit: string | undefined, env: Pick<PluginEnv, 'cwd' | 'stateDir'>): string | undefined {
  if (explicit !== undefined && explicit.endsWith(`/${task.id}`)) return `${explicit.slice(0, -task.id.length)}${upstream.id}`
  return defaultOutputPrefix(pipeline, upstream, runId, env)
}
