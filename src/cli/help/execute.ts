import type { CommandHelp } from './format-help.ts'

/** `weir execute --help`. */
export const EXECUTE_HELP: CommandHelp = {
  usage: ['execute --spec PATH --task ID --run-id ID [options]'],
  description:
    "Runs one attempt of one task in this process: the command every remote task and every 'weir run --executor subprocess' attempt runs. Every argument is checked before the task runs.",
  options: [
    ['--spec PATH', 'the pipeline spec'],
    ['--task ID', 'the task to run'],
    ['--run-id ID', "the run this attempt belongs to: letters, digits, '_', '-' and '.' (it becomes a folder name)"],
    ['--inputs URI', "an inputs.json (a path, file:// or gs:// URI) listing the upstream outputs and values (default: each upstream task's outputs.json, found from the run id and its IoManager)"],
    ['--output-prefix URI', "the folder for the output, outputs.json, values.json and error.json (a path, file:// or gs:// URI) (default: the folder the task's IoManager uses for this run)"],
    ['--param NAME=VALUE', "a param (repeatable); an empty VALUE counts as not given (engines pass unset job parameters as empty), unless WEIR_PARAMS_RESOLVED=1 (set by 'weir run --executor subprocess'): then it is the empty string"],
    ['--attempt N', "1-based attempt number (default: one more than the last recorded at the output prefix, by its error.json or outputs.json)"],
    ['--item-index N', 'for a mapped task (foreach): run its item N (0-based); output under <prefix>/items/N (-1: report the list that --list-items could not use)'],
    ['--list-items', 'for a mapped task: resolve its list, keep it as <prefix>/items.json, and write the index list [0,…,n-1] to $WEIR_TASK_VALUE_DIR/indexes.json for the engine'],
    ['--max-items N', 'with --list-items: more items than N fail the map (the engine bound on its index list)'],
    ['--trigger NAME', "run.trigger seen by inputs (default: manual); databricks:TYPE reads a Databricks trigger type (periodic is schedule, one_time manual)"],
    ['--scheduled-at ISO', 'run.scheduled_at seen by inputs: an ISO 8601 date-time or 13-digit epoch milliseconds (written in the schedule\'s timezone); empty counts as not given; with databricks:TYPE, kept only for periodic'],
    ['--state-dir DIR', 'local state for the fs IoManager (default: $WEIR_STATE_DIR or .weir)'],
  ],
  examples: [
    'execute --spec pipelines/orders.yaml --task extract --run-id r1',
    'execute --spec pipelines/orders.yaml --task summarize --run-id r1 --output-prefix gs://lake/weir/orders/r1/summarize',
  ],
  exit: '0 ok, 1 the task failed (a retry may help), 2 usage error or invalid spec, 3 non-recoverable failure (do not retry), 4 system error (a retry may help), 130/143 cancelled.',
  docs: ['remote.md', 'cli.md'],
}
