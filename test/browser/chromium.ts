/**
 * Headless Chromium for page tests: Debian's `chromium` package driven by playwright-core
 * (`npx playwright install` cannot download a browser here). Installed by test/services/apt-packages.sh.
 */
import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.WEIR_CHROMIUM ?? '/usr/bin/chromium'

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `Chromium not found at ${CHROMIUM_PATH}: run test/services/apt-packages.sh (apt-get install chromium), or set WEIR_CHROMIUM`
}

/** Starts Chromium with everything that could reach off the machine turned off. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
}
