/**
 * The V8 code caches of `weir execute` and `weir spec validate` (dist/cli/*.v8-cache, see
 * src/cli/run-cached-bundle.ts) change how fast they start, never what they do: with no cache, a
 * damaged one, one V8 refuses or one made from another bundle, the commands give the same results,
 * and leave a whole cache for the next process. Each test works on its own copy of the built CLI
 * (bin/, dist/cli/, package.json; node_modules linked).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readCodeCache } from '../../src/cli/code-cache-file.ts'
import { codeCacheChecksum } from '../../src/cli/code-cache-checksum.ts'

let root: string
let n = 0

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weir-code-cache-'))
})
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

/** A copy of the built CLI and a one-task project beside it. */
function install(): { cli: string; dist: string; project: string } {
  const dir = join(root, `install-${++n}`)
  for (const part of ['bin', 'dist/cli', 'package.json']) cpSync(resolve(part), join(dir, part), { recursive: true })
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
  // Caches of processes with Node options, left in the repository's dist/ by other tests.
  for (const f of readdirSync(join(dir, 'dist/cli')).filter((f) => /\.o[0-9a-f]{8}\.v8-cache$/.test(f))) rmSync(join(dir, 'dist/cli', f))
  const project = join(dir, 'project')
  mkdirSync(join(project, 'handlers'), { recursive: true })
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(project, 'handlers/count.js'), 'export async function count(_inputs, ctx) { ctx.values.set("n", 3); return [1, 2, 3] }\n')
  writeFileSync(join(project, 'p.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  count:\n    handler: ./handlers/count.js#count\n    values: { n: { type: integer } }\n')
  return { cli: join(dir, 'bin/weir.js'), dist: join(dir, 'dist/cli'), project }
}

/** The caches of `entry`: one, for processes started without Node options, unless a test starts others. */
const caches = (dist: string, entry: string): string[] => readdirSync(dist).filter((f) => f.startsWith(`${entry}.bundle-`) && f.endsWith('.v8-cache'))
const cacheOf = (dist: string, entry: string): string => {
  const [file] = caches(dist, entry)
  if (!file) throw new Error(`no ${entry} cache in ${dist}`)
  return join(dist, file)
}

function weir(cli: string, cwd: string, args: string[], extraEnv: Record<string, string> = {}) {
  // These tests are about the full bundle's caches: a plan kept by the last `weir execute`
  // (src/cli/execute-plan-cache.ts) would send the next one to the plan bundle instead.
  const dist = join(cli, '../../dist/cli')
  for (const f of readdirSync(dist)) if (f.endsWith('.plans')) rmSync(join(dist, f), { recursive: true, force: true })
  const { NODE_OPTIONS: _, ...env } = process.env
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const execute = (cli: string, project: string, runId: string) => weir(cli, project, ['execute', '--spec', 'p.yaml', '--task', 'count', '--run-id', runId])
const values = (project: string, runId: string): unknown => JSON.parse(readFileSync(join(project, '.weir/data/p', runId, 'count/values.json'), 'utf8'))
/** `weir run` of p.yaml (its own state dir); what its --json report says of the task, and the task's stored output. */
function runOnce(cli: string, project: string): { code: number | null; stderr: string; status?: unknown; output?: unknown } {
  const r = weir(cli, project, ['run', 'p.yaml', '--state-dir', '.weir-run', '--json'])
  if (r.code !== 0) return { code: r.code, stderr: r.stderr }
  const report = JSON.parse(r.stdout) as { status: string; tasks: { count: { output: string } } }
  return { code: r.code, stderr: r.stderr, status: report.status, output: JSON.parse(readFileSync(new URL(report.tasks.count.output), 'utf8')) }
}

/** A cache file with a right checksum over data V8 must refuse. */
function checksummedGarbage(path: string): void {
  const data = Buffer.from('not V8 code cache data, but long enough to look like some '.repeat(40))
  writeFileSync(path, Buffer.concat([Buffer.from('weir code cache 2\n', 'latin1'), codeCacheChecksum(data)!, data]))
}

describe('the code caches of the dedicated entries', () => {
  test('the build leaves a cache for each entry, and a run with it gives the results', () => {
    const { cli, dist, project } = install()
    expect(caches(dist, 'execute')).toHaveLength(1)
    // The plan bundle of `weir execute` (test/e2e/execute-plan-entry.test.ts), warmed by a subprocess run.
    expect(caches(dist, 'execute-plan')).toHaveLength(1)
    expect(caches(dist, 'validate')).toHaveLength(1)
    expect(caches(dist, 'run')).toHaveLength(1)
    expect(execute(cli, project, 'r1')).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r1')).toEqual({ n: 3 })
    expect(weir(cli, project, ['spec', 'validate', 'p.yaml'])).toMatchObject({ code: 0, stdout: 'No problems (1 file checked).\n' })
    expect(runOnce(cli, project)).toEqual({ code: 0, stderr: '', status: 'succeeded', output: [1, 2, 3] })
  })

  test.each([
    ['missing', (path: string) => rmSync(path)],
    ['damaged (one byte flipped)', (path: string) => {
      const bytes = readFileSync(path)
      bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1)
      writeFileSync(path, bytes)
    }],
    ['truncated', (path: string) => writeFileSync(path, readFileSync(path).subarray(0, 1000))],
    ['refused by V8 (a right checksum over other data)', checksummedGarbage],
  ])('a cache that is %s changes nothing, and is replaced by a whole one', (_, spoil) => {
    const { cli, dist, project } = install()
    for (const entry of ['execute', 'validate', 'run']) spoil(cacheOf(dist, entry))
    const ran = execute(cli, project, 'r1')
    expect(ran).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r1')).toEqual({ n: 3 })
    expect(weir(cli, project, ['spec', 'validate', 'p.yaml'])).toMatchObject({ code: 0, stdout: 'No problems (1 file checked).\n', stderr: '' })
    expect(runOnce(cli, project)).toEqual({ code: 0, stderr: '', status: 'succeeded', output: [1, 2, 3] })
    for (const entry of ['execute', 'validate', 'run']) expect(readCodeCache(cacheOf(dist, entry)), entry).toBeDefined()
    expect(readdirSync(dist).filter((f) => f.endsWith('.tmp'))).toEqual([])
    // And the rewritten cache serves the next process.
    expect(execute(cli, project, 'r2')).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r2')).toEqual({ n: 3 })
  })

  test("another bundle's cache (whole, but made from other code) is refused: the command runs its own code", () => {
    const { cli, dist, project } = install()
    const executeCache = cacheOf(dist, 'execute')
    cpSync(cacheOf(dist, 'validate'), executeCache)
    expect(execute(cli, project, 'r1')).toMatchObject({ code: 0, stderr: '' })
    expect(values(project, 'r1')).toEqual({ n: 3 })
    expect(readFileSync(executeCache)).not.toEqual(readFileSync(cacheOf(dist, 'validate')))
  })

  test('the bundles are ASCII only (read as Latin-1), and text that is not ASCII still reads as written', () => {
    const { cli, dist, project } = install()
    const bundles = readdirSync(dist).filter((f) => /^(execute|execute-plan|validate|run)\.bundle-[0-9a-f]+\.cjs$/.test(f))
    expect(bundles).toHaveLength(4)
    for (const bundle of bundles) expect(readFileSync(join(dist, bundle)).every((byte) => byte < 0x80), bundle).toBe(true)
    // The refusal of a changed spec ends its hashes with '…' (U+2026), written as an escape in the bundle.
    const changed = weir(cli, project, ['execute', '--spec', 'p.yaml', '--task', 'count', '--run-id', 'r1'], { WEIR_SPEC_SHA256: 'f'.repeat(64) })
    expect(changed.code).toBe(2)
    expect(changed.stderr).toContain('the run validated ffffffffffff\u2026)')
  })

  test('execute --help does not load the bundle of the execute entry: the main entry prints it', () => {
    const { cli, dist, project } = install()
    cpSync(resolve('dist'), join(dist, '..'), { recursive: true })
    for (const f of readdirSync(dist).filter((f) => f.startsWith('execute.bundle-'))) rmSync(join(dist, f))
    for (const flag of ['--help', '-h']) {
      const r = weir(cli, project, ['execute', flag])
      expect(r).toMatchObject({ code: 0, stderr: '' })
      expect(r.stdout).toMatch(/^Usage: weir execute /)
    }
  })

  test('a process stopped by a usage error leaves no cache (it would hold a fraction of the command); the next whole run does', () => {
    const { cli, dist, project } = install()
    rmSync(cacheOf(dist, 'execute'))
    const usage = weir(cli, project, ['execute', '--spec', 'p.yaml', '--task', 'count'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--run-id is required')
    expect(caches(dist, 'execute')).toEqual([])
    expect(execute(cli, project, 'r1')).toMatchObject({ code: 0, stderr: '' })
    expect(readCodeCache(cacheOf(dist, 'execute'))).toBeDefined()
    // A task that fails (exit 1) ran the whole command: its process may leave the cache.
    rmSync(cacheOf(dist, 'execute'))
    writeFileSync(join(project, 'handlers/count.js'), 'export async function count() { throw new Error("no") }\n')
    expect(execute(cli, project, 'r2').code).toBe(1)
    expect(readCodeCache(cacheOf(dist, 'execute'))).toBeDefined()
  })

  test('a process started with Node options keeps a cache of its own and leaves the plain one as it was', () => {
    const { cli, dist, project } = install()
    const plain = cacheOf(dist, 'execute')
    const before = readFileSync(plain)
    // --max-old-space-size changes V8's flags, so V8 refuses the plain cache; one shared file would then
    // be rewritten by each process whose flags differ from the last one's.
    const bigHeap = { NODE_OPTIONS: '--max-old-space-size=4096' }
    for (const [runId, extraEnv] of [['r1', bigHeap], ['r2', {}], ['r3', bigHeap]] as const) {
      expect(weir(cli, project, ['execute', '--spec', 'p.yaml', '--task', 'count', '--run-id', runId], extraEnv)).toMatchObject({ code: 0, stderr: '' })
      expect(values(project, runId)).toEqual({ n: 3 })
    }
    expect(readFileSync(plain)).toEqual(before)
    const others = caches(dist, 'execute').filter((f) => join(dist, f) !== plain)
    expect(others).toHaveLength(1)
    const bigHeapCache = join(dist, others[0]!)
    const written = readFileSync(bigHeapCache)
    expect(readCodeCache(bigHeapCache)).toBeDefined()
    // r3 used r1's cache instead of writing one again; so does the next.
    expect(weir(cli, project, ['execute', '--spec', 'p.yaml', '--task', 'count', '--run-id', 'r4'], bigHeap).code).toBe(0)
    expect(readFileSync(bigHeapCache)).toEqual(written)
  })

  test('a bundle keeps its plain cache and at most three of processes with Node options: the oldest go', () => {
    const { cli, dist, project } = install()
    for (const [i, size] of [1024, 1025, 1026, 1027, 1028].entries()) {
      expect(weir(cli, project, ['execute', '--spec', 'p.yaml', '--task', 'count', '--run-id', `r${i}`], { NODE_OPTIONS: `--max-old-space-size=${size}` }).code).toBe(0)
    }
    expect(caches(dist, 'execute')).toHaveLength(4)
    expect(caches(dist, 'validate')).toHaveLength(1)
  })

  test('a run that changes V8 flags as it goes (a large spec: young-generation.ts) writes no cache under the name of the flags it started with', () => {
    const { cli, dist, project } = install()
    rmSync(cacheOf(dist, 'run'))
    const tasks = Array.from({ length: 9000 }, (_, i) => `  t${i}:\n    handler: ./handlers/count.js#count\n    description: ${'x'.repeat(40)}\n`).join('')
    writeFileSync(join(project, 'big.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: big\ntasks:\n${tasks}`)
    expect(readFileSync(join(project, 'big.yaml')).length).toBeGreaterThan(512 * 1024)
    expect(weir(cli, project, ['run', 'big.yaml', '--dry-run']).code).toBe(0)
    expect(caches(dist, 'run')).toEqual([])
    // A run of a small spec writes it, and the next keeps it (V8 took it).
    expect(runOnce(cli, project)).toMatchObject({ code: 0, status: 'succeeded' })
    const written = readFileSync(cacheOf(dist, 'run'))
    expect(runOnce(cli, project)).toMatchObject({ code: 0, status: 'succeeded' })
    expect(readFileSync(cacheOf(dist, 'run'))).toEqual(written)
  })

  test('the other commands run the main CommonJS entry, with a cache per command; codegen, init and --version the ES module one', () => {
    const { cli, dist, project } = install()
    cpSync(resolve('dist'), join(dist, '..'), { recursive: true })
    const mainCaches = (): string[] => caches(dist, 'main').map((f) => f.replace(/^main\.bundle-[0-9a-f]+\.cjs\./, '').replace(/\.v.*$/, '')).sort()
    // The build's warm-up ran `weir runs`; other tests may have run more through the repository's dist/.
    expect(mainCaches()).toContain('runs')
    for (const f of caches(dist, 'main')) rmSync(join(dist, f))
    expect(weir(cli, project, ['graph', 'p.yaml'])).toMatchObject({ code: 0, stderr: '' })
    expect(weir(cli, project, ['runs']).code).toBe(0)
    expect(weir(cli, project, ['run', '--help'])).toMatchObject({ code: 0, stderr: '' })
    // A usage error leaves no cache (run-cached-bundle.ts).
    expect(weir(cli, project, ['grpah', 'p.yaml']).stderr).toContain("did you mean 'graph'")
    expect(mainCaches()).toEqual(['graph', 'run', 'runs'])
    const types = weir(cli, project, ['codegen', 'p.yaml', '--out', 'gen'])
    expect(types).toMatchObject({ code: 0, stderr: '' })
    expect(weir(cli, project, ['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/)
    expect(weir(cli, project, ['help', 'codegen']).stdout).toMatch(/^Usage: weir codegen/)
    expect(weir(cli, project, ['spec', 'validate', 'p.yaml', '--typecheck'])).toMatchObject({ code: 0 })
    expect(mainCaches()).toEqual(['graph', 'run', 'runs'])
  })

  test('errors read the same with and without a cache', () => {
    const { cli, dist, project } = install()
    const bad = ['execute', '--spec', 'p.yaml', '--task', 'nope', '--run-id', 'r1']
    const withCache = weir(cli, project, bad)
    expect(withCache.code).toBe(2)
    rmSync(cacheOf(dist, 'execute'))
    expect(weir(cli, project, bad)).toEqual(withCache)
  })
})
