/**
 * Where in a handler's module an error raised while importing it comes from, for the message that
 * says the module cannot be loaded: a user whose module throws at its top level (a missing setting,
 * a bad import) is told the line, not only the error's text.
 */
import { relative } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * `file:line:col` (relative to `projectRoot`) of the first frame of `error`'s stack inside
 * `modulePath` (`file:line` where the stack gives no column); undefined when the stack does not
 * name the module: the error came from a module it imports, or it is an ES module syntax error,
 * whose stack Node 20 fills with its own frames (`weir spec validate` reports those, with a line).
 */
export function moduleErrorLocation(error: unknown, modulePath: string, projectRoot: string): string | undefined {
  const stack = typeof (error as { stack?: unknown } | null)?.stack === 'string' ? (error as { stack: string }).stack : ''
  const shown = relative(projectRoot, modulePath) || modulePath
  for (const name of [pathToFileURL(modulePath).href, modulePath]) {
    const at = stack.indexOf(`${name}:`)
    if (at === -1) continue
    const position = /^:(\d+)(?::(\d+))?/.exec(stack.slice(at + name.length))
    if (position) return `${shown}:${position[1]}${position[2] ? `:${position[2]}` : ''}`
  }
  return undefined
}
