/**
 * Names of the TypeScript types a generated handler-types file declares. One allocator per file
 * hands out every name, so a `types:` entry can never shadow a task's type or a support type.
 */
import type { Pipeline } from '../spec/model.ts'

/** Names declared by the support block of every generated file (see support-types.ts). */
export const SUPPORT_TYPE_NAMES = ['Logger', 'TaskContext', 'At', 'AtStep', 'ItemOf', 'TableResult', 'TableRow', 'TableCell', 'OwnField', 'Params', 'Frozen', 'TaskValues', 'ReadValues', 'Handlers'] as const

/**
 * Global types the generated code itself uses (`Promise<…>` in every handler type, `Record<…>` in
 * `Logger`, `AbortSignal`, `Date` in `TableCell`, `NonNullable` in `ItemOf`, `Object["toString"]`
 * for a property named like an Object.prototype member): a `types:` entry with one of these names
 * would shadow the global inside the file and break it (`Type 'Promise' is not generic`).
 */
export const GLOBAL_TYPE_NAMES = ['Promise', 'Record', 'AbortSignal', 'Date', 'NonNullable', 'Object'] as const

/** The type names of one task. `columns` is set for `table` outputs only. */
export interface TaskTypeNames {
  readonly inputs: string
  readonly output: string
  readonly values: string
  readonly columns?: string
}

/** Every name a generated file uses, decided before any code is written. */
export interface TypeNames {
  /** `types:` key → TypeScript name. */
  readonly shared: ReadonlyMap<string, string>
  /** Task id → its type names. */
  readonly tasks: ReadonlyMap<string, TaskTypeNames>
}

/**
 * `daily_sales` → `DailySales`, `Summary` → `Summary`. Keeps existing capitals so PascalCase names
 * written in `types:` come out unchanged.
 */
export function toTypeName(name: string): string {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
  if (pascal === '') return 'T'
  return /^[0-9]/.test(pascal) ? `T${pascal}` : pascal
}

/**
 * Allocates names: support types and the globals the file uses first, then task types (in declaration order), then shared types.
 * A clash gets a suffix (`Type`, then a number), deterministically.
 */
export function allocateTypeNames(pipeline: Pipeline): TypeNames {
  const taken = new Set<string>([...SUPPORT_TYPE_NAMES, ...GLOBAL_TYPE_NAMES])
  const claim = (wanted: string): string => {
    let name = wanted
    for (let n = 2; taken.has(name); n++) name = `${wanted}${n}`
    taken.add(name)
    return name
  }
  const tasks = new Map<string, TaskTypeNames>()
  for (const task of pipeline.tasks.values()) {
    const base = toTypeName(task.id)
    tasks.set(task.id, {
      inputs: claim(`${base}Inputs`),
      output: claim(`${base}Output`),
      values: claim(`${base}Values`),
      ...(task.output.kind === 'table' && { columns: claim(`${base}Columns`) }),
    })
  }
  const shared = new Map<string, string>()
  for (const key of Object.keys(pipeline.types)) {
    const wanted = toTypeName(key)
    shared.set(key, claim(taken.has(wanted) ? `${wanted}Type` : wanted))
  }
  return { shared, tasks }
}
