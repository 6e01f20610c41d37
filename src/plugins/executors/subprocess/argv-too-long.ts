/**
 * Why a task's command line could not start with E2BIG: Linux takes at most 128 KB per argument
 * (MAX_ARG_STRLEN) and about a quarter of the stack limit for all of them, and a param travels on
 * the command line (`--param name=value`, as on a remote engine). Node says only "spawn E2BIG".
 * And why one holding a NUL character could not: Node's own message quotes the whole argument, a
 * secret param's value included, so the sentence names the argument instead.
 */
const KB = 1024

/** The sentence for a task whose argv was refused as too long: its longest argument, by param name when it is one. */
export function describeArgvTooLong(taskId: string, argv: readonly string[]): string {
  let longest = 0
  for (let i = 1; i < argv.length; i++) if (Buffer.byteLength(argv[i]!) > Buffer.byteLength(argv[longest]!)) longest = i
  const arg = argv[longest]!
  const total = argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0)
  const param = paramAt(argv, longest)
  const what = param !== undefined ? `param '${param}' (${kb(Buffer.byteLength(arg))})` : `its longest argument (${kb(Buffer.byteLength(arg))})`
  return `The command line of task '${taskId}' is too long to start (${kb(total)}; ${what}): the system takes at most 128 KB per argument. Pass large data as an upstream task's output, not as a param.`
}

/**
 * The sentence for a task whose argv Node refused before starting anything (ERR_INVALID_ARG_VALUE:
 * an argument holding U+0000, which no process can be given). Names the argument, never quotes it.
 */
export function describeArgvRefused(taskId: string, argv: readonly string[]): string {
  const at = argv.findIndex((arg) => arg.includes('\0'))
  // Else an environment variable (of the process's own environment, which it passes on) holds one.
  if (at < 0) return `The process of task '${taskId}' cannot start: an environment variable holds a NUL character (U+0000), which no process's environment can carry.`
  const param = paramAt(argv, at)
  const what = param !== undefined ? `param '${param}'` : `argument ${at} (counting from 0, after the template was rendered)`
  return `The command line of task '${taskId}' cannot start: ${what} holds a NUL character (U+0000), which no process's arguments can carry; remove it from the task's command template.`
}

/** The name of the param that argument `i` passes (`--param name=…` or `--param=name=…`), if it passes one. */
function paramAt(argv: readonly string[], i: number): string | undefined {
  const arg = argv[i]!
  const param = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(arg.startsWith('--param=') ? arg.slice(8) : arg)
  return param !== null && (arg.startsWith('--param=') || argv[i - 1] === '--param') ? param[1] : undefined
}

function kb(bytes: number): string {
  return `${Math.ceil(bytes / KB)} KB`
}
