import type { CommandHelp } from './format-help.ts'

/** `weir cache --help`. */
export const CACHE_HELP: CommandHelp = {
  usage: [
    'cache list [SPEC] [--pipeline NAME] [--task ID] [--older-than DURATION] [--json] [--state-dir DIR]',
    'cache clear [SPEC] [--pipeline NAME] [--task ID] [--older-than DURATION] [--json] [--state-dir DIR]',
    'cache explain SPEC TASK... [--run RUN_ID] [--state-dir DIR]',
  ],
  description:
    "Lists or removes cache entries. With SPEC: the entries of that pipeline in every IoManager it declares (gcs included); without: those under the state dir's fs outputs. 'clear' removes entries only: the outputs they point to stay, so no recorded run loses its output; the next run of those tasks recomputes them. 'explain' says why each TASK hit the cache or ran in a recorded run: which part of its key changed since its previous entry (file, input, param).",
  options: [
    ['--pipeline NAME', 'only entries of this pipeline (without SPEC)'],
    ['--task ID', 'only entries of this task'],
    ['--older-than DURATION', "only entries made longer ago than this ('30d', '12h')"],
    ['--json', 'list: [{"pipeline","task","key","runId","createdAt","output"?}]; clear: {"removed":N}'],
    ['--run RUN_ID', "explain: the run to explain (default: latest, the newest run of the pipeline)"],
    ['--state-dir DIR', 'where the run store and fs outputs are (default: .weir)'],
  ],
  examples: ['cache list', 'cache list pipelines/orders.yaml --task extract', 'cache clear --older-than 30d', 'cache explain pipelines/orders.yaml summarize --run latest'],
  exit: '0, or 2 for a usage error or an invalid spec.',
  docs: ['caching.md', 'cli.md'],
}
