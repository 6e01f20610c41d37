/**
 * Caching end to end (issue 12): the built CLI runs an example twice (every cache-enabled task is
 * cached the second time), then a handler module is edited (only its tasks and their dependents run
 * again), with the in-process and the subprocess executor; --no-cache and --refresh.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'

const BIN = resolve('bin/weir.js')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-cache-e2e-'))
  dirs.push(dir)
  await mkdir(join(dir, 'handlers'))
  await writeFile(join(dir, 'package.json'), '{"name":"cache-e2e","type":"module"}')
  await writeFile(join(dir, 'handlers', 'lib.ts'), 'export const double = (n: number) => n * 2\n')
  await writeFile(join(dir, 'handlers', 'extract.ts'), 'export const extract = () => ({ rows: [1, 2, 3] })\n')
  await writeFile(
    join(dir, 'handlers', 'report.ts'),
    "import { double } from './lib.ts'\nexport const summarize = (i: { orders: { rows: number[] } }) => ({ total: double(i.orders.rows.reduce((a, b) => a + b, 0)) })\nexport const publish = (i: { s: unknown }) => ({ published: i.s })\n",
  )
  await writeFile(
    join(dir, 'p.yaml'),
    `apiVersion: weir/v1
kind: Pipeline
name: demo
defaults:
  cache: true
tasks:
  extract:
    handler: ./handlers/extract.ts#extract
  summarize:
    handler: ./handlers/report.ts#summarize
    inputs: { orders: "\${{ tasks.extract.output }}" }
  publish:
    handler: ./handlers/report.ts#publish
    inputs: { s: "\${{ tasks.summarize.output }}" }
  notify:
    handler: ./handlers/extract.ts#extract
    needs: [publish]
    cache: false
`,
  )
  return dir
}

interface Json {
  status: string
  runId: string
  tasks: Record<string, { status: string; cached?: boolean; cachedFrom?: { runId: string }; output?: string }>
}

function run(dir: string, ...args: string[]): Json {
  const r = spawnSync(process.execPath, [BIN, 'run', 'p.yaml', '--json', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Json
}
const cached = (result: Json) => Object.entries(result.tasks).filter(([, t]) => t.cached).map(([id]) => id).sort()

describe.each([[[]], [['--executor', 'subprocess']]])('weir run %j with cache: true', (executor: string[]) => {
  test('a second run hits every cache-enabled task; editing a helper re-runs only the tasks of its module and their dependents', async () => {
    const dir = await project()
    const first = run(dir, ...executor)
    expect(cached(first)).toEqual([])
    const second = run(dir, ...executor)
    expect(cached(second)).toEqual(['extract', 'publish', 'summarize'])
    expect(second.tasks.summarize!.cachedFrom!.runId).toBe(first.runId)
    expect(second.tasks.summarize!.output).toBe(first.tasks.summarize!.output)
    expect(second.tasks.notify!.status).toBe('succeeded')

    await writeFile(join(dir, 'handlers', 'lib.ts'), 'export const double = (n: number) => n * 3\n')
    const third = run(dir, ...executor)
    expect(cached(third)).toEqual(['extract'])
    expect(cached(run(dir, ...executor))).toEqual(['extract', 'publish', 'summarize'])
  }, 180_000)
})

test('--no-cache runs everything; --refresh re-runs one task, and its unchanged output lets the rest hit (early cutoff)', async () => {
  const dir = await project()
  run(dir)
  expect(cached(run(dir, '--no-cache'))).toEqual([])
  const refreshed = run(dir, '--refresh', 'extract')
  expect(cached(refreshed)).toEqual(['publish', 'summarize'])
  const r = spawnSync(process.execPath, [BIN, 'run', 'p.yaml', '--refresh', 'nope'], { cwd: dir, encoding: 'utf8' })
  expect(r.status).toBe(2)
  expect(r.stderr).toContain("--refresh names task 'nope'")
}, 120_000)

test('weir cache list shows the entries; clear removes entries of one task but keeps every output', async () => {
  const dir = await project()
  const first = run(dir)
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'cache', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  const listed = JSON.parse(cli('list', '--json').stdout) as { task: string; runId: string; output?: string }[]
  expect(listed.map((e) => e.task).sort()).toEqual(['extract', 'publish', 'summarize'])
  expect(listed.every((e) => e.runId === first.runId)).toBe(true)
  expect(JSON.parse(cli('list', 'p.yaml', '--task', 'extract', '--json').stdout)).toHaveLength(1)
  expect(JSON.parse(cli('list', '--older-than', '1d', '--json').stdout)).toEqual([])
  expect(JSON.parse(cli('clear', '--pipeline', 'demo', '--task', 'summarize', '--json').stdout)).toEqual({ removed: 1 })
  const output = first.tasks.summarize!.output!
  expect(existsSync(fileURLToPath(output))).toBe(true)
  expect(cached(run(dir))).toEqual(['extract', 'publish'])
  const bad = cli('list', '--older-than', 'forever')
  expect(bad.status).toBe(2)
  expect(bad.stderr).toContain("--older-than must be a duration")
}, 120_000)

test('a --pipeline or --task no spec could name is a usage error saying what names look like, not an internal error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-e2e-cache-names-'))
  dirs.push(dir)
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'cache', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  for (const args of [['list', '--pipeline', '../../x'], ['clear', '--pipeline', '..'], ['list', '--pipeline', 'a/b'], ['list', '--pipeline', ''], ['clear', '--pipeline', 'Daily']]) {
    const r = cli(...args)
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr: `weir: cache: --pipeline '${args[2]}' is not a pipeline name; names are lower case letters, digits and _, starting with a letter, at most 63 characters (e.g. 'daily_sales'), as in the spec's 'name:'.\n`,
    })
  }
  const task = cli('clear', '--pipeline', 'demo', '--task', '../x')
  expect(task.status).toBe(2)
  expect(task.stderr).toContain("--task '../x' is not a task id; ids are lower case letters")
}, 60_000)

test('--dry-run says which tasks would hit and why the others would run; --explain-cache names the changed file; the summary and runs show say cached', async () => {
  const dir = await project()
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  const before = cli('run', 'p.yaml', '--dry-run')
  expect(before.status, before.stderr).toBe(0)
  expect(before.stdout).toMatch(/▶ extract\s+run \(cache: new\)/)
  expect(before.stdout).toMatch(/▶ summarize\s+run \(cache: upstream\)/)
  expect(before.stdout).toMatch(/▶ notify\s+run after publish\n/)
  const first = run(dir)

  const again = cli('run', 'p.yaml', '--dry-run', '--json')
  const plan = JSON.parse(again.stdout) as { tasks: Record<string, { action: string; fromRunId?: string; cache?: string }> }
  expect(plan.tasks.summarize).toMatchObject({ action: 'cached', cache: 'hit', fromRunId: first.runId })
  expect(plan.tasks.notify).toEqual({ action: 'run' })

  const second = cli('run', 'p.yaml')
  expect(second.stdout).toMatch(new RegExp(`= summarize\\s+cached\\s+\\S+\\s+\\(from run ${first.runId}\\)`))
  expect(second.stdout).toMatch(/: 3 cached, 1 succeeded\./)
  const secondId = /Run (\S+) succeeded/.exec(second.stdout)![1]!
  expect(cli('runs', 'show', secondId).stdout).toContain(`summarize: cached from run ${first.runId}`)

  await writeFile(join(dir, 'handlers', 'lib.ts'), 'export const double = (n: number) => n * 3\n')
  const predicted = cli('run', 'p.yaml', '--dry-run', '--explain-cache', 'summarize')
  expect(predicted.stdout).toMatch(/= extract\s+cached/)
  expect(predicted.stdout).toMatch(/▶ summarize\s+run \(cache: code\)/)
  expect(predicted.stdout).toMatch(/▶ publish\s+run \(cache: upstream\)/)
  expect(predicted.stdout).toContain(`Cache of summarize: miss (changed): the key differs from the task's latest entry, made by run ${first.runId}`)
  expect(predicted.stdout).toMatch(/ {2}code {5}handlers\/lib\.ts changed/)

  const ran = cli('run', 'p.yaml', '--explain-cache', 'publish', '--explain-cache', 'extract')
  expect(ran.status, ran.stderr).toBe(0)
  expect(ran.stdout).toContain('Cache of publish (succeeded in run')
  expect(ran.stdout).toMatch(/ {2}inputs {3}input 's' changed \(reads the output of summarize\)/)
  expect(ran.stdout).toContain(`Cache of extract (cached in run`)
  expect(ran.stdout).toContain(`hit: the result of run ${first.runId} is reused`)
  const ranId = /Run (\S+) succeeded/.exec(ran.stdout)![1]!
  const later = cli('cache', 'explain', 'p.yaml', 'publish', '--run', 'latest')
  expect(later.status, later.stderr).toBe(0)
  expect(later.stdout).toContain(`Cache of publish (succeeded in run ${ranId})`)
  expect(later.stdout).toMatch(/ {2}code {5}handlers\/lib\.ts changed/)
  // Explained from the entry the run stored: editing the code afterwards does not change the answer.
  await writeFile(join(dir, 'handlers', 'lib.ts'), 'export const double = (n: number) => n * 4\n')
  expect(cli('cache', 'explain', 'p.yaml', 'publish', '--run', ranId).stdout).toBe(later.stdout)
  expect(cli('cache', 'explain', 'p.yaml', 'summarize', '--run', secondId).stdout).toContain(`hit: the result of run ${first.runId} is reused`)
  expect(cli('cache', 'explain', 'p.yaml', 'nope').status).toBe(2)
  const bad = cli('run', 'p.yaml', '--explain-cache', 'nope')
  expect(bad.status).toBe(2)
  expect(bad.stderr).toContain("--explain-cache names task 'nope'")
}, 180_000)

test('--explain-cache on a resume says a reused task was reused from the resumed run, not a cache hit (as runs show says)', async () => {
  const dir = await project()
  await writeFile(join(dir, 'handlers', 'load.ts'), "import { existsSync } from 'node:fs'\nexport const load = () => { if (existsSync('fail-now')) throw new Error('told to fail') }\n")
  await writeFile(
    join(dir, 'r.yaml'),
    'apiVersion: weir/v1\nkind: Pipeline\nname: resumed\ntasks:\n  clean:\n    handler: ./handlers/extract.ts#extract\n    cache: true\n  load:\n    handler: ./handlers/load.ts#load\n    needs: [clean]\n',
  )
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  const runId = (out: string) => /Run (\S+) (?:succeeded|failed)/.exec(out)![1]!
  const a = cli('run', 'r.yaml')
  expect(a.status, a.stderr).toBe(0)
  await writeFile(join(dir, 'fail-now'), '')
  const b = cli('run', 'r.yaml')
  expect(b.status).toBe(1)
  const bId = runId(b.stdout)
  await rm(join(dir, 'fail-now'))
  const c = cli('run', 'r.yaml', '--resume', bId, '--explain-cache', 'clean')
  expect(c.status, c.stderr).toBe(0)
  expect(cli('runs', 'show', runId(c.stdout)).stdout).toContain(`clean: succeeded (reused from run ${bId})`)
  expect(c.stdout).toContain(`Cache of clean (reused in run ${runId(c.stdout)}): not looked up: --resume reused the result of run ${bId}, not the cache's`)
  expect(c.stdout).not.toContain('hit:')
}, 180_000)

test('a cache on storage that cannot be reached (no credentials, a closed endpoint) is one line naming why, exit 1, not an internal error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-e2e-cache-gcs-'))
  dirs.push(dir)
  const spec = (name: string, io: string) =>
    `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\nio:\n  default: ${io}\ndefaults: { cache: true }\ntasks:\n  a:\n    handler: ./h.js#a\n`
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
  await writeFile(join(dir, 'h.js'), 'export const a = () => 1\n')
  await writeFile(join(dir, 'nocred.yaml'), spec('nocred', '{ type: gcs, bucket: acme-lake }'))
  await writeFile(join(dir, 'closed.yaml'), spec('closed', '{ type: gcs, bucket: acme-lake, endpoint: "http://127.0.0.1:9" }'))
  // No credentials anywhere, and never a metadata server (gcs-emulator.md).
  const env = { PATH: process.env.PATH, HOME: dir, CLOUDSDK_CONFIG: join(dir, 'gcloud'), GOOGLE_APPLICATION_CREDENTIALS: '', NO_COLOR: '1' }
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'cache', ...args], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 })
  for (const [file, says] of [['nocred.yaml', 'found no Google credentials'], ['closed.yaml', 'ECONNREFUSED']] as const) {
    const r = cli('list', file)
    expect(r.status, r.stderr).toBe(1)
    expect(r.stderr).toContain(says)
    expect(r.stderr).not.toContain('internal error')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  }
}, 90_000)

test('secret params and items enter keys as keyed hashes: hits in both executors from one state dir, no plain hash of a secret in any entry, another WEIR_CACHE_SECRET_KEY misses', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-e2e-cache-secret-'))
  dirs.push(dir)
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
  await writeFile(join(dir, 'h.js'), 'export const echo = (i) => ({ n: String(i.x).length })\n')
  await writeFile(
    join(dir, 's.yaml'),
    `apiVersion: weir/v1\nkind: Pipeline\nname: sec\nparams:\n  pin: { type: string, writeOnly: true }\n  pins: { type: array, items: { type: string }, writeOnly: true }\ndefaults: { cache: true }\ntasks:\n  one:\n    handler: ./h.js#echo\n    inputs: { x: "\${{ params.pin }}" }\n  each:\n    handler: ./h.js#echo\n    foreach: \${{ params.pins }}\n    inputs: { x: "\${{ item }}" }\n`,
  )
  const { stat, readdir, readFile } = await import('node:fs/promises')
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.WEIR_CACHE_SECRET_KEY
  const weir = (extraEnv: Record<string, string>, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'run', 's.yaml', '--json', '--param', 'pin=4711', '--param', 'pins=["0815","1234"]', ...args], { cwd: dir, encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 120_000 })
    expect(r.status, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as Json
  }
  const first = weir({})
  expect(cached(first)).toEqual([])
  for (const executor of [[], ['--executor', 'subprocess']]) {
    const again = weir({}, ...executor)
    expect(cached(again), JSON.stringify(executor)).toContain('one')
    // Both items of the secret list hit too (the journal says which item results came from the cache).
    const journal = await readFile(join(dir, '.weir', 'runs', again.runId, 'journal.jsonl'), 'utf8')
    expect(journal.split('\n').filter((l) => l.includes('"e":"isucceed"') && l.includes('"cached"')), JSON.stringify(executor)).toHaveLength(2)
  }
  // The key is the state dir's, private to its owner.
  expect((await stat(join(dir, '.weir', 'keys', 'cache-secret.key'))).mode & 0o777).toBe(0o600)
  // No entry holds a hash anyone could compute from a guess of a secret.
  const { createHash } = await import('node:crypto')
  const sha = (text: string) => createHash('sha256').update(text).digest('hex')
  const guesses = ['"4711"', '"0815"', '"1234"'].flatMap((json) => [sha(json), sha(`{"secret":"${sha(json)}"}`)])
  const entries: string[] = []
  const walk = async (folder: string): Promise<void> => {
    for (const e of await readdir(folder, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(folder, e.name))
      else if (folder.includes('_cache')) entries.push(await readFile(join(folder, e.name), 'utf8'))
    }
  }
  await walk(join(dir, '.weir'))
  expect(entries.length).toBeGreaterThan(0)
  for (const entry of entries) for (const guess of guesses) expect(entry).not.toContain(guess)
  // Another key: every secret key part differs, so nothing hits.
  expect(cached(weir({ WEIR_CACHE_SECRET_KEY: 'another-key' }))).toEqual([])
}, 180_000)
