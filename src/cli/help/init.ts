import type { CommandHelp } from './format-help.ts'

/** `weir init --help`. */
export const INIT_HELP: CommandHelp = {
  usage: ['init [DIR] [--name NAME]'],
  description:
    'Creates a new weir project in DIR (default: the current folder): a pipeline spec, typed handlers, a test that runs the pipeline in-process, package.json, tsconfig.json and a GitHub Actions workflow. Never overwrites a file: if any of them exists, nothing is written. Without weir installed: npx weir-pipelines init my-project',
  options: [['--name NAME', "the pipeline's name, lower case letters, digits and _ (default: from the folder's name)"]],
  examples: ['init my-project', 'init . --name daily_sales'],
  exit: '0 created, 2 usage error or a file already exists.',
  docs: ['getting-started.md', 'cli.md'],
}
