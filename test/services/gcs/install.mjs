// Installs the GCS emulator package (firebase-tools, pinned in package-lock.json) when it is not
// installed yet. Run by `npm run test:integration` (pretest:integration); `.ci/run` runs `npm ci`
// in every test/services/*/ itself.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
if (!existsSync(`${here}node_modules/firebase-tools/package.json`)) {
  console.log('Installing the GCS emulator (firebase-tools) in test/services/gcs …')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('Could not install the GCS emulator; the gcs emulator tests will skip (or fail under CI=true).')
    process.exitCode = process.env.CI === 'true' ? 1 : 0
  }
}
