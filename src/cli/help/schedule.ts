import type { CommandHelp } from './format-help.ts'

/** `weir schedule --help`. */
export const SCHEDULE_HELP: CommandHelp = {
  usage: ['schedule PATH… [--state-dir DIR] [--grace DURATION] [--json]', 'schedule PATH… --preview N [--from ISO] [--json]'],
  description:
    "Runs the 'schedule:' of every spec in PATH… (files or folders): a daemon that starts each pipeline's runs at its fire times, with its timezone, DST rules, overlap and catch-up policies. SIGTERM and SIGINT stop it: no new fires, running runs get --grace to finish, then are cancelled (exit 0). A second SIGTERM or SIGINT stops it at once: running tasks' ctx.signal is aborted, the lock released, exit 143 or 130. SIGHUP reloads the specs.",
  options: [
    ['--preview N', 'print the next N fire times of each scheduled pipeline and exit'],
    ['--from ISO', 'start the preview here (ISO 8601; without an offset it is read as UTC) (default: now)'],
    ['--json', 'preview: one JSON object; daemon: one JSON object per log line'],
    ['--state-dir DIR', 'scheduler state and lock, and the run store (default: .weir)'],
    ['--grace DURATION', 'on SIGTERM/SIGINT, how long running runs may finish before they are cancelled; a second signal cancels them at once (default: 30s)'],
  ],
  examples: ['schedule pipelines/', 'schedule pipelines/orders.yaml --preview 5 --from 2027-03-28T00:00:00+01:00'],
  exit: '0 ok (stopped by a first SIGTERM/SIGINT); 2 usage error, invalid spec (preview), no scheduled spec, or another scheduler holds the state dir; 143 / 130 stopped at once by a second SIGTERM / SIGINT.',
  docs: ['scheduling.md', 'cli.md'],
}
