import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { validateSpecFile } from '../../src/spec/validate.ts'
import { builtinCatalog } from '../../src/plugins/catalog.ts'
import { runPipeline } from '../../src/run-with-builtins.ts'

const WEIR = resolve('bin/weir.js')

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function weir(args: string[], cwd: string): Promise<Ran> {
  return new Promise((done) => {
    execFile(process.execPath, [WEIR, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: shop
tasks:
  load:
    handler: ../handlers.ts#load
  total:
    handler: ../handlers.ts#total
    inputs: { orders: "\${{ tasks.load.output }}" }
    retries: { max: 1, delay: 1ms }
  report:
    handler: ../handlers.ts#report
    inputs: { total: "\${{ tasks.total.output }}" }
  alert:
    handler: ../handlers.ts#alert
    needs: [total]
    trigger: one_failed
`

const HANDLERS = `export async function load() { return [1, 2, 3] }
export async function total() { throw new Error('the till is closed') }
export async function report() { return 'never' }
export async function alert() { return 'alerted' }
`

describe('weir graph', () => {
  let dir: string
  let runId: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-graph-e2e-'))
    await mkdir(join(dir, 'pipelines'))
    await writeFile(join(dir, 'package.json'), '{"name":"shop","private":true,"type":"module"}\n')
    await writeFile(join(dir, 'pipelines/shop.yaml'), SPEC)
    await writeFile(join(dir, 'handlers.ts'), HANDLERS)
    // A failed run in the store, made in-process so this test does not depend on `weir run`.
    const { pipeline, diagnostics } = await validateSpecFile(join(dir, 'pipelines/shop.yaml'), { plugins: builtinCatalog() })
    if (!pipeline) throw new Error(JSON.stringify(diagnostics))
    const result = await runPipeline(pipeline, { stateDir: join(dir, '.weir') })
    expect(result.status).toBe('failed')
    runId = result.runId
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('prints a Mermaid flowchart by default', async () => {
    const ran = await weir(['graph', 'pipelines/shop.yaml'], dir)
    expect(ran).toMatchObject({ code: 0, stderr: '' })
    expect(ran.stdout).toMatch(/^flowchart LR\n/)
    expect(ran.stdout).toContain('t_load --> t_total')
    expect(ran.stdout).toContain('t_total -.-> t_alert')
    expect(ran.stdout).toContain('<i>trigger: one_failed</i>')
  })

  test('colours the Mermaid text by the statuses of a run from the store', async () => {
    const ran = await weir(['graph', 'pipelines/shop.yaml', '--run', runId], dir)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('class t_load,t_alert st_succeeded')
    expect(ran.stdout).toContain('class t_total st_failed')
    expect(ran.stdout).toContain('class t_report st_skipped')
    expect(ran.stdout).toMatch(/t_total\[".*failed #183; 2 attempts #183; /)
  })

  test('writes one self-contained HTML page with --format html --out', async () => {
    const ran = await weir(['graph', 'pipelines/shop.yaml', '--format', 'html', '--out', 'out/graph.html', '--run', runId, '--state-dir', '.weir'], dir)
    expect(ran).toMatchObject({ code: 0, stderr: '' })
    expect(ran.stdout).toBe(`Wrote out/graph.html (html, 4 tasks, run ${runId}).\n`)
    const html = await readFile(join(dir, 'out/graph.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).not.toMatch(/<script[^>]+src=|<link\b/)
    expect(html).toContain('the till is closed')
    expect(html.length).toBeGreaterThan(1_000_000) // Mermaid is inlined
  })

  test("--run latest draws the newest run of the pipeline", async () => {
    const ran = await weir(['graph', 'pipelines/shop.yaml', '--run', 'latest'], dir)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('class t_total st_failed')
    const empty = await weir(['graph', 'pipelines/shop.yaml', '--run', 'latest', '--state-dir', 'nowhere'], dir)
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain("no runs of pipeline 'shop' in the run store")
  })

  test('exits 2 with a clear message for an unknown run id', async () => {
    const ran = await weir(['graph', 'pipelines/shop.yaml', '--run', 'no-such-run'], dir)
    expect(ran.code).toBe(2)
    expect(ran.stdout).toBe('')
    expect(ran.stderr).toBe(`weir: graph: no run 'no-such-run' in the run store '${join(dir, '.weir')}'; 'weir runs' lists the runs (or pass --state-dir).\n`)
  })

  test('exits 2 for a run of another pipeline', async () => {
    await writeFile(join(dir, 'pipelines/other.yaml'), SPEC.replace('name: shop', 'name: other'))
    const ran = await weir(['graph', 'pipelines/other.yaml', '--run', runId], dir)
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(`run '${runId}' is a run of pipeline 'shop', not 'other'`)
  })

  test('exits 2 for an invalid spec, showing its diagnostics', async () => {
    await writeFile(join(dir, 'pipelines/bad.yaml'), SPEC.replace('tasks.load.output', 'tasks.lod.output'))
    const ran = await weir(['graph', 'pipelines/bad.yaml'], dir)
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('UNKNOWN_TASK')
    expect(ran.stderr).toContain("weir: graph: 'pipelines/bad.yaml' is not a valid spec")
  })

  test('draws a spec whose handler module does not exist yet', async () => {
    await writeFile(join(dir, 'pipelines/draft.yaml'), SPEC.replace('name: shop', 'name: draft').replace('../handlers.ts#load', '../not-written-yet.ts#load'))
    const ran = await weir(['graph', 'pipelines/draft.yaml'], dir)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('../not-written-yet.ts#35;load')
  })

  test.each([
    [['graph'], /Usage: weir graph SPEC/],
    [['graph', 'pipelines/shop.yaml', '--format', 'svg'], /--format must be 'mermaid' or 'html', not 'svg'/],
    [['graph', 'pipelines/shop.yaml', '--colour'], /Unknown option '--colour'/],
    [['graph', 'a.yaml', 'b.yaml'], /pass one spec file, not 2/],
  ])('exits 2 for usage errors: %j', async (args, message) => {
    const ran = await weir(args, dir)
    expect(ran.code).toBe(2)
    expect(ran.stderr).toMatch(message)
  })
})
