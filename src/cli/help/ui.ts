import type { CommandHelp } from './format-help.ts'

/** `weir ui --help`. */
export const UI_HELP: CommandHelp = {
  usage: ['ui [PATH…] [--port N] [--open] [--state-dir DIR] [--host ADDR]'],
  description:
    'Serves a local web UI over the run store and the specs under PATH (default: the current folder): pipelines with their validation state and next fires, the run history, and live run pages with the task graph, a timeline, logs and outputs; start, resume and cancel runs. Open the URL it prints: its access token (new at each start, or WEIR_UI_TOKEN) keeps other users of the machine out. Runs until Ctrl-C.',
  options: [
    ['--port N', 'port to listen on (default: a free port, printed)'],
    ['--open', 'open the page in your browser'],
    ['--state-dir DIR', 'where the run store is (default: .weir)'],
    ['--host ADDR', 'interface to bind (default: 127.0.0.1); with another address, other machines reach it, still only with the token in the URL'],
  ],
  examples: ['ui', 'ui pipelines/ --port 4170 --open', 'ui --host 0.0.0.0      # reachable from other machines, with a token'],
  exit: '0 stopped with Ctrl-C, 2 usage error (a bad path or port, or the port is in use).',
  docs: ['ui.md', 'cli.md'],
}
