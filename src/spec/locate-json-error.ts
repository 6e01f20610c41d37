/**
 * Where a JSON text stops being valid, as a 1-based line and column, without quoting the text: V8's
 * `JSON.parse` messages may carry a snippet of it (`Unexpected token 'r', "root:x:0:0"...`), and a
 * user error must never echo the contents of a file the user pointed at.
 */
export function locateJsonError(text: string): { line: number; column: number } | undefined {
  const offset = jsonErrorOffset(text)
  if (offset === undefined) return undefined
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

/** The 0-based offset of the first character `JSON.parse` refuses, or undefined when the text parses. */
function jsonErrorOffset(text: string): number | undefined {
  const first = parseError(text)
  if (first === undefined) return undefined
  const stated = /at position (\d+)/.exec(first)
  if (stated) return Number(stated[1])
  // No position stated: every prefix before the bad character is a valid start ("unexpected end"),
  // every prefix that includes it fails
  // before its end. Search for the shortest of those.
  let low = 0
  let high = text.length
  while (low < high) {
    const mid = (low + high) >> 1
    const prefix = text.slice(0, mid + 1)
    if (endsTooSoon(prefix)) low = mid + 1
    else high = mid
  }
  return low
}

/** Whether a text parses, or fails only because it ends (V8 says so, or states its length as the position). */
function endsTooSoon(text: string): boolean {
  const message = parseError(text)
  if (message === undefined || message.includes('Unexpected end')) return true
  const stated = /at position (\d+)/.exec(message)
  return stated !== null && Number(stated[1]) >= text.length
}

function parseError(text: string): string | undefined {
  try {
    JSON.parse(text)
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}
