/**
 * Turns a task's input bindings into the values its handler receives: upstream outputs (read through
 * the upstream task's IoManager), task values, params, run fields and literals.
 *
 * Nothing here may hand a handler something shared beyond its own task (issue 15): reference paths
 * and lookups follow own properties only, so `constructor` or `__proto__` never reach `Object` or
 * `Object.prototype` (even in data a handler produced); keys are defined, never assigned, so a key
 * named `__proto__` stays a key; and literals, params and items are copied, so a handler that
 * changes what it got changes nothing another task, item or retry sees.
 */
import type { InputBinding, Reference, RunField } from '../spec/model.ts'
import { WeirError } from './errors.ts'
import { readFieldPath } from './read-field-path.ts'

/**
 * Where references get their values. `readOutput` is called at most once per upstream task and
 * form: `concat` asks for a mapped task's table items as one table (`concat:`, docs/fan-out.md).
 */
export interface InputSources {
  readOutput(taskId: string, concat?: boolean): Promise<unknown>
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly params: Readonly<Record<string, unknown>>
  readonly run: Readonly<Record<RunField, unknown>>
  /** The current item of a mapped task (`${{ item }}`, `${{ item_index }}`); absent for other tasks. */
  readonly item?: { readonly value: unknown; readonly index: number }
}

/** Resolves every input of a task. Outputs of the same upstream task are read once. */
export async function resolveInputs(
  inputs: Readonly<Record<string, InputBinding>>,
  sources: InputSources,
): Promise<Record<string, unknown>> {
  const outputs = new Map<string, Promise<unknown>>()
  const output = (taskId: string, concat = false): Promise<unknown> => {
    const key = concat ? `${taskId} concat` : taskId
    let read = outputs.get(key)
    if (!read) {
      read = concat ? sources.readOutput(taskId, true) : sources.readOutput(taskId)
      outputs.set(key, read)
    }
    return read
  }
  const resolved: Record<string, unknown> = {}
  for (const [name, binding] of Object.entries(inputs)) defineOwn(resolved, name, await resolveBinding(binding, sources, output))
  return resolved
}

type ReadOutput = (taskId: string, concat?: boolean) => Promise<unknown>

async function resolveBinding(binding: InputBinding, sources: InputSources, output: ReadOutput): Promise<unknown> {
  switch (binding.kind) {
    case 'literal':
      return copyData(binding.value)
    case 'ref':
      // A concatenated fan-in is a whole task output (validation checks it): the table itself.
      if (binding.concat && binding.ref.kind === 'output') return output(binding.ref.taskId, true)
      return resolveRef(binding.ref, sources, output)
    case 'template': {
      let text = ''
      for (const part of binding.parts) text += typeof part === 'string' ? part : stringify(await resolveRef(part, sources, output))
      return text
    }
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(binding.entries)) defineOwn(out, key, await resolveBinding(value, sources, output))
      return out
    }
    case 'array': {
      const out: unknown[] = []
      for (const item of binding.items) out.push(await resolveBinding(item, sources, output))
      return out
    }
  }
}

async function resolveRef(ref: Reference, sources: InputSources, output: ReadOutput): Promise<unknown> {
  switch (ref.kind) {
    case 'output':
      return readFieldPath(await output(ref.taskId), ref.path)
    case 'value':
      return ownField(ownField(sources.values, ref.taskId), ref.name)
    case 'param':
      return copyData(ownField(sources.params, ref.name))
    case 'run':
      return ownField(sources.run, ref.field)
    case 'item':
      return copyData(readFieldPath(currentItem(sources).value, ref.path))
    case 'item_index':
      return currentItem(sources).index
  }
}

/** The item of a mapped task; validation refuses item references elsewhere, so this guards the runtime's own wiring. */
function currentItem(sources: InputSources): { readonly value: unknown; readonly index: number } {
  if (sources.item === undefined) throw new WeirError('INTERNAL', 'An input refers to the current item, but the task is not being run for an item of its foreach list.')
  return sources.item
}

/** `value[key]` when it is the value's own property; undefined otherwise (never the prototype chain). */
function ownField(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined
}

/** Sets a key as an own property: assigning `__proto__` would set the object's prototype instead. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * A handler's own copy of spec data, a param or an item (plain JSON-like data; own `__proto__` keys
 * stay keys). Anything else is passed as it is: an item of a map → map is the upstream item's output
 * as its IoManager read it for this attempt alone (an Arrow Table, a Buffer, a stream), which
 * `structuredClone` would turn into a plain object or a Uint8Array, or refuse (a stream).
 */
function copyData(value: unknown): unknown {
  return isPlainData(value) ? structuredClone(value) : value
}

/** An array or an object of no class: what JSON, YAML and params are made of. */
function isPlainData(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return true
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}
