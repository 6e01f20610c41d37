/**
 * The command weir prints for resuming a run, to be pasted into a shell as it is: with the
 * `--state-dir` the run used (without it the resume looks in `.weir` and finds no such run), and
 * each word quoted when a POSIX shell would split or expand it (a spec path with a space, or a
 * file named `$(…).yaml` that would run a command when pasted).
 */
import { shellWord } from './shell-word.ts'

/** `weir run SPEC --resume RUN_ID [--state-dir DIR]`, quoted for a shell. */
export function resumeCommand(specPath: string, runId: string, stateDir?: string): string {
  const words = ['weir', 'run', specPath, '--resume', runId, ...(stateDir === undefined ? [] : ['--state-dir', stateDir])]
  return words.map(shellWord).join(' ')
}
