/** The command table. Each command lives in commands/<name>.ts and is loaded only when used. */
export type Command = (args: string[]) => Promise<number>

export interface CommandEntry {
  readonly name: string
  readonly summary: string
  readonly load: () => Promise<Command>
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'spec validate', summary: 'check spec files or folders; --format text|json|github, --strict', load: async () => (await import('./commands/spec-validate.ts')).specValidate },
  { name: 'run', summary: 'run a pipeline locally; --param k=v, --concurrency N, --executor inprocess|subprocess, --resume RUN_ID, --json', load: async () => (await import('./commands/run.ts')).run },
  { name: 'runs', summary: 'list runs, or `runs show RUN_ID`; --json', load: async () => (await import('./commands/runs.ts')).runs },
  { name: 'codegen', summary: 'generate handler types or job definitions; --target types|databricks|argo|all, --out DIR, --check', load: async () => (await import('./commands/codegen.ts')).codegen },
  { name: 'execute', summary: 'run one task of one pipeline (the remote entry point)', load: async () => (await import('./commands/execute.ts')).execute },
  { name: 'schedule', summary: 'cron daemon for specs with a schedule; --preview N [--from ISO] [--json]', load: async () => (await import('./commands/schedule.ts')).schedule },
  { name: 'graph', summary: 'draw the pipeline; --format mermaid|html, --run RUN_ID, --out FILE', load: async () => (await import('./commands/graph.ts')).graph },
  { name: 'init', summary: 'scaffold a new project in DIR', load: async () => (await import('./commands/init.ts')).init },
]

export const HELP = `weir: declarative pipelines for TypeScript teams

Usage: weir <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(15)} ${c.summary}`).join('\n')}

Global options:
  --debug          show stack traces of internal errors
  --help           show this help (also: weir <command> --help)

Docs: docs/getting-started.md, docs/cli.md
`
