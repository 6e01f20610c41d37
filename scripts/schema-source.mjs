// Source of schema/pipeline.schema.json. Written as a module so descriptions can be shared and
// commented; `npm run build:schema` writes the JSON, and a test fails when the two drift apart.
const NAME = '^[a-z][a-z0-9_]*$'
// A number and its unit, nothing around or between them; src/spec/duration.ts reads the same.
const DURATION = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$'

const duration = {
  title: 'DurationSpec',
  description: 'A duration: a number with a unit, `ms`, `s`, `m`, `h` or `d` (`250ms`, `30s`, `10m`, `2h`, `1d`). A bare number means seconds.',
  anyOf: [
    { type: 'string', pattern: DURATION },
    { type: 'number', minimum: 0 },
  ],
  examples: ['30s', '10m', '2h'],
}

const triggerRule = {
  title: 'TriggerRuleSpec',
  description: 'When the task runs, judged once all its upstream tasks are finished. See docs/trigger-rules.md for the truth table; the same rule maps to Databricks `run_if` and Argo `depends`.',
  enum: ['all_success', 'all_done', 'all_failed', 'one_success', 'one_failed', 'none_failed'],
  default: 'all_success',
  examples: ['one_failed'],
}

const retries = {
  title: 'RetriesSpec',
  description: 'How often a failed attempt is retried: a count, or a policy. Retries use exponential backoff with full jitter unless the policy says otherwise.',
  default: 0,
  examples: [2, { max: 3, delay: '10s', backoff: 'exponential', maxDelay: '5m', jitter: 'full' }],
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 100, description: 'Retries after the first attempt.' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['max'],
      properties: {
        max: { type: 'integer', minimum: 0, maximum: 100, description: 'Retries after the first attempt.', default: 0, examples: [3] },
        delay: { ...duration, description: 'Delay before the first retry. ' + duration.description, default: '1s' },
        backoff: { enum: ['exponential', 'fixed'], description: '`exponential` multiplies the delay by `factor` after each retry; `fixed` keeps it.', default: 'exponential' },
        factor: { type: 'number', minimum: 1, maximum: 10, description: 'Growth factor of exponential backoff.', default: 2, examples: [1.5] },
        maxDelay: { ...duration, description: 'Upper bound of any single delay. ' + duration.description, default: '5m' },
        jitter: { enum: ['full', 'none'], description: '`full` draws each delay uniformly between 0 and the computed delay (spreads retries of many tasks); `none` waits exactly the computed delay.', default: 'full' },
        onTimeout: { type: 'boolean', description: 'Whether an attempt that timed out is retried.', default: true },
      },
    },
  ],
}

const jsonSchema = {
  title: 'JsonSchemaSpec',
  description: 'A JSON Schema (draft 2020-12). Reuse shared types with `{ $ref: "#/types/<Name>" }`.',
  type: ['object', 'boolean'],
  examples: [{ type: 'object', properties: { total: { type: 'number' } }, required: ['total'] }],
}

const columnType = {
  enum: ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64', 'string', 'binary', 'date', 'timestamp'],
  description: 'Arrow column type.',
}

const tableOutput = {
  title: 'TableOutputSpec',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'columns'],
  description: 'An Apache Arrow table, stored as Parquet by any IoManager with a byte store.',
  properties: {
    type: { const: 'table', description: 'Marks a table output.' },
    description: { type: 'string', description: 'What the table holds.', examples: ['One row per order.'] },
    columns: {
      type: 'object',
      description: 'Column name → Arrow column type. The handler must return a table with exactly these columns.',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: columnType,
      examples: [{ order_id: 'int64', amount: 'float64', country: 'string' }],
    },
  },
}

const command = {
  title: 'CommandSpec',
  type: 'array',
  minItems: 1,
  items: { type: 'string' },
  description: 'The command line (argv) a remote engine runs for a task, as Handlebars templates, one per argument. Variables: `{{cli}}`, `{{pipeline}}`, `{{task}}`, `{{spec}}`, `{{runId}}`, `{{inputs}}`, `{{outputPrefix}}`, `{{attempt}}`, `{{params.<name>}}` (see docs/remote.md). Engine placeholders such as `{{job.run_id}}` or `{{workflow.uid}}` pass through. Never a shell string.',
  examples: [['node', '{{cli}}', 'execute', '--spec', '{{spec}}', '--task', '{{task}}', '--run-id', '{{runId}}']],
}


const FOREACH_LIST = 'The list a mapped task runs over: `${{ tasks.<id>.output }}` (an array output, or a mapped task\'s output for an item-wise chain), `${{ tasks.<id>.values.<name> }}`, `${{ params.<name> }}`, or a literal list.'

const foreach = {
  title: 'ForeachSpec',
  description: 'Maps the task over a list known at run time: the handler runs once per item, with `${{ item }}`, `${{ item.<field> }}` and `${{ item_index }}` in its inputs. Downstream tasks read the list of the items\' outputs in item order. See docs/fan-out.md.',
  anyOf: [
    { type: 'string', description: FOREACH_LIST },
    { type: 'array', description: FOREACH_LIST },
    {
      type: 'object',
      additionalProperties: false,
      required: ['items'],
      properties: {
        items: { type: ['string', 'array'], description: FOREACH_LIST, examples: ['${{ tasks.list_regions.output }}', '${{ params.regions }}', ['EU', 'US', 'APAC']] },
        concurrency: { type: 'integer', minimum: 1, maximum: 10000, description: 'Most items of this task that run at the same time, on top of the run\'s `--concurrency` (Databricks `for_each_task.concurrency`, at most 100 there; Argo `parallelism`).', examples: [8] },
      },
    },
  ],
  examples: ['${{ tasks.list_regions.output }}', { items: '${{ tasks.list_regions.output }}', concurrency: 8 }],
}

const cacheObject = {
  type: 'object',
  additionalProperties: false,
  description: 'Caching settings; see docs/caching.md.',
  properties: {
    version: { type: 'string', maxLength: 128, description: 'Part of the cache key: change it to invalidate every cached result of the task (for example after changing something the key does not cover, such as a package).', default: '', examples: ['2'] },
    ttl: { ...duration, description: 'How long a cached result may be reused; older entries are a miss and are replaced. Not part of the key. ' + duration.description, examples: ['7d', '12h'] },
  },
}

const cache = {
  title: 'CacheSpec',
  description: 'Reuse the stored output of an earlier run when the task\'s code, inputs (by content), params, schemas and cache version are unchanged: `true`, `false`, or `{ version, ttl }`. Only successes are cached. See docs/caching.md.',
  default: false,
  examples: [true, { version: '2', ttl: '7d' }],
  anyOf: [{ type: 'boolean' }, cacheObject],
}

const task = {
  title: 'TaskSpec',
  type: 'object',
  additionalProperties: false,
  required: ['handler'],
  description: 'One step of the pipeline: a TypeScript handler called with its inputs and a context.',
  properties: {
    handler: {
      type: 'string',
      pattern: '^[^#\\s][^#]*(#[A-Za-z_$][A-Za-z0-9_$]*)?$',
      description: 'Module path relative to this spec file, then `#` and the export to call (`default` when omitted). The module must stay inside the project.',
      examples: ['../handlers/sales.ts#extract'],
    },
    description: { type: 'string', description: 'What the task does; shown in graphs and generated jobs.', examples: ['Load yesterday\'s orders.'] },
    inputs: {
      type: 'object',
      description: 'Named arguments of the handler. A value that is exactly one `${{ … }}` passes the referenced value with its type (`tasks.<id>.output`, `tasks.<id>.values.<name>`, `params.<name>`, `run.id`, and in a mapped task `item`, `item.<field>`, `item_index`); other values are literals.',
      propertyNames: { pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' },
      additionalProperties: true,
      default: {},
      examples: [{ orders: '${{ tasks.extract.output }}', threshold: '${{ params.threshold }}' }],
    },
    concat: {
      type: 'array',
      description: 'Inputs of this task (names from `inputs`) that receive a fan-in of a mapped task\'s table output as ONE Arrow table: the items\' rows one after the other, in item order, instead of a list of tables. Each must be exactly `${{ tasks.<id>.output }}` of a mapped task whose output is `type: table`. An empty map gives an empty table with the declared columns. See docs/fan-out.md.',
      items: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' },
      uniqueItems: true,
      default: [],
      examples: [['days']],
    },
    foreach,
    needs: {
      type: 'array',
      description: 'Tasks that must finish first, without passing data (ordering-only edges).',
      items: { type: 'string', pattern: NAME },
      uniqueItems: true,
      default: [],
      examples: [['extract', 'summarize']],
    },
    output: {
      description: 'What the handler returns: a JSON Schema, or `{ type: table, columns: {…} }` for an Arrow table. Outputs are checked before they are stored.',
      if: { type: 'object', properties: { type: { const: 'table' } }, required: ['type'] },
      then: tableOutput,
      else: jsonSchema,
      examples: [{ $ref: '#/types/Summary' }, { type: 'table', columns: { order_id: 'int64', amount: 'float64' } }],
    },
    values: {
      type: 'object',
      description: 'Small task values the handler may set with `ctx.values.set(name, value)`: name → JSON Schema. Each value is at most 48 KB.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: jsonSchema,
      default: {},
      examples: [{ row_count: { type: 'integer' } }],
    },
    retries: { ...retries, description: 'Overrides `defaults.retries`. ' + retries.description },
    timeout: { ...duration, description: 'Per-attempt time limit (overrides `defaults.timeout`). The attempt fails when it passes, even if the handler ignores its abort signal; `0` means no time limit. ' + duration.description },
    io: { type: 'string', pattern: NAME, description: 'Name of the IoManager (under `io:`) that stores this task\'s output.', default: 'default', examples: ['lake'] },
    trigger: triggerRule,
    cache: { ...cache, description: 'Overrides `defaults.cache` (an object\'s fields one by one). ' + cache.description },
    command: { ...command, description: 'Overrides the pipeline\'s remote command line for this task. ' + command.description },
  },
}

const ioManager = {
  title: 'IoSpec',
  type: 'object',
  required: ['type'],
  additionalProperties: true,
  description: 'An IoManager instance: the plugin `type` plus that plugin\'s own settings (checked against the plugin\'s config schema).',
  properties: {
    type: { type: 'string', description: 'IoManager plugin: `fs` (files under .weir/data), `memory`, `gcs`, or one a plugin package registers.', examples: ['fs', 'gcs', 'memory'] },
  },
  examples: [{ type: 'fs' }, { type: 'gcs', bucket: 'acme-lake', prefix: 'weir' }],
}

const schedule = {
  title: 'ScheduleSpec',
  type: 'object',
  additionalProperties: false,
  required: ['cron'],
  description: 'Runs the pipeline on a clock, with `weir schedule` locally or the engine\'s scheduler remotely.',
  examples: [{ cron: '0 3 * * *', timezone: 'Europe/Berlin', overlap: 'skip', catchup: 'latest' }],
  properties: {
    cron: {
      type: 'string',
      description: '5-field cron (`minute hour day-of-month month day-of-week`); a 6-field form with seconds first works locally only.',
      examples: ['0 3 * * *', '*/15 * * * *'],
    },
    timezone: { type: 'string', description: 'IANA timezone the cron is read in. Across DST: a fire in the skipped hour runs once at the first valid instant after the gap; a fire in the repeated hour runs once, at its first occurrence.', default: 'UTC', examples: ['Europe/Berlin', 'America/New_York'] },
    overlap: { enum: ['skip', 'queue', 'allow'], description: 'When a fire comes while the previous run is still going: `skip` it, `queue` it until that run ends, or `allow` both to run.', default: 'skip' },
    catchup: { enum: ['none', 'latest', 'all'], description: 'Fires missed while no scheduler ran: ignore them, run the latest one, or run all of them (at most `catchupLimit`).', default: 'latest' },
    catchupLimit: { type: 'integer', minimum: 1, maximum: 10000, description: 'Most missed fires that `catchup: all` replays.', default: 100, examples: [24] },
    params: { type: 'object', additionalProperties: true, description: 'Param values for scheduled runs; they override the params\' defaults.', default: {}, examples: [{ threshold: 0.8 }] },
    paused: { type: 'boolean', description: 'Keeps the schedule defined but not firing (Databricks `pause_status: PAUSED`, Argo `suspend`).', default: false },
  },
}

export const pipelineSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://weir.dev/schema/pipeline.schema.json',
  title: 'PipelineSpec',
  description: 'A weir pipeline: tasks that call TypeScript handlers, the data edges between them, and how and when they run.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'name', 'tasks'],
  properties: {
    $schema: { type: 'string', description: 'Optional link to this schema for editors.', examples: ['../schema/pipeline.schema.json'] },
    apiVersion: { const: 'weir/v1', description: 'Spec format version.', examples: ['weir/v1'] },
    kind: { const: 'Pipeline', description: 'Always `Pipeline`.', examples: ['Pipeline'] },
    name: { type: 'string', pattern: NAME, maxLength: 63, description: 'Pipeline name: lowercase letters, digits and `_`, starting with a letter. Used in run ids, storage paths and job names.', examples: ['daily_sales'] },
    description: { type: 'string', description: 'What the pipeline does.', examples: ['Aggregate yesterday\'s orders.'] },
    params: {
      type: 'object',
      description: 'Run parameters, each a JSON Schema; values come from `--param name=value`, the schedule, or the schema\'s `default`. A param with `writeOnly: true` is a secret: runs never record its value and messages never echo it.',
      propertyNames: { pattern: NAME },
      additionalProperties: jsonSchema,
      default: {},
      examples: [{ threshold: { type: 'number', default: 0.5 } }],
    },
    types: {
      type: 'object',
      description: 'Reusable JSON Schemas, referenced as `{ $ref: "#/types/<Name>" }`; codegen turns each into a named TypeScript type.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: jsonSchema,
      default: {},
      examples: [{ Summary: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] } }],
    },
    io: {
      type: 'object',
      description: 'Named IoManagers. A task without `io:` uses `default`, which is `{ type: fs }` unless set here.',
      propertyNames: { pattern: NAME },
      additionalProperties: ioManager,
      default: { default: { type: 'fs' } },
      examples: [{ default: { type: 'fs' }, lake: { type: 'gcs', bucket: 'acme-lake', prefix: 'weir' } }],
    },
    defaults: {
      title: 'DefaultsSpec',
      type: 'object',
      additionalProperties: false,
      description: 'Settings every task inherits unless it sets its own.',
      default: {},
      examples: [{ retries: 2, timeout: '10m' }],
      properties: {
        retries,
        timeout: { ...duration, description: 'Per-attempt time limit for every task; `0` means no time limit. ' + duration.description },
        io: { type: 'string', pattern: NAME, description: 'IoManager for tasks that set none.', default: 'default', examples: ['lake'] },
        trigger: triggerRule,
        cache: { ...cache, description: 'Caching for every task that sets no `cache` of its own. ' + cache.description },
      },
    },
    tasks: {
      type: 'object',
      minProperties: 1,
      description: 'The tasks, keyed by id (lowercase letters, digits and `_`, starting with a letter).',
      examples: [{ extract: { handler: '../handlers/sales.ts#extract' }, summarize: { handler: '../handlers/sales.ts#summarize', inputs: { orders: '${{ tasks.extract.output }}' } } }],
      propertyNames: { pattern: NAME, maxLength: 63 },
      additionalProperties: task,
    },
    schedule,
    targets: {
      type: 'object',
      description: 'Settings per remote target (`argo`, `databricks`), checked against each target plugin\'s config schema.',
      additionalProperties: { type: 'object', additionalProperties: true },
      default: {},
      examples: [{ argo: { image: 'ghcr.io/acme/pipelines:1.4.2', namespace: 'data' } }],
    },
    command: command,
  },
}
