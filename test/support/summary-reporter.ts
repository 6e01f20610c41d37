/**
 * Prints one plain `N passed, N failed, N skipped` line after a run: the line CI reads. A file that
 * fails to load (no test results) and unhandled errors count as failures, so nothing hides. Before
 * it, the skipped tests of each file with the reason the file gives (skip-report.ts).
 */
import { relative } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'
import { skipReport, type SkippedInFile } from './skip-report.ts'

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = unhandledErrors.length
    let skipped = 0
    const skips: SkippedInFile[] = []
    for (const mod of testModules) {
      let tests = 0
      const skippedHere: string[] = []
      const others: string[] = []
      for (const test of mod.children.allTests()) {
        tests++
        const state = test.result().state
        if (state !== 'passed' && state !== 'failed') {
          skipped++
          skippedHere.push(test.fullName)
          continue
        }
        others.push(test.fullName)
        if (state === 'passed') passed++
        else failed++
      }
      if (tests === 0 && mod.state() === 'failed') failed++
      skips.push({ file: relative(process.cwd(), mod.moduleId), skipped: skippedHere, others })
    }
    const report = skipReport(skips)
    process.stdout.write(`\n${report.map((line) => `${line}\n`).join('')}${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
