// `npm run bench graph`: the cost of `weir graph`. Pure rendering (Pipeline → Mermaid text, and the
// whole HTML page with Mermaid inlined) for 100 to 10,000 tasks, then how long headless Chromium
// takes to draw the page (Mermaid's layout dominates) for 50 and 200 tasks. Chromium part skips
// with the reason when /usr/bin/chromium is missing.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { validateSpec } from '../src/spec/validate.ts'
import type { Pipeline } from '../src/spec/model.ts'
import { renderMermaid } from '../src/codegen/graph/render-mermaid.ts'
import { renderGraphHtml } from '../src/codegen/graph/render-html.ts'
import type { GraphRun } from '../src/codegen/graph/run-view.ts'
import type { Browser } from 'playwright-core'
import { CHROMIUM_PATH, chromiumMissing } from '../test/browser/chromium.ts'

/** A layered DAG: each task reads the output of one earlier task and `needs` another. */
async function pipelineOf(n: number): Promise<Pipeline> {
  let spec = 'apiVersion: weir/v1\nkind: Pipeline\nname: bench\ntasks:\n'
  for (let i = 0; i < n; i++) {
    spec += `  t${i}:\n    handler: ../handlers/h.ts#t${i}\n`
    if (i > 0) spec += `    inputs: { x: "\${{ tasks.t${Math.floor((i - 1) / 2)}.output }}" }\n`
    if (i > 2) spec += `    needs: [t${i - 3}]\n`
  }
  const { pipeline, diagnostics } = await validateSpec(spec, { path: '/bench/pipelines/bench.yaml', checkHandlers: false })
  if (!pipeline) throw new Error(JSON.stringify(diagnostics.slice(0, 3)))
  return pipeline
}

function runOf(pipeline: Pipeline): GraphRun {
  const tasks = Object.fromEntries(pipeline.order.map((id, i) => [id, { status: i % 9 === 4 ? 'failed' : 'succeeded', attempts: 1, durationMs: i * 13 } as const]))
  return { runId: 'bench', status: 'failed', tasks }
}

function timeMs(fn: () => unknown, repeats: number): number {
  fn()
  const start = performance.now()
  for (let i = 0; i < repeats; i++) fn()
  return (performance.now() - start) / repeats
}

const mermaidScript = readFileSync(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'), 'utf8')
console.log('tasks   mermaid text   html page   html size')
for (const n of [100, 1_000, 10_000]) {
  const pipeline = await pipelineOf(n)
  const run = runOf(pipeline)
  const repeats = n >= 10_000 ? 3 : 20
  const textMs = timeMs(() => renderMermaid(pipeline, { run }), repeats)
  const html = renderGraphHtml(pipeline, { mermaidScript, run })
  const htmlMs = timeMs(() => renderGraphHtml(pipeline, { mermaidScript, run }), repeats)
  console.log(`${String(n).padStart(6)} ${textMs.toFixed(2).padStart(11)} ms ${htmlMs.toFixed(2).padStart(8)} ms ${(html.length / 2 ** 20).toFixed(2).padStart(8)} MB`)
}

const missing = chromiumMissing()
if (missing) console.log(`\nbrowser drawing skipped: ${missing}`)
else {
  const dir = await mkdtemp(join(tmpdir(), 'weir-graph-bench-'))
  const browser = await launchChromium()
  try {
    console.log('\ntasks   drawn in Chromium (median of 3)')
    for (const n of [50, 200]) {
      const pipeline = await pipelineOf(n)
      const file = join(dir, `g${n}.html`)
      await writeFile(file, renderGraphHtml(pipeline, { mermaidScript, run: runOf(pipeline) }))
      const times: number[] = []
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage()
        const start = performance.now()
        await page.goto(pathToFileURL(file).href)
        await page.waitForSelector('body[data-rendered]', { timeout: 120_000 })
        times.push(performance.now() - start)
        await page.close()
      }
      times.sort((a, b) => a - b)
      console.log(`${String(n).padStart(6)} ${(times[1]! / 1000).toFixed(2).padStart(8)} s`)
    }
  } finally {
    await browser.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** playwright-core through a plain require: under `--import jiti/register` its lazy requires fail. */
async function launchChromium(): Promise<Browser> {
  const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
}
