import type { TargetPlugin } from '../../types.ts'
import { databricksConfigSchema } from './config.ts'
import type { DatabricksConfig } from './config.ts'
import { generateDatabricks } from './generate.ts'
import { checkDatabricks } from './check.ts'

/**
 * Databricks Jobs: a bundle plus Jobs API 2.2 JSON, one `spark_python_task` per weir task running
 * `weir execute` through a generated Python launcher.
 * @example
 * const files = databricksTarget.generate(pipeline, pipeline.targets.databricks ?? {})
 */
export const databricksTarget: TargetPlugin<DatabricksConfig> = {
  type: 'databricks',
  configSchema: databricksConfigSchema,
  generate: generateDatabricks,
  check: checkDatabricks,
}
