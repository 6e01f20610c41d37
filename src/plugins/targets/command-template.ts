/**
 * Renders a command template (one Handlebars template per argument) into an argv array.
 *
 * - weir variables (`{{task}}`, `{{params.x}}`, …) are filled in; values are never spliced into a
 *   shell string, each argument stays one argv element;
 * - engine placeholders (`{{job.run_id}}`, `{{workflow.uid}}`, …) pass through untouched, or are
 *   replaced by `engine` values when a generated command runs locally;
 * - an argument that is exactly `{{cli}}` expands to the CLI's argv prefix (several elements);
 * - an argument that renders empty is dropped, so `{{#if inputs}}--inputs{{/if}}` works.
 */
import { createRequire } from 'node:module'
import { scanTemplate, TEMPLATE_VARIABLES } from '../../spec/rules/command-templates.ts'
import type { TemplateToken, TemplateVariable } from '../../spec/rules/command-templates.ts'
import { WeirError } from '../../spec/weir-error.ts'

/** The values of the documented template variables for one task. */
export interface CommandValues {
  /** argv prefix that starts the weir CLI, e.g. `['node', '/app/bin/weir.js']`. */
  readonly cli: readonly string[]
  readonly pipeline: string
  readonly task: string
  /** Path of the spec where the command runs. */
  readonly spec: string
  readonly runId: string
  /** URI of an inputs.json; empty when inputs are derived from the run id. */
  readonly inputs?: string
  /** Where the task writes its output, values and error documents; empty for the IoManager's default. */
  readonly outputPrefix?: string
  /** 1-based attempt; empty when the engine cannot say (weir execute then counts attempts itself). */
  readonly attempt?: string
  readonly params: Readonly<Record<string, string>>
}

/** An error in a template: which argument, and why. */
export class CommandTemplateError extends WeirError {
  constructor(message: string) {
    super('COMMAND_TEMPLATE', message)
    this.name = 'CommandTemplateError'
  }
}

type HandlebarsModule = {
  compile: (source: string, options: Record<string, unknown>) => (context: unknown) => string
}
let handlebars: HandlebarsModule | undefined

/** Handlebars, loaded on first use (it costs ~40 ms; the CLI must not pay for it at start). */
function loadHandlebars(): HandlebarsModule {
  handlebars ??= createRequire(import.meta.url)('handlebars') as HandlebarsModule
  return handlebars
}

/**
 * Compiled templates by their Handlebars source. The subprocess executor renders the same few
 * arguments for every attempt, and compiling them was the largest part of its own CPU per task
 * (a profile of a fan-out of 50). The source holds no value (values, engine ones included, are in
 * the context), so the cache grows with the templates, not with the runs.
 */
const compiled = new Map<string, (context: unknown) => string>()

function compileTemplate(source: string): (context: unknown) => string {
  let render = compiled.get(source)
  if (!render) {
    render = loadHandlebars().compile(source, { noEscape: true, strict: true, knownHelpersOnly: true, knownHelpers: { if: true, unless: true } })
    compiled.set(source, render)
  }
  return render
}

/**
 * Renders a template into argv.
 * @param engine resolves engine placeholders (by their inner text, e.g. `job.run_id`); when absent
 *   they are kept verbatim for the engine to fill in.
 */
export function renderCommand(template: readonly string[], values: CommandValues, engine?: (placeholder: string) => string | undefined): string[] {
  const argv: string[] = []
  template.forEach((arg, index) => {
    if (arg.trim() === '{{cli}}') {
      argv.push(...values.cli)
      return
    }
    const rendered = renderArgument(arg, index, values, engine)
    if (rendered !== '') argv.push(rendered)
  })
  return argv
}

function renderArgument(arg: string, index: number, values: CommandValues, engine: ((p: string) => string | undefined) | undefined): string {
  const tokens = scanTemplate(arg)
  if (tokens.length === 0) return arg.replaceAll('\\{{', '{{')
  const direct = renderDirectly(arg, tokens, values)
  if (direct !== undefined) return direct
  // Engine values (a param's value, a run id) are data: they go into the context and are never
  // spliced into the template source, where '\\{{' or '{{{' in a value would become Handlebars.
  const engineValues: Record<string, string> = {}
  let source = ''
  let at = 0
  for (const token of tokens) {
    source += arg.slice(at, token.start) + sourceOf(arg, token, index, values, engine, engineValues)
    at = token.end
  }
  source += arg.slice(at)
  const context = { ...values, cli: '', inputs: values.inputs ?? '', outputPrefix: values.outputPrefix ?? '', attempt: values.attempt ?? '', [ENGINE_VALUES]: engineValues }
  try {
    return compileTemplate(source)(context)
  } catch (error) {
    throw new CommandTemplateError(`Command argument ${index} '${arg}' cannot be rendered: ${(error as Error).message.split('\n')[0]}.`)
  }
}

/** `{{#if <variable>}}<plain text>{{/if}}`, written exactly so: no whitespace control, nothing to escape. */
const IF_VARIABLE_THEN_TEXT = /^\{\{#if ([A-Za-z]+)\}\}([^{}\\~]*)\{\{\/if\}\}$/

/** Text between placeholders that Handlebars gives back as it is. */
const PLAIN_TEXT = /^[^{}\\]*$/

/**
 * The value of an argument made of plain text and variables or params (`{{task}}`,
 * `name={{params.name}}`), or of a plain text under `{{#if <variable>}}`: what weir's own command
 * (remote-command.ts) is made of, so the subprocess executor renders it without loading
 * Handlebars (the largest part of a 1-task run's fixed cost in its profile). The result is the one
 * Handlebars gives (noEscape; every variable is a string, true when not empty); anything else
 * (spaces or `~` in a placeholder, blocks, engine placeholders, escapes), `undefined`, goes to Handlebars.
 */
function renderDirectly(arg: string, tokens: readonly TemplateToken[], values: CommandValues): string | undefined {
  const ifText = IF_VARIABLE_THEN_TEXT.exec(arg)
  if (ifText !== null) {
    const name = ifText[1] as TemplateVariable
    if (name === 'cli' || !(TEMPLATE_VARIABLES as readonly string[]).includes(name)) return undefined
    return variableValue(values, name) === '' ? '' : ifText[2]!
  }
  let rendered = ''
  let at = 0
  for (const token of tokens) {
    const text = arg.slice(at, token.start)
    if (!PLAIN_TEXT.test(text)) return undefined
    const placeholder = arg.slice(token.start, token.end)
    if (token.kind === 'variable' && token.name !== 'cli' && placeholder === `{{${token.name}}}`) rendered += text + variableValue(values, token.name)
    // An undeclared param goes the long way, to its error there.
    else if (token.kind === 'param' && placeholder === `{{params.${token.name}}}` && Object.hasOwn(values.params, token.name)) rendered += text + values.params[token.name]!
    else return undefined
    at = token.end
  }
  const rest = arg.slice(at)
  return PLAIN_TEXT.test(rest) ? rendered + rest : undefined
}

function variableValue(values: CommandValues, name: Exclude<TemplateVariable, 'cli'>): string {
  return values[name] ?? ''
}

/** Context key of the engine values; not a template variable, so no template can name it. */
const ENGINE_VALUES = 'weirEngineValues'

/** What a token becomes in the Handlebars source: itself, an escaped literal, or a lookup of an engine value. */
function sourceOf(
  arg: string,
  token: TemplateToken,
  index: number,
  values: CommandValues,
  engine: ((p: string) => string | undefined) | undefined,
  engineValues: Record<string, string>,
): string {
  const text = arg.slice(token.start, token.end)
  switch (token.kind) {
    case 'variable':
      if (token.name === 'cli') throw new CommandTemplateError(`Command argument ${index} '${arg}' uses '{{cli}}' inside other text; '{{cli}}' expands to several arguments, so it must be an argument on its own.`)
      return text
    case 'block':
    case 'comment':
      return text
    case 'param':
      if (!(token.name in values.params)) throw new CommandTemplateError(`Command argument ${index} '${arg}' uses param '${token.name}', which the pipeline does not declare.`)
      return text
    case 'engine': {
      if (engine === undefined) return `\\${text}`
      const value = engine(token.text.trim())
      if (value === undefined) throw new CommandTemplateError(`Command argument ${index} '${arg}' uses '${text}', which has no local value; only the engine can fill it in.`)
      const key = `v${Object.keys(engineValues).length}`
      engineValues[key] = value
      return `{{${ENGINE_VALUES}.${key}}}`
    }
    case 'unknown':
      throw new CommandTemplateError(`Command argument ${index}: ${token.message}`)
  }
}
