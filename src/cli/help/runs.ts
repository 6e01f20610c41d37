import type { CommandHelp } from './format-help.ts'

/** `weir runs --help`. */
export const RUNS_HELP: CommandHelp = {
  usage: ['runs [--json] [--pipeline NAME] [--limit N] [--state-dir DIR]', 'runs show RUN_ID|latest [--json] [--lines N] [--pipeline NAME] [--state-dir DIR]', 'runs gc [--json] [--state-dir DIR]'],
  description:
    "Lists the runs in the run store (newest first), or shows one run: its tasks, attempts, errors and logs. 'runs gc' removes what processes killed mid-write left in the state dir (temp files of outputs and run summaries whose writer is dead); files of live processes are kept.",
  options: [
    ['--json', 'runs: [{"runId","pipeline","status","trigger","startedAt"}]; show: the whole run record; gc: {"removed":[{"path","bytes"}]}'],
    ['--pipeline NAME', 'only runs of this pipeline (with show latest: its newest run)'],
    ['--limit N', 'at most N runs (default: 50)'],
    ['--lines N', 'log lines shown per task (default: 20)'],
    ['--state-dir DIR', 'where the run store is (default: .weir)'],
  ],
  examples: ['runs --pipeline orders --limit 5', 'runs show 20270328-030000-a1b2c3 --lines 100', 'runs show latest --pipeline orders', 'runs gc'],
  exit: '0, or 2 for a usage error, an unknown run or a --state-dir that is not a folder.',
  docs: ['running.md', 'cli.md'],
}
