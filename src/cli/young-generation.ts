/**
 * The size of V8's young generation for `weir run`, chosen from the size of the spec.
 *
 * V8 doubles the young generation (two "semi-spaces") up to 2 × 16 MB as soon as a process allocates
 * quickly, and a run of a large spec does: parsing, validating and running 20,000 tasks allocate
 * ~135 MB, most of it short-lived. Those 32 MB were a third of the peak RSS of such a run (120 MB),
 * for no gain in time: kept at its first size (2 × 1 MB), the same run peaks at ~100 MB and takes
 * the same CPU time (bench/cli.bench.ts), since what survives a scavenge is the same either way.
 *
 * It is not free for every program: a handler that allocates heavily (parsing and grouping
 * hundreds of thousands of rows) spends more time collecting with a small young generation (~25%
 * in a test of that kind). So only a large spec gets it, where weir's own per-task state is what
 * the run's memory is made of, and never against the user's own choice of semi-space flags.
 */
import { setFlagsFromString } from 'node:v8'

/** From this size on, a spec file is large (~7,000 tasks of a line or two each; a few thousand of richer ones). */
export const LARGE_SPEC_BYTES = 512 * 1024

/**
 * Keeps the young generation at its first size when the spec has `specBytes` bytes or more; returns
 * whether it did. Call it before the spec is read: V8 never gives back a young generation it has
 * grown. A semi-space flag in NODE_OPTIONS or on node's command line is the user's choice: left alone.
 */
export function fitYoungGeneration(specBytes: number, nodeOptions = process.env.NODE_OPTIONS ?? '', execArgv: readonly string[] = process.execArgv): boolean {
  if (specBytes < LARGE_SPEC_BYTES) return false
  if (nodeOptions.includes('semi-space') || execArgv.some((a) => a.includes('semi-space'))) return false
  setFlagsFromString('--semi-space-growth-factor=1')
  return true
}
