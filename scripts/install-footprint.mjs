// Measures what a user project gets from `npm install --omit=dev weir-pipelines`: packs this
// repository, installs the tarball into an empty project from the npm cache (no network; see
// offline-install.mjs) and prints the size of node_modules and the number of packages.
// Usage: node scripts/install-footprint.mjs [--keep]   (run `npm run build` first)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installTarballOffline } from './offline-install.mjs'

const repoDir = resolve(fileURLToPath(new URL('..', import.meta.url)))
if (!existsSync(join(repoDir, 'dist/cli/main.js'))) throw new Error('no dist/: run `npm run build` first')
const work = mkdtempSync(join(tmpdir(), 'weir-footprint-'))
try {
  const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repoDir, encoding: 'utf8' })
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`)
  const [info] = JSON.parse(packed.stdout)
  const projectDir = join(work, 'project')
  mkdirSync(projectDir)
  writeFileSync(join(projectDir, 'package.json'), '{ "name": "user-project", "version": "1.0.0", "private": true }\n')
  const installed = installTarballOffline({ repoDir, tarball: join(work, info.filename), projectDir, omitDev: true })
  if (installed.status !== 0) throw new Error(`npm ci --offline --omit=dev failed:\n${installed.stdout}${installed.stderr}`)
  const du = spawnSync('du', ['-sk', join(projectDir, 'node_modules')], { encoding: 'utf8' }).stdout
  const kb = Number(du.split('\t')[0])
  const hidden = JSON.parse(readFileSync(join(projectDir, 'node_modules/.package-lock.json'), 'utf8'))
  const count = Object.keys(hidden.packages).filter((location) => location.includes('node_modules/')).length
  console.log(`tarball ${info.filename}: ${(info.size / 1e6).toFixed(2)} MB packed, ${(info.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${info.entryCount} files`)
  console.log(`npm install --omit=dev: node_modules ${(kb / 1024).toFixed(1)} MB (du -sk), ${count} packages`)
  if (process.argv.includes('--keep')) console.log(`kept in ${projectDir}`)
} finally {
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true })
}
