/**
 * A form generated from params' JSON Schemas: strings, numbers and integers as text fields (a bad
 * value goes to the server, whose schema check names what is wrong), booleans as checkboxes, enums
 * as a choice, anything else as JSON. A secret is a password field that is never filled in: its
 * value goes to the server once and is never sent back.
 */
import { useState } from 'preact/hooks'
import type { UiParam } from '../api-types.ts'
import { ApiError } from './api.ts'

interface Field {
  readonly kind: 'text' | 'number' | 'boolean' | 'enum' | 'json'
  readonly options?: readonly unknown[]
}

function fieldOf(param: UiParam): Field {
  const schema = (typeof param.schema === 'object' && param.schema !== null ? param.schema : {}) as Record<string, unknown>
  if (Array.isArray(schema.enum) && !param.secret) return { kind: 'enum', options: schema.enum }
  if (schema.type === 'string') return { kind: 'text' }
  if (schema.type === 'number' || schema.type === 'integer') return { kind: 'number' }
  if (schema.type === 'boolean') return { kind: 'boolean' }
  return { kind: 'json' }
}

function initialText(param: UiParam, field: Field): string {
  if (param.secret || param.default === undefined) return ''
  if (field.kind === 'text') return String(param.default)
  if (field.kind === 'enum') return JSON.stringify(param.default)
  return JSON.stringify(param.default)
}

/** The typed value of a field's text; a text that does not parse is sent as is, for the server to name the problem. */
function valueOf(text: string, field: Field): unknown {
  if (field.kind === 'text') return text
  if (field.kind === 'number') {
    const n = Number(text)
    return text.trim() !== '' && Number.isFinite(n) ? n : text
  }
  if (field.kind === 'boolean') return text === 'true'
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export interface ParamsFormProps {
  readonly params: readonly UiParam[]
  readonly submitLabel: string
  readonly onSubmit: (values: Record<string, unknown>) => Promise<void>
}

export function ParamsForm({ params, submitLabel, onSubmit }: ParamsFormProps) {
  const fields = params.map((p) => ({ param: p, field: fieldOf(p) }))
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(fields.map(({ param, field }) => [param.name, field.kind === 'boolean' ? String(param.default === true) : initialText(param, field)])))
  const [problem, setProblem] = useState<{ message: string; param?: string } | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    const values: Record<string, unknown> = {}
    for (const { param, field } of fields) {
      const text = texts[param.name] ?? ''
      // Left empty: the default applies (or the server says the param is required).
      if (text === '' && field.kind !== 'text') continue
      if (text === '' && (param.secret || param.default !== undefined || !param.required)) continue
      values[param.name] = valueOf(text, field)
    }
    setBusy(true)
    setProblem(undefined)
    try {
      await onSubmit(values)
    } catch (error) {
      setProblem({ message: (error as Error).message, ...(error instanceof ApiError && error.param !== undefined && { param: error.param }) })
    } finally {
      setBusy(false)
    }
  }
  const set = (name: string, text: string): void => setTexts((t) => ({ ...t, [name]: text }))
  return (
    <form class="params" onSubmit={(e) => void submit(e)} autocomplete="off">
      {fields.map(({ param, field }) => (
        <div class={`field${problem?.param === param.name ? ' has-problem' : ''}`} key={param.name} data-param={param.name}>
          <label for={`param-${param.name}`}>
            <b>{param.name}</b> {param.required ? <span class="small">required</span> : null} {param.secret ? <span class="small badge st-skipped">secret</span> : null}
          </label>
          {field.kind === 'boolean' ? (
            <input id={`param-${param.name}`} name={param.name} type="checkbox" checked={texts[param.name] === 'true'} onChange={(e) => set(param.name, String((e.target as HTMLInputElement).checked))} />
          ) : field.kind === 'enum' ? (
            <select id={`param-${param.name}`} name={param.name} value={texts[param.name]} onChange={(e) => set(param.name, (e.target as HTMLSelectElement).value)}>
              {!param.required && param.default === undefined && <option value="">(not set)</option>}
              {field.options!.map((o) => <option key={JSON.stringify(o)} value={JSON.stringify(o)}>{typeof o === 'string' ? o : JSON.stringify(o)}</option>)}
            </select>
          ) : field.kind === 'json' ? (
            <textarea id={`param-${param.name}`} name={param.name} rows={3} value={texts[param.name]} placeholder="JSON" onInput={(e) => set(param.name, (e.target as HTMLTextAreaElement).value)} />
          ) : (
            <input
              id={`param-${param.name}`}
              name={param.name}
              type={param.secret ? 'password' : 'text'}
              inputMode={field.kind === 'number' ? 'decimal' : undefined}
              autocomplete={param.secret ? 'new-password' : 'off'}
              value={texts[param.name]}
              placeholder={param.secret ? 'secret: not shown, not recorded' : param.default !== undefined ? `default ${JSON.stringify(param.default)}` : ''}
              onInput={(e) => set(param.name, (e.target as HTMLInputElement).value)}
            />
          )}
          <code class="schema small muted">{JSON.stringify(param.schema)}</code>
          {problem?.param === param.name && <div class="problem field-problem">{problem.message}</div>}
        </div>
      ))}
      {problem && problem.param === undefined && <div class="problem" id="form-problem">{problem.message}</div>}
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Starting…' : submitLabel}</button>
    </form>
  )
}
