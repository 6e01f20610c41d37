/**
 * A mapped task (`foreach:`, docs/fan-out.md) on Argo: two DAG tasks and three templates.
 *
 * - `<name>--items`, the list step: runs `weir execute … --list-items` with the mapped task's
 *   `depends` (its trigger is judged once) and outputs the parameter `indexes`, read from the file
 *   `weir execute` writes (`[0, …, n-1]`). Names ending in `--items` are never a task's own name
 *   (names.ts: a plain name has no `--`, an encoded one ends in `--<digits>` or `--h<hex>`).
 * - `<name>`, the map: a DAG task that runs once the list step finished (whatever its result) and
 *   calls `map-<name>`, a DAG template with the map's `parallelism` whose one task `item` runs
 *   `withParam` over the index list, each child `weir execute … --item-index={{item}}`.
 *
 * Downstream tasks depend on `<name>`, the map's own node, so they see one task: Failed when a child
 * failed (`failFast: false` lets the others finish, as a `for_each_task` does), Succeeded when all
 * succeeded. An empty list makes Argo mark the inner task Skipped ("Skipped, empty params", since
 * argoproj/argo-workflows#2284 and #6912) and the map's DAG, having nothing failed, Succeeded:
 * weir's empty map succeeds too. A list step that failed outright leaves `indexes` at its default,
 * which is not a JSON list, so `withParam` errors and the map fails rather than looking skipped.
 */
import type { Task } from '../../../spec/model.ts'
import { INDEXES_VALUE, TASK_VALUE_DIR_ENV } from '../../../spec/map-protocol.ts'

type Obj = Record<string, unknown>

/** What a map's container templates add to a task's own. */
export interface ContainerExtras {
  /** Arguments after the task's command. */
  readonly args?: readonly string[]
  /** Input parameters besides `task`. */
  readonly inputs?: readonly string[]
  readonly outputs?: Obj
  readonly env?: readonly { readonly name: string; readonly value: string }[]
  /** Whether the task's timeout (as a pod deadline) applies: to the items, not to the list step. @default true */
  readonly withTimeout?: boolean
}

/** Where the list step's `weir execute` writes its index list inside the pod. */
export const VALUE_DIR = '/tmp/weir-values'
/** The index list's value when the list step wrote none: not JSON, so `withParam` fails the map. */
export const NO_INDEX_LIST = 'weir: the list step of this map wrote no index list'

/** The DAG task name of a mapped task's list step. */
export function itemsTaskName(name: string): string {
  return `${name}--items`
}

/** The DAG tasks (list step, map) and templates of one mapped task. */
export function mappedTask(task: Task, name: string, depends: { depends?: string }, container: (extra: ContainerExtras) => Obj): { dagTasks: Obj[]; templates: Obj[] } {
  const items = itemsTaskName(name)
  const listTemplate = {
    name: `items-${name}`,
    ...container({
      args: ['--list-items'],
      env: [{ name: TASK_VALUE_DIR_ENV, value: VALUE_DIR }],
      outputs: { parameters: [{ name: INDEXES_VALUE, valueFrom: { path: `${VALUE_DIR}/${INDEXES_VALUE}.json`, default: NO_INDEX_LIST } }] },
      withTimeout: false,
    }),
  }
  // One argument: an index of -1 (the failed-list iteration) must not read as an option.
  const itemTemplate = { name: `item-${name}`, ...container({ args: ['--item-index={{inputs.parameters.index}}'], inputs: ['index'] }) }
  const mapTemplate = {
    name: `map-${name}`,
    inputs: { parameters: [{ name: 'task' }, { name: INDEXES_VALUE }] },
    ...(task.foreach!.concurrency !== undefined && { parallelism: task.foreach!.concurrency }),
    dag: {
      failFast: false,
      tasks: [{
        name: 'item',
        template: itemTemplate.name,
        withParam: `{{inputs.parameters.${INDEXES_VALUE}}}`,
        arguments: { parameters: [{ name: 'task', value: '{{inputs.parameters.task}}' }, { name: 'index', value: '{{item}}' }] },
      }],
    },
  }
  const dagTasks = [
    { name: items, template: listTemplate.name, arguments: { parameters: [{ name: 'task', value: task.id }] }, ...depends },
    {
      name,
      template: mapTemplate.name,
      // Whatever the list step's result: a failed one fails the map (see above) instead of omitting it.
      depends: `${items}.Succeeded || ${items}.Failed || ${items}.Errored`,
      arguments: { parameters: [{ name: 'task', value: task.id }, { name: INDEXES_VALUE, value: `{{tasks.${items}.outputs.parameters.${INDEXES_VALUE}}}` }] },
    },
  ]
  return { dagTasks, templates: [listTemplate, mapTemplate, itemTemplate] }
}
