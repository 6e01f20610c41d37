/** What the routes share: the store, the specs, how to start weir, and the server's lifetime. */
import type { SpecIndex } from './spec-index.ts'
import type { RunsIndex } from './runs-index.ts'

export interface UiContext {
  /** Absolute state dir (`.weir`). */
  readonly stateDir: string
  /** The folder weir ui was started in: children run there. */
  readonly cwd: string
  readonly specs: SpecIndex
  readonly runs: RunsIndex
  /** How to start weir for a run: `[node, path/to/bin/weir.js]`. */
  readonly weirCommand: readonly string[]
  /** Aborts when the server closes (ends event streams). */
  readonly signal: AbortSignal
}
