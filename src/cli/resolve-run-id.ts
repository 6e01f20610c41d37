/** `latest` as a run id (`run --resume latest`, `graph --run latest`): the newest run of the pipeline in the run store. */
import { CliError } from './errors.ts'

/**
 * Returns `runArg`, or for `latest` the id of the newest run of `pipelineName` under `stateDir`;
 * a usage error when there is none. `shownStateDir` is the folder as the user gave it.
 */
export async function resolveRunId(command: string, runArg: string, pipelineName: string, stateDir: string, hint: { shownStateDir: string; purpose?: string; runCommand: string }): Promise<string> {
  if (runArg !== 'latest') return runArg
  const { listRuns } = await import('../runtime/run-store/read-runs.ts')
  const [newest] = await listRuns(stateDir, { pipeline: pipelineName, limit: 1 })
  if (!newest)
    throw new CliError(`${command}: no runs of pipeline '${pipelineName}' in the run store '${hint.shownStateDir}'${hint.purpose ?? ''}; run it first (${hint.runCommand}) or pass --state-dir.`)
  return newest.runId
}
