// `npm run bench ui`: weir ui's two costs that grow with a store and a pipeline.
// 1. The runs page with 10,000 runs in the store: server time per page (first request, which reads
//    every summary.json once, then warm pages, filtered pages and a deep page).
// 2. The DAG of a 1,000-task pipeline (2,000 edges) in headless Chromium: dagre's layout time in the
//    Web Worker, and navigation → graph drawn. Needs the built page (npm run build) and Chromium.
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { findSpecFiles } from '../src/cli/find-specs.ts'
import { builtinCatalog } from '../src/plugins/catalog.ts'
import { startUiServer } from '../src/ui/server/start-server.ts'
import { createRequire } from 'node:module'
import { CHROMIUM_PATH, chromiumMissing } from '../test/browser/chromium.ts'

const RUNS = 10_000
const TASKS = 1_000
const ASSETS = resolve('dist/ui')
if (!existsSync(join(ASSETS, 'app.js'))) throw new Error('bench ui needs the built page: run npm run build first')

const dir = await mkdtemp(join(tmpdir(), 'weir-ui-bench-'))
try {
  await mkdir(join(dir, 'pipelines'))
  await writeFile(join(dir, 'package.json'), '{"name":"bench","type":"module"}\n')
  await writeFile(join(dir, 'h.ts'), 'export const h = () => 1\n')
  // A dense layered DAG: every task reads one earlier task's output and needs another.
  let spec = 'apiVersion: weir/v1\nkind: Pipeline\nname: big\ntasks:\n'
  for (let i = 0; i < TASKS; i++) {
    spec += `  t${i}:\n    handler: ../h.ts#h\n`
    if (i > 0) spec += `    inputs: { x: "\${{ tasks.t${Math.floor(Math.random() * i)}.output }}" }\n`
    if (i > 1) spec += `    needs: [t${Math.floor(Math.random() * (i - 1))}]\n`
  }
  await writeFile(join(dir, 'pipelines', 'big.yaml'), spec)

  const runsDir = join(dir, '.weir', 'runs')
  await mkdir(runsDir, { recursive: true })
  const pipelines = ['orders', 'sales', 'export', 'alerts']
  const statuses = ['succeeded', 'failed', 'cancelled'] as const
  for (let i = 0; i < RUNS; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, RUNS - i) }, async (_, j) => {
        const n = i + j
        const startedAt = new Date(Date.UTC(2026, 0, 1) + n * 60_000)
        const runId = `${startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${n.toString(16).padStart(6, '0')}`
        const summary = { runId, pipeline: pipelines[n % 4], status: statuses[n % 3], trigger: n % 5 === 0 ? 'schedule' : 'manual', startedAt: startedAt.toISOString(), finishedAt: startedAt.toISOString(), durationMs: 1000, specHash: 'x', taskCounts: { succeeded: 3 } }
        await mkdir(join(runsDir, runId))
        await writeFile(join(runsDir, runId, 'summary.json'), JSON.stringify(summary))
      }),
    )
  }
  // The big pipeline's run: a header naming all its tasks, the first half succeeded.
  const bigRun = '20270101-000000-b16b16'
  const lines = [JSON.stringify({ e: 'run', v: 1, runId: bigRun, pipeline: 'big', specHash: 'x', sourcePath: 'p', params: {}, trigger: 'manual', tasks: Array.from({ length: TASKS }, (_, i) => `t${i}`), at: Date.now(), pid: 1, host: 'elsewhere' })]
  for (let i = 0; i < TASKS / 2; i++) lines.push(JSON.stringify({ e: 'start', task: `t${i}`, attempt: 1, at: Date.now() }), JSON.stringify({ e: 'succeed', task: `t${i}`, attempt: 1, at: Date.now() }))
  lines.push(JSON.stringify({ e: 'finish', status: 'failed', at: Date.now() }))
  await mkdir(join(runsDir, bigRun))
  await writeFile(join(runsDir, bigRun, 'journal.jsonl'), lines.join('\n') + '\n')

  const server = await startUiServer({ paths: ['pipelines'], findSpecFiles: (p) => findSpecFiles(p, 'ui'), plugins: builtinCatalog(), cwd: dir, assetsDir: ASSETS, weirCommand: [] })
  const time = async (path: string): Promise<number> => {
    const start = performance.now()
    const res = await fetch(new URL(path, server.url))
    await res.arrayBuffer()
    if (!res.ok) throw new Error(`${path}: ${res.status}`)
    return performance.now() - start
  }
  const median = async (path: string, n = 21): Promise<number> => {
    const times: number[] = []
    for (let i = 0; i < n; i++) times.push(await time(path))
    return times.sort((a, b) => a - b)[n >> 1]!
  }
  console.log(`runs page, ${RUNS + 1} runs in the store (server time per request, ms)`)
  console.log(`  first page, cold (reads every summary.json once)  ${(await time('/api/runs')).toFixed(1)}`)
  console.log(`  first page, warm (median of 21)                   ${(await median('/api/runs')).toFixed(1)}`)
  console.log(`  filtered: pipeline + status                       ${(await median('/api/runs?pipeline=orders&status=failed')).toFixed(1)}`)
  console.log(`  page 150 of 200                                   ${(await median('/api/runs?page=150')).toFixed(1)}`)

  const missing = chromiumMissing()
  if (missing) console.log(`\nDAG layout skipped: ${missing}`)
  else {
    // playwright-core through require: jiti's ESM loader cannot import it (as in graph.bench.ts).
    const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core')
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
    try {
      console.log(`\nDAG of ${TASKS} tasks, ${2 * TASKS - 3} edges, in Chromium (3 loads)`)
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
        const start = performance.now()
        await page.goto(new URL(`#/runs/${bigRun}`, server.url).href)
        await page.waitForSelector('body[data-dag-ready]', { timeout: 120_000 })
        const total = performance.now() - start
        const layoutMs = await page.getAttribute('body', 'data-layout-ms')
        console.log(`  layout in the worker ${layoutMs} ms · navigation → graph drawn ${total.toFixed(0)} ms`)
        await page.close()
      }
    } finally {
      await browser.close()
    }
  }
  await server.close()
} finally {
  await rm(dir, { recursive: true, force: true })
}
