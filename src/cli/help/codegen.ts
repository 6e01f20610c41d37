import type { CommandHelp } from './format-help.ts'

/** `weir codegen --help`. */
export const CODEGEN_HELP: CommandHelp = {
  usage: ['codegen SPEC… --out DIR [--target types|databricks|argo|all] [--check]'],
  description: 'Generates files from pipeline specs (files, or folders searched for pipelines).',
  options: [
    [
      '--target NAME',
      'types: DIR/<pipeline>.ts with the handler types of every task; databricks, argo: job definitions (the spec must configure targets.<name>); all: types plus every target the spec configures (default: types)',
    ],
    ['--out DIR', 'the folder to write into, created when missing (required)'],
    ['--check', 'write nothing; exit 1 when a generated file is missing or differs (for CI)'],
  ],
  examples: ['codegen pipelines/ --out src/generated', 'codegen pipelines/orders.yaml --target databricks --out deploy/', 'codegen pipelines/ --out src/generated --check   # in CI'],
  exit: '0 written or up to date, 1 stale (--check), 2 usage error or invalid spec.',
  docs: ['handlers.md', 'remote.md', 'cli.md'],
}
