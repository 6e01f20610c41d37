/**
 * Where the JavaScript compiled from TypeScript handlers is kept (src/runtime/typescript-importer.ts):
 * in a folder of the project's, never in the machine's shared temporary folder, where anyone could
 * plant a compiled file that jiti would run as the handler. Through the built CLI (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, symlinkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { compiledCacheFolder } from '../../src/runtime/typescript-importer.ts'

const BIN = resolve('bin/weir.js')
let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weir-ts-cache-'))
})
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

/** A one-task project whose handler is TypeScript, and a temporary folder of its own for weir. */
function project(name: string, withNodeModules: boolean): { dir: string; temp: string } {
  const dir = join(root, name)
  mkdirSync(join(dir, 'handlers'), { recursive: true })
  if (withNodeModules) mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(dir, 'handlers/count.ts'), 'export function count(_inputs: unknown, ctx: { values: { set(k: string, v: number): void } }): void { ctx.values.set("n", 3) }\n')
  writeFileSync(join(dir, 'p.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  count:\n    handler: ./handlers/count.ts#count\n    values: { n: { type: integer } }\n')
  const temp = join(root, `${name}-tmp`)
  mkdirSync(temp)
  return { dir, temp }
}

function execute(dir: string, temp: string, runId: string, bin = BIN) {
  const { JITI_FS_CACHE: _, JITI_CACHE: __, ...env } = process.env
  const r = spawnSync(process.execPath, [bin, 'execute', '--spec', 'p.yaml', '--task', 'count', '--run-id', runId], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...env, TMPDIR: temp },
    timeout: 60_000,
  })
  return { code: r.status, stderr: r.stderr }
}

const values = (dir: string, runId: string): unknown => JSON.parse(readFileSync(join(dir, '.weir/data/p', runId, 'count/values.json'), 'utf8'))

describe('compiled TypeScript handlers are cached inside the project', () => {
  test('in <project>/node_modules/.cache/jiti, and nothing in the temporary folder', () => {
    const { dir, temp } = project('with-modules', true)
    const ran = execute(dir, temp, 'r1')
    expect(ran.code, ran.stderr).toBe(0)
    expect(values(dir, 'r1')).toEqual({ n: 3 })
    expect(readdirSync(join(dir, 'node_modules/.cache/jiti')).some((f) => f.startsWith('handlers-count.'))).toBe(true)
    expect(readdirSync(temp)).toEqual([])
  })

  test('without a node_modules folder (and weir not installed in one), nothing is cached anywhere', () => {
    const { dir, temp } = project('without-modules', false)
    const ran = execute(dir, temp, 'r1')
    expect(ran.code, ran.stderr).toBe(0)
    expect(values(dir, 'r1')).toEqual({ n: 3 })
    expect(readdirSync(temp)).toEqual([])
    expect(existsSync(join(dir, 'node_modules'))).toBe(false)
  })

  test('a compiled file planted in the shared temporary folder is not run', () => {
    const { dir, temp } = project('planted', false)
    // What jiti's default would read: compiled the way jiti compiles it, then given a payload.
    const jiti = createRequire(import.meta.url)('jiti') as typeof import('jiti')
    const handler = join(dir, 'handlers/count.ts')
    return jiti
      .createJiti(join(root, 'x.js'), { fsCache: join(temp, 'jiti'), interopDefault: false })
      .import(handler)
      .then(() => {
        const [file] = readdirSync(join(temp, 'jiti'))
        const planted = join(temp, 'jiti', file!)
        const mark = join(root, 'planted-ran')
        writeFileSync(planted, `require("node:fs").writeFileSync(${JSON.stringify(mark)}, "x");${readFileSync(planted, 'utf8')}`)
        const ran = execute(dir, temp, 'r1')
        expect(ran.code, ran.stderr).toBe(0)
        expect(existsSync(mark)).toBe(false)
      })
  })
})

describe('jiti itself is compiled with a code cache kept beside the built CLI', () => {
  /** A copy of the built CLI, so that its caches are this test's own. */
  let installs = 0
  function install(): { bin: string; dist: string } {
    const dir = join(root, `install-${++installs}`)
    for (const part of ['bin', 'dist', 'package.json']) cpSync(resolve(part), join(dir, part), { recursive: true })
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
    for (const file of jitiCaches(join(dir, 'dist/cli'))) rmSync(join(dir, 'dist/cli', file))
    return { bin: join(dir, 'bin/weir.js'), dist: join(dir, 'dist/cli') }
  }
  const jitiCaches = (dist: string): string[] => readdirSync(dist).filter((f) => f.startsWith('jiti-') && f.endsWith('.v8-cache'))

  test('the first TypeScript handler leaves the cache; a damaged one is ignored and replaced', () => {
    const { bin, dist } = install()
    const { dir, temp } = project('code-cache', true)
    expect(jitiCaches(dist)).toEqual([])
    expect(execute(dir, temp, 'r1', bin).code).toBe(0)
    const [cache] = jitiCaches(dist)
    expect(cache).toBeDefined()
    const made = readFileSync(join(dist, cache!))
    // Garbage of the same length: the checksum refuses it, jiti compiles from source, the run is the same.
    writeFileSync(join(dist, cache!), Buffer.alloc(made.length, 7))
    const ran = execute(dir, temp, 'r2', bin)
    expect(ran.code, ran.stderr).toBe(0)
    expect(values(dir, 'r2')).toEqual({ n: 3 })
    expect(readFileSync(join(dist, cache!)).equals(Buffer.alloc(made.length, 7))).toBe(false)
    expect(jitiCaches(dist)).toEqual([cache])
  })

  test('so is a task process the subprocess executor starts (the plan entry of weir execute)', () => {
    const { bin, dist } = install()
    const { dir, temp } = project('code-cache-subprocess', true)
    const r = spawnSync(process.execPath, [bin, 'run', 'p.yaml', '--executor', 'subprocess', '--state-dir', join(temp, 'state')], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(jitiCaches(dist)).toHaveLength(1)
  })
})

describe('compiledCacheFolder', () => {
  test('the project node_modules first, then the node_modules weir is installed in, else none', () => {
    const { dir } = project('folders', true)
    expect(compiledCacheFolder(dir, '/srv/app/node_modules/weir-pipelines/dist/cli/execute.cjs')).toBe(join(dir, 'node_modules/.cache/jiti'))
    const bare = project('folders-bare', false).dir
    expect(compiledCacheFolder(bare, '/srv/app/node_modules/weir-pipelines/dist/cli/execute.cjs')).toBe('/srv/app/node_modules/.cache/jiti')
    expect(compiledCacheFolder(bare, '/home/me/weir/dist/cli/execute.cjs')).toBe(false)
  })
})
