import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { validateSpecFile } from '../../src/spec/validate.ts'
import { builtinCatalog } from '../../src/plugins/catalog.ts'
import { renderGraphHtml } from '../../src/codegen/graph/render-html.ts'
import type { HtmlOptions } from '../../src/codegen/graph/render-html.ts'
import type { Pipeline } from '../../src/spec/model.ts'
import type { GraphRun } from '../../src/codegen/graph/run-view.ts'
import { HOSTILE_SPEC, pipelineFrom } from '../unit/graph/pipeline-from.ts'
import { chromiumMissing, launchChromium } from './chromium.ts'
import { describeIfAvailable } from '../support/services.ts'

// Screenshots are kept for people to look at (CI can upload them). test/artifacts/ ignores itself
// (a '*' .gitignore inside it), so nothing there is ever committed.
const ARTIFACTS = resolve(process.env.WEIR_TEST_ARTIFACTS ?? 'test/artifacts')
const missing = chromiumMissing()

describeIfAvailable(missing)('the graph page in headless Chromium', () => {
  let browser: Browser
  let dir: string
  let mermaidScript: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-graph-page-'))
    mermaidScript = await readFile(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'), 'utf8')
    browser = await launchChromium()
    await mkdir(ARTIFACTS, { recursive: true })
    await writeFile(join(ARTIFACTS, '.gitignore'), '*\n')
  })
  afterAll(async () => {
    await browser?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  interface Opened {
    readonly page: Page
    readonly problems: string[]
  }

  /** Writes the page to a file, opens it, and waits until the boot script has drawn (or failed). */
  async function open(name: string, pipeline: Pipeline, options: Omit<HtmlOptions, 'mermaidScript'> = {}): Promise<Opened> {
    const file = join(dir, `${name}.html`)
    await writeFile(file, renderGraphHtml(pipeline, { mermaidScript, ...options }))
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`)
      void d.dismiss()
    })
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`)
    })
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-rendered]')
    expect(await page.getAttribute('body', 'data-rendered'), await page.locator('#graph').innerText()).toBe('true')
    return { page, problems }
  }

  async function dailySales(): Promise<Pipeline> {
    const { pipeline } = await validateSpecFile(resolve('pipelines/daily_sales.yaml'), { plugins: builtinCatalog() })
    if (!pipeline) throw new Error('pipelines/daily_sales.yaml should be valid')
    return pipeline
  }

  /** The text of each task's node label (line breaks as ' / '), by task id. */
  async function nodeTexts(page: Page): Promise<Record<string, string>> {
    return page.$$eval('#graph svg g.node', (nodes) =>
      Object.fromEntries(
        nodes.map((node) => {
          const id = /flowchart-t_(\w+)-\d+/.exec(node.id)?.[1] ?? node.id
          const label = node.querySelector('foreignObject div') as unknown as { innerText: string } | null
          return [id, (label?.innerText ?? '').split('\n').map((l: string) => l.trim()).filter(Boolean).join(' / ')]
        }),
      ),
    )
  }

  /** The fill colour of each task's node box, by task id. */
  async function nodeFills(page: Page): Promise<Record<string, string>> {
    return page.$$eval('#graph svg g.node', (nodes) =>
      Object.fromEntries(
        nodes.map((node) => {
          const id = /flowchart-t_(\w+)-\d+/.exec(node.id)?.[1] ?? node.id
          const shape = node.querySelector('rect, polygon, path')
          // DOM types are not in this project's lib; the callback runs in the page
          const style = (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle
          return [id, shape ? style(shape).fill : '']
        }),
      ),
    )
  }

  test('draws an SVG with one node per task and one arrow per dependency, without errors or network', async () => {
    const { page, problems } = await open('daily_sales', await dailySales())
    expect(await page.locator('#graph svg').count()).toBe(1)
    expect(await page.locator('#graph svg g.node').count()).toBe(4)
    expect(await page.locator('#graph svg .edgePaths path').count()).toBe(5)
    // A little wider than the box: shrunk to fit, with the button to see it at its natural size.
    expect(await page.locator('#graph.fit').count()).toBe(1)
    expect(await page.locator('#fit').innerText()).toBe('Actual size')
    expect(await nodeTexts(page)).toEqual({
      extract: 'extract / ../handlers/sales.ts#extract',
      summarize: 'summarize / ../handlers/sales.ts#summarize',
      publish: 'publish / ../handlers/sales.ts#publish',
      alert: 'alert / ../handlers/alerts.ts#notify / trigger: one_failed',
    })
    await page.screenshot({ path: join(ARTIFACTS, 'graph-daily_sales.png'), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })

  test('colours a failed run by status, so the failure reads at a glance', async () => {
    const run: GraphRun = {
      runId: 'run-20261122-0300',
      status: 'failed',
      startedAt: '2026-11-22T03:00:00.000Z',
      tasks: {
        extract: { status: 'succeeded', attempts: 1, durationMs: 1240 },
        summarize: { status: 'failed', attempts: 3, durationMs: 45_200, error: { code: 'HANDLER_ERROR', message: "Cannot read properties of undefined (reading 'amount')" } },
        publish: { status: 'skipped', attempts: 0, skipReason: 'upstream_failed' },
        alert: { status: 'succeeded', attempts: 1, durationMs: 35 },
      },
    }
    const { page, problems } = await open('daily_sales-failed-run', await dailySales(), { run })
    expect(await nodeFills(page)).toEqual({
      extract: 'rgb(220, 252, 231)',
      summarize: 'rgb(254, 226, 226)',
      publish: 'rgb(243, 244, 246)',
      alert: 'rgb(220, 252, 231)',
    })
    expect(await nodeTexts(page)).toMatchObject({
      summarize: 'summarize / ../handlers/sales.ts#summarize / failed · 3 attempts · 45s',
      publish: 'publish / ../handlers/sales.ts#publish / skipped (upstream failed)',
    })
    expect(await page.locator('#task-summarize').innerText()).toContain("Cannot read properties of undefined (reading 'amount')")
    expect(await page.locator('.run-status').innerText()).toMatch(/failed/i)
    await page.screenshot({ path: join(ARTIFACTS, 'graph-daily_sales-failed-run.png'), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })

  test('keeps a large graph readable: natural size, scrolled to the first failed task, with a fit button', async () => {
    let spec = 'apiVersion: weir/v1\nkind: Pipeline\nname: wide\ntasks:\n  t0: { handler: h.ts#t0 }\n'
    for (let i = 1; i < 40; i++) spec += `  t${i}: { handler: h.ts#t${i}, inputs: { x: "\${{ tasks.t${i - 1}.output }}" } }\n`
    const tasks = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`t${i}`, { status: i < 25 ? 'succeeded' : i === 25 ? 'failed' : 'skipped', attempts: i <= 25 ? 1 : 0 } as const]))
    const { page, problems } = await open('wide', await pipelineFrom(spec), { run: { runId: 'r-wide', tasks } })
    const fit = page.locator('#fit')
    expect(await fit.isVisible()).toBe(true)
    expect(await fit.innerText()).toBe('Fit to width')
    const inView = () =>
      page.$eval('#graph', (box) => {
        const b = box.getBoundingClientRect()
        const n = box.querySelector('g.node.st_failed')!.getBoundingClientRect()
        return n.left >= b.left && n.right <= b.right && n.top >= b.top && n.bottom <= b.bottom
      })
    expect(await inView()).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'graph-wide-failed-run.png') })
    await fit.click()
    expect(await page.locator('#graph.fit').count()).toBe(1)
    expect(await fit.innerText()).toBe('Actual size')
    expect(problems).toEqual([])
    await page.close()
  })

  test('shows hostile handler paths and descriptions as text and runs none of them', async () => {
    const { page, problems } = await open('hostile', await pipelineFrom(HOSTILE_SPEC))
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('#graph svg g.node').count()).toBe(2)
    expect((await nodeTexts(page)).end).toBe('end / ../h/x"]; click end call alert(1); A["<img src=x onerror=window.__pwned=3>.ts#run')
    expect(await page.locator('h1 + .description').innerText()).toContain('</script><script>window.__pwned = 1</script>')
    await page.screenshot({ path: join(ARTIFACTS, 'graph-hostile.png'), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })
})
