/**
 * Command-line templates (`command:` on the pipeline or a task): every `{{ … }}` must be a weir
 * variable, a known Handlebars block (`#if`, `#unless`, `else`), a comment, or an engine placeholder
 * that passes through to Databricks or Argo untouched. Anything else is reported with its position.
 *
 * The scanner lives here (src/spec imports nothing else from weir); the renderer in
 * src/plugins/targets/command-template.ts uses the same classification, so what validates renders.
 */
import type { Rule } from './types.ts'
import { suggestFix } from '../did-you-mean.ts'
import { toPointer } from '../pointer.ts'

/** Variables weir fills in; `params.<name>` comes on top. See docs/remote.md. */
export const TEMPLATE_VARIABLES = ['cli', 'pipeline', 'task', 'spec', 'runId', 'inputs', 'outputPrefix', 'attempt'] as const
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number]

/**
 * Engine namespaces that pass through: Databricks dynamic value references (`job.*`, `tasks.*`,
 * `task.*`, `workspace.*`) and Argo variables (`workflow.*`, `inputs.*`, `outputs.*`, `steps.*`,
 * `pod.*`, `node.*`, `lastRetry.*`, `cronworkflow.*`). They need a dot: a bare `{{task}}` or
 * `{{inputs}}` is weir's own variable.
 */
export const ENGINE_NAMESPACES = ['job', 'tasks', 'task', 'workspace', 'workflow', 'inputs', 'outputs', 'steps', 'pod', 'node', 'lastRetry', 'cronworkflow'] as const
/** Engine variables without a dot (Argo `{{retries}}`). */
export const ENGINE_BARE = ['retries'] as const

export type TemplateToken =
  | { readonly kind: 'variable'; readonly name: TemplateVariable; readonly start: number; readonly end: number }
  | { readonly kind: 'param'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'engine'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'block'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'comment'; readonly start: number; readonly end: number }
  | { readonly kind: 'unknown'; readonly text: string; readonly message: string; readonly start: number; readonly end: number }

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$/
const BLOCK = /^(#if|#unless)\s+(\S+)$|^\/(if|unless)$|^else$/

/** Finds every `{{ … }}` (and `{{{ … }}}`) in one template argument and says what it is. */
export function scanTemplate(text: string): TemplateToken[] {
  const tokens: TemplateToken[] = []
  let from = 0
  for (;;) {
    const start = text.indexOf('{{', from)
    if (start === -1) return tokens
    if (start > 0 && text[start - 1] === '\\') {
      from = start + 2 // `\{{` is Handlebars' escape for a literal `{{`
      continue
    }
    const triple = text.startsWith('{{{', start)
    const close = text.indexOf(triple ? '}}}' : '}}', start + (triple ? 3 : 2))
    if (close === -1) {
      tokens.push({ kind: 'unknown', text: text.slice(start), start, end: text.length, message: `'${text.slice(start)}' opens '{{' without a closing '}}'; close it, or write '\\{{' for a literal '{{'.` })
      return tokens
    }
    const end = close + (triple ? 3 : 2)
    tokens.push(classify(text.slice(start + (triple ? 3 : 2), close).trim(), start, end))
    from = end
  }
}

function classify(inner: string, start: number, end: number): TemplateToken {
  const body = inner.replace(/^~|~$/g, '').trim()
  if (body.startsWith('!')) return { kind: 'comment', start, end }
  // Argo expression tags `{{= … }}` and Databricks back-quoted names are the engine's business.
  if (body.startsWith('=') || body.includes('`')) return { kind: 'engine', text: inner, start, end }
  const block = BLOCK.exec(body)
  if (block) {
    if (block[2] === undefined) return { kind: 'block', text: body, start, end }
    const arg = classify(block[2], start, end)
    return arg.kind === 'variable' || arg.kind === 'param' ? { kind: 'block', text: body, start, end } : arg
  }
  if (/^[#/^>]/.test(body))
    return { kind: 'unknown', text: body, start, end, message: `'{{${inner}}}' is not supported in command templates; the blocks are '{{#if …}}' and '{{#unless …}}' (with '{{else}}').` }
  if (!PATH.test(body))
    return { kind: 'unknown', text: body, start, end, message: `'{{${inner}}}' is not a template variable; use ${listVariables()}, or a Databricks/Argo placeholder such as '{{job.run_id}}' or '{{workflow.uid}}'.` }
  const [head, ...rest] = body.split('.') as [string, ...string[]]
  if (rest.length === 0 && (TEMPLATE_VARIABLES as readonly string[]).includes(head)) return { kind: 'variable', name: head as TemplateVariable, start, end }
  if (head === 'params' && rest.length === 1) return { kind: 'param', name: rest[0]!, start, end }
  if (rest.length > 0 && (ENGINE_NAMESPACES as readonly string[]).includes(head)) return { kind: 'engine', text: inner, start, end }
  if (rest.length === 0 && (ENGINE_BARE as readonly string[]).includes(head)) return { kind: 'engine', text: inner, start, end }
  const known = [...TEMPLATE_VARIABLES, 'params']
  return { kind: 'unknown', text: body, start, end, message: `Unknown template variable '${body}'${suggestFix(head, known, 'variables', `use ${listVariables()}`)}` }
}

function listVariables(): string {
  return `${TEMPLATE_VARIABLES.map((v) => `'{{${v}}}'`).join(', ')} or '{{params.<name>}}'`
}

/** Unknown variables, undeclared params and unclosed tags in `command:` templates. */
export const commandTemplates: Rule = ({ view, report }) => {
  const params = view.params
  const check = (command: unknown, path: (string | number)[]): void => {
    if (!Array.isArray(command)) return
    command.forEach((arg, index) => {
      if (typeof arg !== 'string') return
      const pointer = toPointer([...path, index])
      for (const token of scanTemplate(arg)) {
        const span = { start: token.start, end: token.end }
        if (token.kind === 'unknown') report({ code: 'UNKNOWN_TEMPLATE_VARIABLE', pointer, span, message: endWithPeriod(token.message) })
        else if (token.kind === 'param' && !params.has(token.name))
          report({ code: 'UNKNOWN_TEMPLATE_VARIABLE', pointer, span, message: `Template uses undeclared param '${token.name}'${suggestFix(token.name, params, 'declared params', "declare it under 'params:'")}` })
        else if (token.kind === 'variable' && token.name === 'cli' && arg.trim() !== '{{cli}}')
          report({ code: 'UNKNOWN_TEMPLATE_VARIABLE', pointer, span, message: `'{{cli}}' expands to several arguments, so it must be a whole argument on its own; move the rest to the next argument.` })
      }
    })
  }
  check(view.data.command, ['command'])
  for (const [id, task] of view.detailedTasks) if (task.command !== undefined) check(task.command, ['tasks', id, 'command'])
}

function endWithPeriod(message: string): string {
  return /[.;?!]$/.test(message) ? message : `${message}.`
}
