/**
 * Offsets → 1-based line and column. yaml's own LineCounter only learns the newlines its lexer
 * reports, and misses those inside some malformed tokens, so positions come from the text itself.
 */
export interface LineIndex {
  linePos(offset: number): { line: number; col: number }
}

export function createLineIndex(text: string): LineIndex {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return {
    linePos(offset) {
      const at = Math.max(0, Math.min(offset, text.length))
      let low = 0
      let high = starts.length - 1
      while (low < high) {
        const mid = (low + high + 1) >> 1
        if (starts[mid]! <= at) low = mid
        else high = mid - 1
      }
      return { line: low + 1, col: at - starts[low]! + 1 }
    },
  }
}
