// weir ui in headless Chromium: the runs page, a run started from another terminal changing colour
// live, a failed task's error and log, resume and cancel from the page, the params form's schema
// error, a cross-origin POST refused; no console errors and no request beyond 127.0.0.1 throughout.
// Needs the built CLI (npm run build): runs are real `weir run` processes.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { chromiumMissing, launchChromium } from './chromium.ts'
import { describeIfAvailable } from '../support/services.ts'
import { createUiProject, runOddities, runWeirSync, SECRET, startUi, startWeir, waitFor } from '../support/ui-project.ts'
import type { UiProject } from '../support/ui-project.ts'
import type { UiServer } from '../../src/ui/server/start-server.ts'
import { isProcessAlive } from '../../src/plugins/io/process-alive.ts'
import { loadRun } from '../../src/runtime/run-store/read-runs.ts'

// DOM types are not in this project's lib; the callbacks run in the page, so they reach it through globalThis (its CSP forbids string evaluation).
interface PageDocument {
  querySelector(s: string): { textContent: string | null } | null
  querySelectorAll(s: string): { length: number }
}

const ARTIFACTS = resolve(process.env.WEIR_TEST_ARTIFACTS ?? 'test/artifacts')

describeIfAvailable(chromiumMissing())('weir ui in headless Chromium', () => {
  let browser: Browser
  let project: UiProject
  let server: UiServer
  let failedRun: string
  const problems: string[] = []
  let expectRefusal = false

  beforeAll(async () => {
    project = await createUiProject()
    await writeFile(join(project.dir, 'FAIL_TRANSFORM'), '')
    const failed = runWeirSync(project.dir, ['run', 'pipelines/demo.yaml'])
    expect(failed.status, failed.output).toBe(1)
    failedRun = /run (\S+) of demo/.exec(failed.output)![1]!
    await rm(join(project.dir, 'FAIL_TRANSFORM'))
    // With an access token, as `weir ui` starts it: the first page load keeps it in a cookie, which every request of the page then carries.
    server = await startUi(project, undefined, 'browser-test-access-token-0123')
    browser = await launchChromium()
    await mkdir(ARTIFACTS, { recursive: true })
    await writeFile(join(ARTIFACTS, '.gitignore'), '*\n')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await project?.remove()
  })

  /** A page that records console errors, page errors and any request that is not to 127.0.0.1. */
  async function open(hash: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
    page.on('console', (m) => {
      // The params test submits a bad value on purpose: Chromium logs the server's 400 answer.
      if (expectRefusal && m.text().includes('status of 400')) return
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('request', (r) => {
      const url = new URL(r.url())
      if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:') problems.push(`request beyond 127.0.0.1: ${r.url()}`)
    })
    await page.goto(new URL(hash, server.url).href)
    return page
  }
  const nodeStatus = (page: Page, task: string): Promise<string | null> => page.getAttribute(`#dag g.node[data-task="${task}"]`, 'data-status')

  test('a run started in another terminal changes colour live', async () => {
    const before = new Set(await readdir(join(project.stateDir, 'runs')))
    const child = startWeir(project.dir, ['run', 'pipelines/demo.yaml'], { token: SECRET, delay_ms: 4000 })
    const runId = await waitFor(async () => (await readdir(join(project.stateDir, 'runs'))).find((n) => !before.has(n)), 'the run to appear')
    const page = await open(`#/runs/${runId}`)
    await page.waitForSelector('#dag g.node[data-task="extract"][data-status="running"]')
    await page.screenshot({ path: join(ARTIFACTS, 'ui-run-live.png') })
    await page.waitForSelector('#dag g.node[data-task="load"][data-status="succeeded"]', { timeout: 20_000 })
    expect(await nodeStatus(page, 'extract')).toBe('succeeded')
    expect(await page.getAttribute('section.run', 'data-status')).toBe('succeeded')
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r))
    await page.close()
  })

  test('the runs page lists the runs, newest first, and filters them; the pipelines page shows an invalid spec with its diagnostics', async () => {
    const page = await open('#/runs')
    await page.waitForSelector('#runs tbody tr')
    const rows = await page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-run')))
    expect(rows).toHaveLength(2)
    expect(rows[1]).toBe(failedRun)
    // The access token left the address bar (the page keeps it in its origin's storage) and is in no
    // cookie, which the browser would send to every port of 127.0.0.1.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false)
    expect(await page.context().cookies()).toEqual([])
    await page.selectOption('select[name=status]', 'failed')
    await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll('#runs tbody tr').length === 1)
    expect(await page.getAttribute('#runs tbody tr', 'data-run')).toBe(failedRun)
    await page.screenshot({ path: join(ARTIFACTS, 'ui-runs.png') })
    await page.goto(new URL('#/', server.url).href)
    await page.waitForSelector('#pipelines tbody tr')
    expect(await page.locator('#pipelines').innerText()).toContain('UNKNOWN_TASK')
    await page.screenshot({ path: join(ARTIFACTS, 'ui-pipelines.png') })
    await page.close()
  })

  test('clicking a failed task shows its error, stack and log; resuming from the page succeeds', async () => {
    const page = await open(`#/runs/${failedRun}`)
    await page.waitForSelector('#dag g.node[data-task="transform"][data-status="failed"]')
    await page.click('#dag g.node[data-task="transform"]')
    await page.waitForSelector('#task-panel[data-task="transform"]')
    expect(await page.locator('#task-panel .error-message').first().innerText()).toContain('HANDLER_ERROR (user): transform exploded on purpose')
    await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.querySelector('#task-log')?.textContent?.includes('transform exploded on purpose'))
    expect(await page.locator('#task-log').innerText()).toContain('[attempt 2]')
    await page.screenshot({ path: join(ARTIFACTS, 'ui-run-failed.png') })
    // The run did not record its secret: the resume asks for it again, in a password field.
    await page.click('#resume-run')
    const token = page.locator('.resume-form input[name=token]')
    expect(await token.getAttribute('type')).toBe('password')
    await token.fill(SECRET)
    await page.click('.resume-form button[type=submit]')
    await page.waitForFunction((id) => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith('#/runs/') && !(globalThis as unknown as { location: { hash: string } }).location.hash.endsWith(id), failedRun)
    await page.waitForSelector('section.run[data-status="succeeded"]', { timeout: 20_000 })
    expect(await nodeStatus(page, 'transform')).toBe('succeeded')
    expect(await page.locator('.run-head').innerText()).toContain(`resume of ${failedRun}`)
    expect(await page.content()).not.toContain(SECRET)
    await page.close()
  })

  test('the params form shows the schema error of a bad value; a long run started there is cancelled and its process exits', async () => {
    const page = await open('#/start/demo')
    await page.waitForSelector('form.params')
    expectRefusal = true
    await page.fill('input[name=delay_ms]', '-5')
    await page.fill('input[name=token]', SECRET)
    await page.click('form.params button[type=submit]')
    await page.waitForSelector('.field[data-param=delay_ms] .field-problem')
    expect(await page.locator('.field[data-param=delay_ms] .field-problem').innerText()).toMatch(/Param 'delay_ms' is invalid: value must be >= 0/)
    await page.screenshot({ path: join(ARTIFACTS, 'ui-params-error.png') })
    expectRefusal = false
    await page.fill('input[name=delay_ms]', '60000')
    await page.click('form.params button[type=submit]')
    await page.waitForSelector('#dag g.node[data-task="extract"][data-status="running"]', { timeout: 20_000 })
    const runId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!)
    const run = await loadRun(project.stateDir, runId)
    expect(run?.status).toBe('running')
    await page.click('#cancel-run')
    await page.waitForSelector('section.run[data-status="cancelled"]', { timeout: 20_000 })
    await waitFor(() => !isProcessAlive(run!.pid, hostname()), 'the weir run process to exit')
    expect(await nodeStatus(page, 'extract')).toBe('cancelled')
    await page.close()
  })

  test("a page opened with --open's one-time ticket gets the access token, and the ticket then serves no one else", async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const opened = server.openUrl()
    await page.goto(new URL('#/runs', opened).href)
    await page.waitForSelector('#runs tbody tr')
    expect(new URL(page.url()).searchParams.has('ticket')).toBe(false)
    await context.close()
    const again = await fetch(new URL('/api/access', opened), { method: 'POST', headers: { 'content-type': 'application/json', 'x-weir-token': server.csrfToken, 'x-weir-ticket': new URL(opened).searchParams.get('ticket')! }, body: '{}' })
    expect(again.status).toBe(401)
  })

  test('a page on another origin cannot start a run', async () => {
    const evil: Server = createServer((_req, res) => res.end('<!doctype html><title>evil</title>'))
    await new Promise<void>((done) => evil.listen(0, '127.0.0.1', done))
    try {
      const runsBefore = (await readdir(join(project.stateDir, 'runs'))).length
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`)
      const target = new URL('/api/runs', server.url).href
      const outcomes = await page.evaluate(async (url) => {
        const body = JSON.stringify({ pipeline: 'demo', params: { token: 'x' } })
        const tries = [
          fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }).then((r) => `no-cors ${r.type}`),
          fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => `cors ${r.status}`),
        ]
        return Promise.all(tries.map((t) => t.catch((e: Error) => `refused: ${e.message}`)))
      }, target)
      expect(outcomes[1]).toMatch(/refused/)
      await new Promise((r) => setTimeout(r, 500))
      expect((await readdir(join(project.stateDir, 'runs'))).length).toBe(runsBefore)
      await page.close()
    } finally {
      evil.close()
    }
  })

  test('a table preview shows columns named toJSON, __proto__ and constructor, NaN, dates and bytes; an output kept in memory says it is gone; a 100 KB log line is cut, not lost', async () => {
    const runId = await runOddities(project)
    const page = await open(`#/runs/${runId}`)
    await page.click('#dag g.node[data-task="odd_table"]')
    await page.waitForSelector('#output-preview table')
    const headers = await page.$$eval('#output-preview th', (ths) => ths.map((th) => th.firstChild?.textContent))
    expect(headers).toEqual(['toJSON', '__proto__', 'constructor', 'day', 'at', 'blob'])
    const rows = await page.$$eval('#output-preview tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)))
    expect(rows).toEqual([
      ['x', 'NaN', '9007199254740993', '2024-02-29', '2024-02-29T12:30:00.005Z', '00ff (2 bytes)'],
      ['y', '-Infinity', '', '1969-12-31', '1970-01-01T00:00:00.000Z', '(0 bytes)'],
    ])
    await page.click('#dag g.node[data-task="in_memory"]')
    await page.waitForSelector('#task-panel[data-task="in_memory"] #output-preview')
    // The panel is the task's at once; its preview comes with the answer of the server, a moment later.
    const gone = "held only in the memory of the run's own process: gone since that process ended"
    await page.waitForFunction((text) => (globalThis as unknown as { document: PageDocument }).document.querySelector('#output-preview')?.textContent?.includes(text), gone).catch(() => undefined)
    expect(await page.locator('#output-preview').innerText()).toContain(gone)
    // A log whose last line is 100 KB: the line before it, and the long one cut (it said "nothing logged").
    await page.click('#dag g.node[data-task="long_log"]')
    await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.querySelector('#task-log')?.textContent?.includes('[line cut: '))
    expect(await page.locator('#task-log').innerText()).toContain('first')
    await page.close()
  })

  test('a route that does not decode, or names no page, shows the not-found view (it was a blank page: URI malformed)', async () => {
    for (const hash of ['#/runs/%E0%A4%A', '#/start/%ZZ', '#/nope']) {
      const page = await open(hash)
      await page.waitForSelector('#not-found')
      expect(await page.locator('#not-found').innerText()).toContain(`No page at '${hash}'`)
      expect(await page.locator('header.top nav').innerText()).toContain('Runs')
      await page.close()
    }
  })

  test('no page logged an error or reached beyond 127.0.0.1', () => {
    expect(problems).toEqual([])
  })
})
