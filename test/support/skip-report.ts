/**
 * The lines the summary reporter prints about skipped tests: per file, how many and why. A file
 * says why through a test named `(skipped: <reason>)` (test/support/services.ts writes one); a file
 * with skipped tests and no such name is listed too, so that no skip goes unnoticed.
 */

export interface SkippedInFile {
  /** The test file, relative to the repository. */
  readonly file: string
  /** Full names (suites and test, `>`-separated) of the skipped tests. */
  readonly skipped: readonly string[]
  /** Full names of the file's other tests (a placeholder that failed under CI=true still gives the reason). */
  readonly others?: readonly string[]
}

/** The report lines, or none when nothing was skipped. */
export function skipReport(files: readonly SkippedInFile[]): string[] {
  const lines: string[] = []
  let total = 0
  for (const { file, skipped, others = [] } of files) {
    if (skipped.length === 0) continue
    total += skipped.length
    const reasons = [...new Set([...skipped, ...others].flatMap((name) => [...name.matchAll(/\(skipped: (.*?)\)(?: >|$)/g)].map((m) => m[1]!)))]
    lines.push(`  ${file} (${skipped.length}): ${reasons.length > 0 ? reasons.join('; ') : 'no reason given (a .skip, .todo or a -t filter)'}`)
  }
  return total === 0 ? [] : [`${total} skipped test${total === 1 ? '' : 's'}:`, ...lines]
}
