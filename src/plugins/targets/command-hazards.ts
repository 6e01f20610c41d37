/**
 * Text weir writes into a generated task command as it is, besides param values (param-hazards.ts):
 * the spec's path inside the project, and the target's project folder, CLI and storage settings.
 * The engines substitute text in a command too (Argo `{{…}}`, Kubernetes `$(NAME)`, Databricks
 * `{{…}}` references), so a task would be handed another path than the one written; these checks
 * say which file or setting to rename before it runs.
 */
import { relative, sep } from 'node:path'
import type { Pipeline } from '../../spec/model.ts'
import { findProjectRoot } from '../../spec/project-root.ts'
import type { TargetFinding } from '../types.ts'
import type { ValueHazard } from './param-hazards.ts'

/** One piece of text a generated command carries as written. */
export interface CommandText {
  /** The subject of the message: `The spec's path in the project`, `targets.argo.projectPath`. */
  readonly where: string
  readonly pointer: string
  readonly text: string
  /** What to do, a clause: `rename the spec file or its folders`. */
  readonly fix: string
  /** Hazards that are what the user meant here (`${workspace.file_path}` in a Databricks project_path). */
  readonly expected?: readonly ValueHazard[]
}

/** The spec's path inside its project folder, with '/' separators: what `{{spec}}` ends with on an engine. */
export function specPathInProject(pipeline: Pipeline): string {
  return relative(findProjectRoot(pipeline.sourcePath), pipeline.sourcePath).split(sep).join('/')
}

/** The spec's path, as every target writes it into each task's command. */
export function specPathText(pipeline: Pipeline): CommandText {
  return { where: "The spec's path in the project", pointer: '', text: specPathInProject(pipeline), fix: 'rename the spec file (or the folders it is in)' }
}

/** One finding per text that contains a hazard, quoting the text (paths and settings, never a param value). */
export function checkCommandTexts(texts: readonly CommandText[], hazards: readonly ValueHazard[], severity: TargetFinding['severity'], engine: string): TargetFinding[] {
  return texts.flatMap(({ where, pointer, text, fix, expected = [] }) => {
    const found = hazards.filter((h) => !expected.includes(h) && h.test(text))
    if (found.length === 0) return []
    const tokens = found.map((h) => h.token)
    const listed = tokens.length === 1 ? tokens[0]! : `${tokens.slice(0, -1).join(', ')} and ${tokens.at(-1)}`
    const effects = found.map((h) => h.effect).join('; ')
    return [{ severity, code: 'TARGET_UNSUPPORTED' as const, pointer, message: `${where}, '${text}', contains ${listed}, which ${engine} would change in every task's command (${effects}); ${fix}.` }]
  })
}
