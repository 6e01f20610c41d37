/** ANSI colours for a terminal; plain text when not a TTY, under NO_COLOR, or when output is piped. */
export interface Palette {
  red(s: string): string
  yellow(s: string): string
  cyan(s: string): string
  dim(s: string): string
  bold(s: string): string
  green(s: string): string
}

/**
 * Whether to colour a stream: never with a non-empty NO_COLOR (https://no-color.org), always with
 * FORCE_COLOR (except `0` and `false`, as chalk reads it), otherwise only on a terminal.
 */
export function shouldColor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`
const plain = (s: string): string => s

export function createPalette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain, green: plain }
  return { red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39) }
}
