/**
 * One shape for every command's `--help`: usage, what it does, options with defaults written
 * `(default: …)`, examples, exit codes and the docs to read, as absolute paths in the installed
 * package (a repository-relative `docs/…` does not exist for a user).
 */
import { docsPath } from '../package-root.ts'

export interface CommandHelp {
  /** Usage lines after `weir `, e.g. `run SPEC [options]`. */
  readonly usage: readonly string[]
  /** What the command does: one or two sentences. */
  readonly description: string
  /** `[flag with its value, meaning]`; a default is written `(default: …)`. */
  readonly options: readonly (readonly [string, string])[]
  /** Command lines after `weir `; a `  # comment` after them is kept. */
  readonly examples: readonly string[]
  /** `Exit:` line: each code and its meaning. */
  readonly exit: string
  /** Pages under docs/, e.g. `running.md` or `cli.md#weir-run`. */
  readonly docs: readonly string[]
}

const WIDTH = 100
const MAX_FLAG_COLUMN = 24

/** Renders a command's help text. */
export function formatHelp(help: CommandHelp): string {
  const usage = help.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}weir ${u}`)
  const flagWidth = Math.min(MAX_FLAG_COLUMN, Math.max(...help.options.map(([flag]) => flag.length)))
  const options = help.options.flatMap(([flag, meaning]) => formatOption(flag, meaning, flagWidth))
  const docs = help.docs.map(docsPath)
  return [
    ...usage,
    '',
    ...wrap(help.description, WIDTH),
    '',
    'Options:',
    ...options,
    '',
    'Examples:',
    ...help.examples.map((e) => `  weir ${e}`),
    '',
    ...wrap(`Exit: ${help.exit}`, WIDTH, '      '),
    `Docs: ${docs.join(docs.some((d) => d.length > 60) ? '\n      ' : ', ')}`,
    '',
  ].join('\n')
}

function formatOption(flag: string, meaning: string, flagWidth: number): string[] {
  const indent = ' '.repeat(2 + flagWidth + 2)
  const lines = wrap(meaning, WIDTH - indent.length)
  if (flag.length > flagWidth) return [`  ${flag}`, ...lines.map((l) => indent + l)]
  return lines.map((l, i) => (i === 0 ? `  ${flag.padEnd(flagWidth)}  ${l}` : indent + l))
}

/** Word-wraps a text to `width` columns; lines after the first get `indent`. `(default: x)` stays on one line. */
function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.replace(/\(default: /g, '(default:\u00a0').split(/[ \t\n]+/)) {
    const candidate = line === '' ? word : `${line} ${word}`
    if (candidate.length > width && line !== '') {
      lines.push(line)
      line = `${indent}${word}`
    } else line = candidate
  }
  if (line !== '') lines.push(line)
  return lines.map((l) => l.replace(/\u00a0/g, ' '))
}

/** Writes a command's help to standard output; returns exit code 0. */
export function printHelp(help: CommandHelp): number {
  process.stdout.write(formatHelp(help))
  return 0
}
