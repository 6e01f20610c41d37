/**
 * `targets.argo` in a spec: the container (image, resources), where it runs (namespace, service
 * account), where the project and the weir CLI are inside the image, and where outputs go. Names
 * follow Kubernetes (camelCase).
 */
import type { JsonSchema } from '../../../spec/model.ts'

export interface ArgoConfig {
  /** Container image with Node, the project and weir installed. */
  readonly image: string
  /** `WorkflowTemplate` (submit it with `argo submit --from`), or a `Workflow` to create directly. @default "WorkflowTemplate" */
  readonly kind?: 'WorkflowTemplate' | 'Workflow'
  readonly namespace?: string
  readonly serviceAccountName?: string
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'
  /** Kubernetes resource requests and limits of every task container. */
  readonly resources?: { readonly requests?: Readonly<Record<string, string>>; readonly limits?: Readonly<Record<string, string>> }
  readonly nodeSelector?: Readonly<Record<string, string>>
  /** Folder of the project inside the image (the container's working dir). @default "/app" */
  readonly projectPath?: string
  /** argv that starts weir inside the image. @default ["node", "<projectPath>/node_modules/weir-pipelines/bin/weir.js"] */
  readonly cli?: readonly string[]
  /** Base URI for task output prefixes, e.g. `gs://bucket/weir`; absent: each task's IoManager layout. */
  readonly storage?: string
  /** Most tasks of one workflow running at once. */
  readonly parallelism?: number
  /** CronWorkflow: how late (seconds) a missed fire may still start. @default 3600 */
  readonly startingDeadlineSeconds?: number
  /** Command template for every task on Argo (a task's or the pipeline's `command` wins). */
  readonly command?: readonly string[]
}

export const ARGO_DEFAULTS = { projectPath: '/app', startingDeadlineSeconds: 3600 } as const

const stringMap = { type: 'object', additionalProperties: { type: 'string' } }

export const argoConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['image'],
  properties: {
    image: { type: 'string', minLength: 1, description: 'Container image with Node, the project and weir installed.', examples: ['ghcr.io/acme/pipelines:1.4.2'] },
    kind: { enum: ['WorkflowTemplate', 'Workflow'], default: 'WorkflowTemplate', description: 'WorkflowTemplate (default; a CronWorkflow and `argo submit --from` use it) or a Workflow that runs once when created.' },
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'Kubernetes namespace of the workflow objects.' },
    serviceAccountName: { type: 'string', description: 'Service account the task pods run as (e.g. one with Workload Identity for GCS).' },
    imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'], description: 'Image pull policy of the task containers.' },
    resources: {
      type: 'object', additionalProperties: false, description: 'Resource requests and limits of every task container.',
      properties: { requests: stringMap, limits: stringMap },
      examples: [{ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } }],
    },
    nodeSelector: { ...stringMap, description: 'Node selector of the task pods.' },
    projectPath: { type: 'string', default: '/app', description: 'Folder of the project inside the image; the working directory of every task.' },
    cli: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'argv that starts weir inside the image (default node <projectPath>/node_modules/weir-pipelines/bin/weir.js).' },
    storage: { type: 'string', pattern: '^[a-z][a-z0-9+.-]*://', description: 'Base URI for task output prefixes: gs://BUCKET/path, or a file:// URI of a folder every task mounts; each task writes under <storage>/<pipeline>/<run id>/<task>.', examples: ['gs://acme-lake/weir'] },
    parallelism: { type: 'integer', minimum: 1, description: 'Most tasks of one workflow running at once.' },
    startingDeadlineSeconds: { type: 'integer', minimum: 0, default: 3600, description: "CronWorkflow: how late a missed fire may still start ('catchup: latest'); 'catchup: none' sets 0." },
    command: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Command template for every task on Argo; a task or pipeline `command` wins.' },
  },
}
