import type { Rule } from './types.ts'
import { isObject } from '../collect.ts'
import { isUnderOneMillisecond } from '../duration.ts'
import { toPointer } from '../pointer.ts'

/**
 * A timeout of more than 0 but under 1 ms (`0.0001ms`) cannot be honoured: timers count whole
 * milliseconds, and it would round to 0, which means no time limit (docs/spec.md#durations), here
 * and on the engines. The shape check has already refused what is not a duration at all.
 */
export const timeouts: Rule = ({ view, report }) => {
  const check = (value: unknown, pointer: string, subject: string): void => {
    if (!isUnderOneMillisecond(value)) return
    const written = typeof value === 'string' ? `'${value}'` : String(value)
    report({
      code: 'INVALID_DURATION',
      pointer,
      message: `${subject} is ${written}, more than 0 but under 1 ms, which no timer can honour (it would round to no time limit); write at least '1ms', or 0 for no time limit.`,
    })
  }
  if (isObject(view.data.defaults)) check(view.data.defaults.timeout, '/defaults/timeout', "'defaults.timeout'")
  for (const [id, task] of view.tasks) if (task.timeout !== undefined) check(task.timeout, toPointer(['tasks', id, 'timeout']), `'timeout' of task '${id}'`)
}
