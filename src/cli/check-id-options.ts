/**
 * `--pipeline NAME` and `--task ID` of the commands that read the store (`weir cache`, `weir runs`):
 * a value no spec could declare is a usage error, said as such, rather than an empty answer or a
 * path the store refuses deeper down ('run id … cannot be used in an output path').
 */
import { isPipelineName } from '../init-template/project-names.ts'
import { CliError } from './errors.ts'

/** A task id as the schema allows it. */
const TASK_ID = /^[a-z][a-z0-9_]{0,62}$/

const LOOKS = 'lower case letters, digits and _, starting with a letter, at most 63 characters'

/** The value of `--pipeline`, checked; throws a usage error naming the command otherwise. */
export function checkPipelineOption(command: string, name: string | undefined): string | undefined {
  if (name !== undefined && !isPipelineName(name))
    throw new CliError(`${command}: --pipeline '${name}' is not a pipeline name; names are ${LOOKS} (e.g. 'daily_sales'), as in the spec's 'name:'.`)
  return name
}

/** The value of `--task`, checked; throws a usage error naming the command otherwise. */
export function checkTaskOption(command: string, id: string | undefined): string | undefined {
  if (id !== undefined && !TASK_ID.test(id))
    throw new CliError(`${command}: --task '${id}' is not a task id; ids are ${LOOKS} (e.g. 'summarize'), as under the spec's 'tasks:'.`)
  return id
}
