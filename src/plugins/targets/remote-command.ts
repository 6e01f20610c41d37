/**
 * The command line a remote engine runs for one task: which template applies (task, pipeline,
 * target, default) and the values its variables get on that engine.
 */
import type { Pipeline, Task } from '../../spec/model.ts'
import { specPathInProject } from './command-hazards.ts'
import { renderCommand } from './command-template.ts'
import type { CommandValues } from './command-template.ts'

/** How a target fills the template variables with its own placeholders. */
export interface RemoteLayout {
  /** argv prefix that starts the weir CLI on the engine. */
  readonly cli: readonly string[]
  /** Folder where the project (spec, handlers, node_modules) lives on the engine. */
  readonly projectPath: string
  /** The engine's run id placeholder, e.g. `{{job.run_id}}`. */
  readonly runId: string
  /** The engine's placeholder for a param value, e.g. `{{job.parameters.x}}`. */
  readonly param: (name: string) => string
  /** What `{{task}}` becomes; @default the task id */
  readonly task?: (task: Task) => string
  /** Base URI for output prefixes (`gs://bucket/weir`); absent: each IoManager's own layout. */
  readonly storage?: string
  /** The target config's `command`, used when neither the task nor the pipeline sets one. */
  readonly command?: readonly string[]
  /**
   * How the engine says what started the run: `--trigger` and `--scheduled-at` values (engine
   * placeholders), added after the rendered template unless it passes them itself. Absent: neither
   * is passed, and `weir execute` takes the run as manual.
   */
  readonly run?: { readonly trigger: string; readonly scheduledAt: string }
}

/**
 * The default template: `weir execute` with the spec, task and run id, the output prefix when the
 * target has one, and every declared param as `--param name=value`.
 */
export function defaultCommandTemplate(pipeline: Pipeline): string[] {
  return [
    '{{cli}}', 'execute', '--spec', '{{spec}}', '--task', '{{task}}', '--run-id', '{{runId}}',
    '{{#if outputPrefix}}--output-prefix{{/if}}', '{{outputPrefix}}',
    '{{#if inputs}}--inputs{{/if}}', '{{inputs}}',
    '{{#if attempt}}--attempt{{/if}}', '{{attempt}}',
    ...Object.keys(pipeline.params).flatMap((name) => ['--param', `${name}={{params.${name}}}`]),
  ]
}

/** The template that applies to a task: its own, the pipeline's, the target's, or the default. */
export function commandTemplateOf(pipeline: Pipeline, task: Task, targetCommand?: readonly string[]): readonly string[] {
  return task.command ?? pipeline.command ?? targetCommand ?? defaultCommandTemplate(pipeline)
}

/** Path of the spec as the engine sees it: the project folder plus the spec's path inside the project. */
export function remoteSpecPath(pipeline: Pipeline, projectPath: string): string {
  return `${projectPath.replace(/\/+$/, '')}/${specPathInProject(pipeline)}`
}

/** The template values of a task on an engine. */
export function remoteCommandValues(pipeline: Pipeline, task: Task, layout: RemoteLayout): CommandValues {
  const taskName = layout.task ? layout.task(task) : task.id
  return {
    cli: layout.cli,
    pipeline: pipeline.name,
    task: taskName,
    spec: remoteSpecPath(pipeline, layout.projectPath),
    runId: layout.runId,
    ...(layout.storage !== undefined && { outputPrefix: `${layout.storage.replace(/\/+$/, '')}/${pipeline.name}/${layout.runId}/${taskName}` }),
    params: Object.fromEntries(Object.keys(pipeline.params).map((name) => [name, layout.param(name)])),
  }
}

/** Renders the argv a task runs on an engine (engine placeholders left for the engine). */
export function renderRemoteCommand(pipeline: Pipeline, task: Task, layout: RemoteLayout): string[] {
  const argv = renderCommand(commandTemplateOf(pipeline, task, layout.command), remoteCommandValues(pipeline, task, layout))
  return layout.run ? [...argv, ...runArguments(argv, layout.run)] : argv
}

/**
 * `--trigger=…` and `--scheduled-at=…`, each unless the command passes it already (as the subprocess
 * executor adds them). One argument each: an engine that substitutes nothing leaves an empty value,
 * which `weir execute` reads as not given, never the next argument.
 */
function runArguments(argv: readonly string[], run: NonNullable<RemoteLayout['run']>): string[] {
  const passes = (flag: string) => argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`))
  return [...(passes('--trigger') ? [] : [`--trigger=${run.trigger}`]), ...(passes('--scheduled-at') ? [] : [`--scheduled-at=${run.scheduledAt}`])]
}

/**
 * The spec's file name for a generated file's header comment. A line break in a file name would end
 * the comment and put the rest into the YAML as a key, so control characters are written escaped.
 */
export function specFileNameForComment(pipeline: Pipeline): string {
  const name = pipeline.sourcePath.split(/[\\/]/).pop() ?? pipeline.name
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name
}
