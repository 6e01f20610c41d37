/**
 * Defence in depth for engine names: whatever a target's name mapping promises, two tasks that get
 * one engine name (or a name the engine refuses) are an error at the later task, not a definition
 * the engine rejects or, worse, runs with one task shadowing another.
 */
import type { Pipeline } from '../../spec/model.ts'
import type { TargetFinding } from '../types.ts'

/** What a target calls a task, and which names its engine accepts. */
export interface EngineNaming {
  /** e.g. `Argo DAG task name`, `Databricks task_key`. */
  readonly what: string
  readonly nameOf: (id: string) => string
  /** Why a name is refused, or undefined when the engine accepts it. */
  readonly refuse?: (name: string) => string | undefined
}

/** One error per task whose engine name is refused or already taken by an earlier task. */
export function checkEngineNames(pipeline: Pipeline, naming: EngineNaming): TargetFinding[] {
  const findings: TargetFinding[] = []
  const owners = new Map<string, string>()
  for (const id of pipeline.order) {
    const name = naming.nameOf(id)
    const pointer = pipeline.tasks.get(id)?.pointer ?? `/tasks/${id}`
    const refused = naming.refuse?.(name)
    if (refused !== undefined)
      findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer, message: `Task '${id}' becomes ${naming.what} '${name}', which ${refused}; rename the task.` })
    const owner = owners.get(name)
    if (owner !== undefined)
      findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer, message: `Tasks '${owner}' and '${id}' both become ${naming.what} '${name}'; rename one of them.` })
    else owners.set(name, id)
  }
  return findings
}
