// `npm run bench`: runs every bench/*.bench.ts (or a name given as argument) one after another,
// each in its own Node process so that start-up and memory numbers do not bleed into each other.
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const only = process.argv.slice(2)
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
let failed = 0
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const result = spawnSync(process.execPath, ['--import', 'jiti/register', `bench/${file}`], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exitCode = failed ? 1 : 0
