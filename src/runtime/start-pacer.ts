/**
 * Tasks that finish without real I/O (no-ops, cached work) chain through microtasks only, and a long
 * burst of them would starve the event loop: no journal writes, no Ctrl-C. A pacer lets `every`
 * starts through, then makes new starts wait for one turn of the loop.
 */
export interface StartPacer {
  /** True when this start must wait for `nextTurn()` first. */
  mustWait(): boolean
  /** Resolves on the next turn of the event loop (one shared promise for every waiting start). */
  nextTurn(): Promise<void>
}

export function createStartPacer(every: number): StartPacer {
  let pause: Promise<void> | undefined
  let startsSinceYield = 0
  return {
    mustWait() {
      if (pause === undefined && ++startsSinceYield < every) return false
      startsSinceYield = 0
      return true
    },
    nextTurn() {
      pause ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          pause = undefined
          resolve()
        }),
      )
      return pause
    },
  }
}
