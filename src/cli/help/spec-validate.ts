import type { CommandHelp } from './format-help.ts'

/** `weir spec validate --help`. */
export const SPEC_VALIDATE_HELP: CommandHelp = {
  usage: ['spec validate PATH… [--format text|json|github] [--strict] [--typecheck] [--target NAME]'],
  description:
    'Checks pipeline specs: files, or folders searched for *.yaml, *.yml and *.json files that look like weir pipelines (node_modules, .git, .weir, dist and coverage are skipped; symbolic links to files are followed, those to folders are not).',
  options: [
    ['--format FORMAT', 'text (for people), json (for tools) or github (annotations on pull requests) (default: text)'],
    ['--strict', 'treat warnings as errors'],
    ['--typecheck', "also compile each valid spec's handler modules against its generated handler types"],
    ['--target NAME', 'also report what a remote target (databricks, argo or all) cannot express'],
  ],
  examples: ['spec validate pipelines/', 'spec validate pipelines/orders.yaml --target databricks', 'spec validate pipelines/ --format github --strict   # in CI'],
  exit: '0 valid, 1 invalid, 2 usage error.',
  docs: ['spec.md', 'errors.md', 'cli.md'],
}
