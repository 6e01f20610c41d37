import { docsPath } from './package-root.ts'

/** The command table. Each command lives in commands/<name>.ts and is loaded only when used. */
export type Command = (args: string[]) => Promise<number>

export interface CommandEntry {
  readonly name: string
  readonly summary: string
  readonly load: () => Promise<Command>
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'spec validate', summary: 'check spec files or folders', load: async () => (await import('./commands/spec-validate.ts')).specValidate },
  { name: 'run', summary: 'run a pipeline on this machine (or resume a run)', load: async () => (await import('./commands/run.ts')).run },
  { name: 'runs', summary: 'list runs, or show one (weir runs show RUN_ID)', load: async () => (await import('./commands/runs.ts')).runs },
  { name: 'cache', summary: 'list or clear cache entries (weir cache list|clear)', load: async () => (await import('./commands/cache.ts')).cache },
  { name: 'codegen', summary: 'generate handler types or Databricks/Argo job definitions', load: async () => (await import('./commands/codegen.ts')).codegen },
  { name: 'execute', summary: 'run one attempt of one task (what remote engines run)', load: async () => (await import('./commands/execute.ts')).execute },
  { name: 'schedule', summary: 'run the schedules of specs, or preview their fire times', load: async () => (await import('./commands/schedule.ts')).schedule },
  { name: 'graph', summary: 'draw the task graph (Mermaid or HTML), coloured by a run', load: async () => (await import('./commands/graph.ts')).graph },
  { name: 'ui', summary: 'serve a local web UI over the runs and specs (live run pages)', load: async () => (await import('./commands/ui.ts')).ui },
  { name: 'init', summary: 'scaffold a new project', load: async () => (await import('./commands/init.ts')).init },
]

/** `weir --help`: the commands, how to get started, and where the docs are in the installed package. */
export function formatMainHelp(): string {
  return `weir: declarative pipelines for TypeScript teams

Usage: weir <command> [options]
       weir help <command>      (or weir <command> --help)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(15)} ${c.summary}`).join('\n')}

Global options:
  --debug          show the stack of an internal error
  --help           show this help
  --version        print weir's version

Examples:
  weir spec validate pipelines/
  weir run pipelines/orders.yaml --param day=2027-03-28
  weir graph pipelines/orders.yaml --format html --out graph.html

New project: npx weir-pipelines init my-project
In a project: npm install --save-dev weir-pipelines
Docs: ${docsPath('getting-started.md')}
      ${docsPath('cli.md')}
`
}
