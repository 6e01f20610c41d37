/** JSON pointers (RFC 6901): how diagnostics and the model name a place in a spec. */

/** Splits a JSON pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** Builds a JSON pointer from segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  let pointer = ''
  for (const segment of segments) {
    const text = String(segment)
    // Escaping is rare (keys with `~` or `/`); skip the two replaces when there is nothing to escape.
    pointer += '/' + (text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text)
  }
  return pointer
}
