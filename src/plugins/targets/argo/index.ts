import type { TargetPlugin } from '../../types.ts'
import { argoConfigSchema } from './config.ts'
import type { ArgoConfig } from './config.ts'
import { generateArgo } from './generate.ts'
import { checkArgo } from './check.ts'

/**
 * Argo Workflows: a WorkflowTemplate with a `dag` (trigger rules as `depends`), and a CronWorkflow
 * when the pipeline has a schedule; every task runs `weir execute` in the configured image.
 * @example
 * const files = argoTarget.generate(pipeline, { image: 'ghcr.io/acme/pipelines:1.4.2' })
 */
export const argoTarget: TargetPlugin<ArgoConfig> = {
  type: 'argo',
  configSchema: argoConfigSchema,
  generate: generateArgo,
  check: checkArgo,
}
