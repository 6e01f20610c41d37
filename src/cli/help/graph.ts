import type { CommandHelp } from './format-help.ts'

/** `weir graph --help`. */
export const GRAPH_HELP: CommandHelp = {
  usage: ['graph SPEC [--format mermaid|html] [--out FILE] [--run RUN_ID] [--state-dir DIR] [--direction LR|TB]'],
  description: "Draws the pipeline's task graph.",
  options: [
    ['--format FORMAT', 'mermaid (Mermaid flowchart text) or html (one self-contained page) (default: mermaid)'],
    ['--out FILE', 'write to FILE instead of standard output (needed for html on a terminal)'],
    ['--run RUN_ID', "colour tasks by their status in this run ('latest': the newest run of this pipeline), with attempts and duration"],
    ['--state-dir DIR', 'where the run store lives (default: .weir)'],
    ['--direction DIR', 'LR (left to right) or TB (top to bottom) (default: LR)'],
  ],
  examples: ['graph pipelines/orders.yaml > orders.mmd', 'graph pipelines/orders.yaml --format html --run latest --out graph.html'],
  exit: '0 drawn, 2 usage error, invalid spec or unknown run.',
  docs: ['graph.md', 'cli.md'],
}
