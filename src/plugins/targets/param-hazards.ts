/**
 * Param values are data: weir writes a param's default and the schedule's params into a generated
 * definition exactly as written (strings as they are, anything else as JSON). Some engines still
 * substitute text inside such values on their side, with no way to escape it; these checks say
 * where, so a value a remote task would not receive as written is known before it runs.
 */
import type { Pipeline } from '../../spec/model.ts'
import { hasSecret } from '../../spec/secret-schema.ts'
import { paramText } from '../../spec/param-text.ts'
import type { TargetFinding } from '../types.ts'

/** Text an engine substitutes inside a parameter value. */
export interface ValueHazard {
  /** What the value contains, as the message quotes it: `'{{'`. */
  readonly token: string
  readonly test: (value: string) => boolean
  /** What the engine does with it (a clause of the message). */
  readonly effect: string
}

/** A param value as weir writes it into a generated definition. */
interface WrittenValue {
  readonly where: string
  readonly pointer: string
  readonly text: string
}

/** Param defaults and schedule params, as the strings the targets write. */
export function writtenParamValues(pipeline: Pipeline): WrittenValue[] {
  const values: WrittenValue[] = []
  for (const p of Object.values(pipeline.params))
    if (p.hasDefault) values.push({ where: `The default of param '${p.name}'`, pointer: `/params/${p.name}/default`, text: toParamText(pipeline, p.name, p.default) })
  for (const [name, value] of Object.entries(pipeline.schedule?.params ?? {}))
    values.push({ where: `The schedule's value of param '${name}'`, pointer: `/schedule/params/${name}`, text: toParamText(pipeline, name, value) })
  return values
}

/**
 * A parameter value as the targets write it: strings as they are, anything else as JSON; a string
 * that `weir execute` would read as JSON (`'42'` of an untyped or union param) as a JSON string.
 */
export function toParamText(pipeline: Pipeline, name: string, value: unknown): string {
  return paramText(pipeline, name, value)
}

/**
 * One finding per param value that contains a hazard, naming the hazards but never quoting the
 * value (it may be a secret).
 */
export function checkParamValues(pipeline: Pipeline, hazards: readonly ValueHazard[], severity: TargetFinding['severity'], engine: string): TargetFinding[] {
  return writtenParamValues(pipeline).flatMap(({ where, pointer, text }) => {
    const found = hazards.filter((h) => h.test(text))
    if (found.length === 0) return []
    const tokens = listWords(found.map((h) => h.token))
    const effects = found.map((h) => h.effect).join('; ')
    const message = `${where} contains ${tokens}, which ${engine} would change before a task gets the value and cannot escape (${effects}); change the value if the task must receive it as written.`
    return [{ severity, code: 'TARGET_UNSUPPORTED' as const, pointer, message }]
  })
}

/**
 * One warning per secret value the target would write: a secret param's default, or the schedule's
 * value of one. weir never records a secret (the run store redacts it), but a generated definition
 * carries param values as plain text, readable by anyone who can read the file, the bundle or the
 * job's settings. Never quotes the value.
 */
export function checkSecretValues(pipeline: Pipeline, engine: string, secretStore: string): TargetFinding[] {
  const findings: TargetFinding[] = []
  const advice = `remove it and keep the secret in ${secretStore}, read by the handler, or pass it at run time`
  for (const p of Object.values(pipeline.params)) {
    if (!p.secret && !hasSecret(p.schema, pipeline.types)) continue
    if (p.hasDefault)
      findings.push({ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer: `/params/${p.name}/default`,
        message: `Param '${p.name}' holds a secret (writeOnly), and its default would be written as plain text into the ${engine} definition; ${advice}.` })
    if (pipeline.schedule && Object.hasOwn(pipeline.schedule.params, p.name))
      findings.push({ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer: `/schedule/params/${p.name}`,
        message: `Param '${p.name}' holds a secret (writeOnly), and the schedule's value of it would be written as plain text into the ${engine} definition; ${advice}.` })
  }
  return findings
}

function listWords(words: readonly string[]): string {
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

/**
 * Argo reads `{{…}}` in a workflow parameter as a template tag: the controller substitutes global
 * variables in `spec.arguments`, and the value is scanned again after it is put into a template
 * (workflow/common/util.go SubstituteParams), where `{{=…}}` is evaluated as an expression and an
 * unclosed `{{` fails the workflow. Kubernetes then expands `$(NAME)` in the container's command
 * and turns `$$` into `$`. None of them has an escape a value could carry through every pass.
 */
export const ARGO_VALUE_HAZARDS: readonly ValueHazard[] = [
  { token: "'{{'", test: (v) => v.includes('{{'), effect: "Argo reads '{{…}}' as a template tag, which it replaces, evaluates as an expression or fails the workflow on" },
  { token: "'$('", test: (v) => v.includes('$('), effect: "Kubernetes replaces '$(NAME)' in a container's command with the value of a variable" },
  { token: "'$$'", test: (v) => v.includes('$$'), effect: "Kubernetes turns '$$' in a container's command into '$'" },
]

/** `${…}` references `databricks bundle deploy` resolves (libs/dyn/dynvar, resolve_variable_references.go). */
const BUNDLE_REFERENCE = /\$\{(\p{L}+(?:[-_]*[\p{L}\p{N}]+)*)(?:\.\p{L}+(?:[-_]*[\p{L}\p{N}]+)*(?:\[[0-9]+\])*)*(?:\[[0-9]+\])*\}/gu
const BUNDLE_ROOTS = new Set(['bundle', 'workspace', 'var', 'variables', 'resources', 'artifacts'])

/**
 * Databricks replaces dynamic value references (`{{job.id}}`) in job parameters and fails a run on
 * an unknown name in a known namespace; a bundle deploy resolves `${workspace.file_path}` and the
 * like everywhere in the bundle. Neither has an escape. The Jobs API JSON keeps `${…}` as written.
 */
export const DATABRICKS_VALUE_HAZARDS: readonly ValueHazard[] = [
  { token: "'{{'", test: (v) => v.includes('{{'), effect: "Databricks may read '{{…}}' as a dynamic value reference, replacing '{{job.id}}' and failing the run on an unknown name in a known namespace" },
  {
    token: "a bundle reference '${…}'",
    test: (v) => [...v.matchAll(BUNDLE_REFERENCE)].some((m) => BUNDLE_ROOTS.has(m[1]!)),
    effect: '`databricks bundle deploy` replaces such a reference in the bundle, though jobs/<pipeline>.json keeps it',
  },
]
