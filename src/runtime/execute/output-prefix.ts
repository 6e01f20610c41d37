/**
 * Where a task's output and documents go when `--output-prefix` is not given: the folder its
 * IoManager uses for the key (`<root>/<pipeline>/<run>/<task>`), so outputs land where an in-process
 * run puts them, and any process can find an upstream task's documents from the run id alone.
 */
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Pipeline, Task } from '../../spec/model.ts'
import type { IoPlugin, PluginEnv } from '../../plugins/types.ts'
import { listChoices } from '../../spec/did-you-mean.ts'

/** What the protocol needs to know of where it runs: the folders, and the IoManager plugins of the run. */
export interface ProtocolEnv extends Pick<PluginEnv, 'cwd' | 'stateDir'> {
  readonly ioPlugins: readonly IoPlugin<never>[]
}

/** The default output prefix of a task in a run, or undefined for an IoManager another process cannot read. */
export function defaultOutputPrefix(pipeline: Pipeline, task: Task, runId: string, env: ProtocolEnv): string | undefined {
  const decl = pipeline.io[task.io]
  const remote = decl && env.ioPlugins.find((p) => p.type === decl.type)?.remote
  if (!remote) return undefined
  return remote.folderOf({ pipeline: pipeline.name, runId, taskId: task.id }, decl.config as never, env)
}

/** The IoManager types whose outputs another process can read, quoted for a message (`'fs' or 'gcs'`). */
export function remoteIoTypes(env: ProtocolEnv): string {
  const types = env.ioPlugins.filter((p) => p.remote).map((p) => p.type)
  return types.length === 0 ? 'an IoManager type with a remote layout' : listChoices(types)
}

/** A prefix as a URI: paths (relative to `cwd`) become `file://` URIs. */
export function normalizePrefix(prefix: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(prefix)) return prefix.replace(/\/+$/, '')
  return pathToFileURL(isAbsolute(prefix) ? prefix : resolve(cwd, prefix)).href
}

/**
 * The prefix of an upstream task: with an explicit prefix that ends in the task id (the targets'
 * `<storage>/<pipeline>/<run>/<task>` layout), its sibling; otherwise the upstream's default.
 */
export function upstreamPrefix(pipeline: Pipeline, task: Task, upstream: Task, runId: string, explicit: string | undefined, env: ProtocolEnv): string | undefined {
  if (explicit !== undefined && explicit.endsWith(`/${task.id}`)) return `${explicit.slice(0, -task.id.length)}${upstream.id}`
  return defaultOutputPrefix(pipeline, upstream, runId, env)
}
