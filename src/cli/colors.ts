/** ANSI colours for a terminal; plain text when not a TTY, under NO_COLOR, or when CI pipes output. */
export interface Palette {
  red(s: string): string
  yellow(s: string): string
  cyan(s: string): string
  dim(s: string): string
  bold(s: string): string
  green(s: string): string
}

export function shouldColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`
const plain = (s: string): string => s

export function createPalette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain, green: plain }
  return { red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39) }
}
