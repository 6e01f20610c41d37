/**
 * The attempts in flight, which a cancel gives up on after its grace period. An ordinary task has
 * at most one at a time, kept in its slot by task index: a Set cost an insert, a delete and often
 * a re-allocated table per attempt, this is two array writes and a counter. The items of a mapped
 * task run side by side, so an attempt whose task slot is taken goes to a Set of its own.
 */
import type { ActiveAttempt } from './loop-state.ts'

export class ActiveAttempts {
  private readonly byTask: (ActiveAttempt | undefined)[]
  private more: Set<ActiveAttempt> | undefined
  private count = 0

  constructor(tasks: number) {
    this.byTask = new Array<ActiveAttempt | undefined>(tasks)
  }

  get size(): number {
    return this.count
  }

  add(i: number, attempt: ActiveAttempt): void {
    if (this.byTask[i] === undefined) this.byTask[i] = attempt
    else (this.more ??= new Set()).add(attempt)
    this.count++
  }

  delete(i: number, attempt: ActiveAttempt): void {
    if (this.byTask[i] === attempt) this.byTask[i] = undefined
    else if (this.more?.delete(attempt) !== true) return
    this.count--
  }

  /** Every attempt in flight now (giving one up removes it). */
  list(): ActiveAttempt[] {
    const now = this.byTask.filter((a): a is ActiveAttempt => a !== undefined)
    if (this.more) now.push(...this.more)
    return now
  }
}
