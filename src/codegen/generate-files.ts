/**
 * What `weir codegen` generates for one pipeline: handler types (`types`) and the job definitions of
 * target plugins, looked up by name. Pure: file contents in, nothing written.
 */
import { isAbsolute } from 'node:path'
import type { Pipeline } from '../spec/model.ts'
import type { GeneratedFile, TargetPlugin } from '../plugins/types.ts'
import { generateTypes } from './generate-types.ts'
import { WeirError } from '../spec/weir-error.ts'
import { closest } from '../spec/did-you-mean.ts'

/** The `--target` value that means "handler types"; every other name is a target plugin's. */
export const TYPES_TARGET = 'types'
/** The `--target` value that means types plus every target the spec configures. */
export const ALL_TARGETS = 'all'

/** A problem the user can fix (a target that is not available or not configured). */
export class CodegenError extends WeirError {
  declare readonly code: 'TARGET_UNAVAILABLE' | 'TARGET_NOT_CONFIGURED' | 'UNSAFE_OUTPUT_PATH'
  constructor(code: CodegenError['code'], message: string) {
    super(code, message)
    this.name = 'CodegenError'
  }
}

/** What to generate, and with which plugins. */
export interface GenerateFilesOptions {
  /** `types`, `all`, or a target plugin's name. */
  readonly target: string
  /** The target plugins that are installed (the CLI passes `builtinTargets`). */
  readonly plugins: readonly TargetPlugin<never>[]
  /** The spec's path as the types file's header shows it (relative to the output folder). */
  readonly specPath?: string
}

/** One generated file and what produced it, for messages. */
export interface PlannedFile extends GeneratedFile {
  /** `types` or the target plugin's name. */
  readonly target: string
}

/** Generates every file `target` asks for, for one pipeline. Throws `CodegenError` for usage problems. */
export async function generateFiles(pipeline: Pipeline, options: GenerateFilesOptions): Promise<PlannedFile[]> {
  const files: PlannedFile[] = []
  for (const target of selectTargets(pipeline, options)) {
    if (target === TYPES_TARGET) {
      const file = await generateTypes(pipeline, options.specPath === undefined ? {} : { specPath: options.specPath })
      files.push({ ...file, target })
      continue
    }
    const plugin = options.plugins.find((p) => p.type === target)!
    for (const file of await plugin.generate(pipeline, pipeline.targets[target] as never)) {
      checkRelativePath(file.path, target)
      files.push({ path: file.path, contents: file.contents, target })
    }
  }
  return files
}

/** `all` → types plus each installed target the spec configures; a named target must be both. */
export function selectTargets(pipeline: Pipeline, options: GenerateFilesOptions): string[] {
  const installed = options.plugins.map((p) => p.type)
  if (options.target === ALL_TARGETS) return [TYPES_TARGET, ...installed.filter((name) => Object.hasOwn(pipeline.targets, name))]
  if (options.target === TYPES_TARGET) return [TYPES_TARGET]
  // "Not available in this build" only for a target the spec configures (its plugin is missing);
  // any other name is a typo or a target weir does not have.
  if (!installed.includes(options.target))
    throw new CodegenError(
      'TARGET_UNAVAILABLE',
      Object.hasOwn(pipeline.targets, options.target)
        ? `Target '${options.target}' is not available in this build; use ${describeChoices(installed)}.`
        : unknownTarget(options.target, installed),
    )
  if (!Object.hasOwn(pipeline.targets, options.target))
    throw new CodegenError(
      'TARGET_NOT_CONFIGURED',
      `Pipeline '${pipeline.name}' has no 'targets.${options.target}' block; add one to the spec (see docs/targets.md) or pick another --target.`,
    )
  return [options.target]
}

/** A target name that is neither built in nor configured: a close name, else the choices. */
function unknownTarget(target: string, installed: readonly string[]): string {
  const close = closest(target, [TYPES_TARGET, ALL_TARGETS, ...installed])
  return `There is no target '${target}'; ${close === undefined ? `use ${describeChoices(installed)}.` : `did you mean '${close}'?`}`
}

/** The `--target` choices, for messages: `'types', 'all', 'argo'`. */
export function describeChoices(installed: readonly string[]): string {
  return [TYPES_TARGET, ALL_TARGETS, ...installed].map((c) => `'${c}'`).join(', ')
}

/** A plugin's file must land inside the output folder. */
function checkRelativePath(path: string, target: string): void {
  const segments = path.split(/[\\/]/)
  if (path === '' || isAbsolute(path) || /^[A-Za-z]:/.test(path) || segments.includes('..'))
    throw new CodegenError('UNSAFE_OUTPUT_PATH', `Target '${target}' generated a file at '${path}', outside the output folder; this is a bug in the target plugin.`)
}
