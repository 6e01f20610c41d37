import type { CommandHelp } from './format-help.ts'

/** `weir run --help`. */
export const RUN_HELP: CommandHelp = {
  usage: ['run SPEC [options]'],
  description: 'Runs a pipeline on this machine and records it in the run store.',
  options: [
    ['--param NAME=VALUE', "set a param (repeatable); the value is typed and checked by the param's schema"],
    ['--concurrency N', 'most tasks running at once (default: 4)'],
    ['--executor NAME', "inprocess (handlers run in this process) or subprocess (one 'weir execute' process per attempt, as a remote engine runs them) (default: inprocess)"],
    ['--resume RUN_ID', "re-run what did not succeed in RUN_ID and everything downstream, reusing the stored outputs of the tasks that succeeded; 'latest' is the newest run of this pipeline"],
    ['--dry-run', 'print what would run (and what a resume would reuse, and which cached tasks would hit or why not), then exit'],
    ['--fail-fast', 'stop starting tasks after the first task fails'],
    ['--params-stdin', 'also read param values from stdin, as one JSON object ({"name": value}); keeps secret values off the command line'],
    ['--no-cache', 'run every task; look nothing up in the cache and store nothing (docs/caching.md)'],
    ['--refresh TASK', 'run this cached task again and replace its cache entry; the others may hit (repeat for several)'],
    ['--explain-cache TASK', 'print why this task hit or missed the cache: which part of its key changed (file, input, param); after the run, or before it with --dry-run (repeat for several)'],
    ['--json', 'print one JSON object: {"runId","pipeline","status","tasks"}'],
    ['--state-dir DIR', 'run store and local outputs (default: .weir)'],
  ],
  examples: [
    'run pipelines/orders.yaml',
    'run pipelines/orders.yaml --param day=2027-03-28 --concurrency 8',
    'run pipelines/orders.yaml --resume latest      # re-run what failed last time',
    'run pipelines/orders.yaml --dry-run --explain-cache summarize   # would it hit, and why not',
  ],
  exit: '0 run succeeded, 1 run failed (a task failed, or the run store could not be written), 2 usage error or invalid spec, 130/143 cancelled (SIGINT/SIGTERM).',
  docs: ['running.md', 'cli.md'],
}
