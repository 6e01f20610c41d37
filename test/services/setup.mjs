// Installs what the full test command needs besides `npm ci`, when it is missing; `npm run check`
// and `npm run test:integration` run it first, and it does nothing when all is in place.
// - the GCS emulator package (test/services/gcs, firebase-tools pinned in its package-lock.json);
// - the Debian packages of apt-packages.sh (chromium, python3), when this user can install them
//   without a password (root, or `sudo -n`); otherwise it prints the one command to run.
// Tests whose service is still missing are skipped with the reason, and fail under CI=true.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
let problems = 0

if (!existsSync(`${here}gcs/node_modules/firebase-tools/package.json`)) {
  console.log('setup: installing the GCS emulator (firebase-tools) in test/services/gcs …')
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: `${here}gcs`, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('setup: could not install the GCS emulator; run `npm ci` in test/services/gcs. The gcs tests will be skipped (or fail under CI=true).')
    problems++
  }
}

const chromium = process.env.WEIR_CHROMIUM ?? '/usr/bin/chromium'
const missing = [...(existsSync(chromium) ? [] : ['chromium']), ...(spawnSync('python3', ['-c', '']).status === 0 ? [] : ['python3'])]
if (missing.length > 0 && process.platform === 'linux' && existsSync('/usr/bin/apt-get')) {
  const root = process.getuid?.() === 0
  if (root || spawnSync('sudo', ['-n', 'true']).status === 0) {
    console.log(`setup: installing ${missing.join(' and ')} (test/services/apt-packages.sh) …`)
    if (spawnSync(`${here}apt-packages.sh`, [], { stdio: 'inherit' }).status !== 0) problems++
  } else {
    console.error(`setup: ${missing.join(' and ')} missing; install with \`sudo test/services/apt-packages.sh\`. Their tests will be skipped (or fail under CI=true).`)
    problems++
  }
} else if (missing.length > 0) {
  console.error(`setup: ${missing.join(' and ')} missing (Chromium at ${chromium}, or set WEIR_CHROMIUM); their tests will be skipped (or fail under CI=true).`)
  problems++
}

// Locally the tests still run (and say what they skipped); CI wants everything.
process.exitCode = problems > 0 && process.env.CI === 'true' ? 1 : 0
