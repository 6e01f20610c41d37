/**
 * Which code cache the main CommonJS entry (dist/cli/main.cjs) uses: one per command. A process
 * writes a cache only when it found none V8 would take (run-cached-bundle.ts), and the cache holds
 * the functions that process compiled: shared by all commands, the first one's (say `weir runs`)
 * would serve every other (`weir graph`) with little of its code, for good. The name is one of a
 * fixed list, never a word from the command line as typed: nothing a user types makes a file.
 */

/** The first word of every command the main entry runs (commands.ts, but for codegen and init: bin/weir.js), and `help`. */
const COMMAND_WORDS = new Set(['spec', 'run', 'runs', 'cache', 'execute', 'schedule', 'graph', 'ui', 'help'])

/** The cache name for the command line `args` (process.argv without node and the script). */
export function mainCacheName(args: readonly string[]): string {
  const first = args.find((a) => a !== '--debug')
  return first !== undefined && COMMAND_WORDS.has(first) ? first : 'other'
}
