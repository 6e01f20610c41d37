/**
 * weir's own ways out of a process, told apart from a handler's. `weir run` and `weir execute` run
 * handlers in their own process, and a handler may call `process.exit(code)`. Exit codes are weir's
 * verdicts (docs/remote.md: 2 usage, 3 no retry, 130/143 cancelled; docs/running.md for
 * `weir run`), so while a run or an attempt is under way an exit is taken for a failure and made 1
 * (src/cli/guard-unfinished-exit.ts), and `weir execute` records it (execute/record-early-exit.ts).
 * When weir itself ends the process on purpose (its parent run is gone, a second Ctrl-C, a rejection
 * nothing handled), it goes through `exitAsWeir`, and its code stands.
 */

let ownCode: number | undefined

/** Ends the process with `code` as weir's own decision: exit guards leave it as it is. */
export function exitAsWeir(code: number): never {
  ownCode = code
  return process.exit(code)
}

/** Whether the process is exiting through `exitAsWeir` (asked by `exit` listeners). */
export function isWeirsOwnExit(): boolean {
  return ownCode !== undefined
}
