/**
 * Why a task's command line could not start with E2BIG: Linux takes at most 128 KB per argument
 * (MAX_ARG_STRLEN) and about a quarter of the stack limit for all of them, and a param travels on
 * the command line (`--param name=value`, as on a remote engine). Node says only "spawn E2BIG".
 */
const KB = 1024

/** The sentence for a task whose argv was refused as too long: its longest argument, by param name when it is one. */
export function describeArgvTooLong(taskId: string, argv: readonly string[]): string {
  let longest = 0
  for (let i = 1; i < argv.length; i++) if (Buffer.byteLength(argv[i]!) > Buffer.byteLength(argv[longest]!)) longest = i
  const arg = argv[longest]!
  const total = argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0)
  const param = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(arg.startsWith('--param=') ? arg.slice(8) : arg)
  const isParam = param !== null && (arg.startsWith('--param=') || argv[longest - 1] === '--param')
  const what = isParam ? `param '${param[1]}' (${kb(Buffer.byteLength(arg))})` : `its longest argument (${kb(Buffer.byteLength(arg))})`
  return `The command line of task '${taskId}' is too long to start (${kb(total)}; ${what}): the system takes at most 128 KB per argument. Pass large data as an upstream task's output, not as a param.`
}

function kb(bytes: number): string {
  return `${Math.ceil(bytes / KB)} KB`
}
