/**
 * The attempts in flight, by task index (a task has at most one at a time), which a cancel gives up
 * on after its grace period. A Set cost an insert, a delete and often a re-allocated table per
 * attempt; this is two array writes and a counter.
 */
import type { ActiveAttempt } from './loop-state.ts'

export class ActiveAttempts {
  private readonly byTask: (ActiveAttempt | undefined)[]
  private count = 0

  constructor(tasks: number) {
    this.byTask = new Array<ActiveAttempt | undefined>(tasks)
  }

  get size(): number {
    return this.count
  }

  add(i: number, attempt: ActiveAttempt): void {
    if (this.byTask[i] === undefined) this.count++
    this.byTask[i] = attempt
  }

  delete(i: number, attempt: ActiveAttempt): void {
    if (this.byTask[i] !== attempt) return
    this.byTask[i] = undefined
    this.count--
  }

  /** Every attempt in flight now (giving one up removes it). */
  list(): ActiveAttempt[] {
    return this.byTask.filter((a): a is ActiveAttempt => a !== undefined)
  }
}
