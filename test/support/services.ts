/**
 * Tests that need something on this machine besides Node and the npm packages (the GCS emulator,
 * Chromium, python3) never skip silently. Without it, the file says why in a placeholder test named
 * `(skipped: <reason>)`, printed by the summary reporter; under CI=true that placeholder fails
 * instead, naming what is missing. `npm run check` installs what it can first
 * (test/services/setup.mjs); test/services/apt-packages.sh installs the Debian packages.
 */
import { spawnSync } from 'node:child_process'
import { describe, test } from 'vitest'

/**
 * `describe` for tests that need a service: plain `describe` when `missing` is undefined, else
 * `describe.skip` beside a placeholder test that carries the reason (and fails under CI=true).
 * @example describeIfAvailable(pythonMissing())('the Databricks launcher', () => { … })
 */
export function describeIfAvailable(missing: string | undefined): typeof describe.skip {
  if (missing === undefined) return describe
  if (process.env.CI === 'true') {
    test(`needs what is missing, as CI=true (skipped: ${missing})`, () => {
      throw new Error(`CI=true and ${missing}`)
    })
  } else {
    console.warn(`skipped: ${missing}`)
    test.skip(`(skipped: ${missing})`, () => {})
  }
  return describe.skip
}

/** Why python3 cannot run here (the Databricks launcher is a Python script), or undefined when it can. */
export function pythonMissing(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import sys'], { encoding: 'utf8' })
  return probe.status === 0 ? undefined : 'python3 is not installed (it runs the Databricks launcher): apt-get install python3, or run test/services/apt-packages.sh'
}
