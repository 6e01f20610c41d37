/**
 * `weir run` when the run store cannot be written, end to end with the built CLI. The journal's
 * disk is "full" by a file size limit (`ulimit -f`, RLIMIT_FSIZE: a write past it is cut short and
 * the next one fails with EFBIG, as a full disk cuts and then fails with ENOSPC), which needs no root
 * and no disk to fill. The summary's write fails on a folder in its place.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
const ITEMS = 100
let project: string

/** Runs the CLI; with `limitKb`, under a file size limit of that many KB. */
function weir(args: string[], limitKb?: number) {
  const command = limitKb === undefined ? [process.execPath, BIN, ...args] : ['bash', '-c', `ulimit -f ${limitKb} && exec "$0" "$@"`, process.execPath, BIN, ...args]
  const r = spawnSync(command[0]!, command.slice(1), { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-store-full-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await writeFile(
    join(project, 'h.js'),
    `import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
export const first = () => {}
export async function item(inputs, ctx) {
  appendFileSync('items-' + ctx.runId, inputs.i + '\\n')
  await new Promise((r) => setTimeout(r, 2))
}
export const last = () => {}
export const blockSummary = (inputs, ctx) => { mkdirSync(join(inputs.stateDir, 'runs', ctx.runId, 'summary.json', 'in-the-way'), { recursive: true }) }
`,
  )
  await writeFile(
    join(project, 'full.yaml'),
    `apiVersion: weir/v1
kind: Pipeline
name: full
tasks:
  first:
    handler: ./h.js#first
  m:
    handler: ./h.js#item
    foreach: [${Array.from({ length: ITEMS }, (_, i) => i).join(', ')}]
    inputs: { i: "\${{ item }}" }
    needs: [first]
  last:
    handler: ./h.js#last
    needs: [m]
`,
  )
  await writeFile(
    join(project, 'summary.yaml'),
    `apiVersion: weir/v1
kind: Pipeline
name: summary
tasks:
  block:
    handler: ./h.js#blockSummary
    inputs: { stateDir: "\${{ params.state_dir }}" }
params:
  state_dir: { type: string }
`,
  )
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('weir run on a run store that cannot be written', () => {
  test('a journal write that fails stops the run at once, says so, exits 1, and the run resumes once it can be written', async () => {
    const r = weir(['run', 'full.yaml', '--state-dir', 'sd'], 4)
    expect(r.code).toBe(1)
    const runId = /^run (\S+) of full/m.exec(r.stdout)![1]!
    const journal = join('sd', 'runs', runId, 'journal.jsonl')
    expect(r.stderr).toContain(`weir: run: cannot write the run's journal '${journal}' (EFBIG: file too large, write); the run stops here`)
    expect(r.stderr).toContain(`then resume: weir run full.yaml --resume ${runId} --state-dir sd\n`)
    // Neither the map nor what follows it is reported as done or started.
    expect(r.stdout).not.toMatch(/m succeeded|last started/)
    expect(r.stdout).toMatch(/■ m\s+cancelled/)
    expect(r.stdout).toContain(`Run ${runId} failed`)
    expect(r.stdout).toContain(`Resume: weir run full.yaml --resume ${runId} --state-dir sd`)

    // The journal stops at the limit (a torn last line at worst), with no summary to contradict it.
    expect((await stat(join(project, journal))).size).toBe(4096)
    expect(await readdir(join(project, 'sd', 'runs', runId))).toEqual(['journal.jsonl'])
    expect(JSON.parse(weir(['runs', '--json', '--state-dir', 'sd']).stdout)).toEqual([expect.objectContaining({ runId, status: 'interrupted' })])
    const stored = JSON.parse(weir(['runs', 'show', runId, '--json', '--state-dir', 'sd']).stdout) as { tasks: Record<string, { status: string; items?: { status: string }[] }> }
    expect(stored.tasks.first!.status).toBe('succeeded')
    expect(stored.tasks.last!.status).toBe('pending')
    const recordedItems = stored.tasks.m!.items!.filter((item) => item.status === 'succeeded').length
    expect(recordedItems).toBeGreaterThan(0)
    expect(recordedItems).toBeLessThan(ITEMS)

    const resumed = weir(['run', 'full.yaml', '--state-dir', 'sd', '--resume', runId, '--json'])
    expect(resumed.code).toBe(0)
    const result = JSON.parse(resumed.stdout) as { runId: string; status: string; tasks: Record<string, { status: string; attempts: number }> }
    expect(result).toMatchObject({ status: 'succeeded', tasks: { first: { status: 'succeeded', attempts: 0 }, m: { status: 'succeeded' }, last: { status: 'succeeded' } } })
    // The items the journal had are reused; the others ran again.
    const ranAgain = (await readFile(join(project, `items-${result.runId}`), 'utf8')).trim().split('\n')
    expect(ranAgain).toHaveLength(ITEMS - recordedItems)
  })

  test('a summary that cannot be written is named, leaves no temp file, and the run still reports and exits as it went', async () => {
    const stateDir = join(project, 'sum')
    const r = weir(['run', 'summary.yaml', '--state-dir', stateDir, '--param', `state_dir=${stateDir}`])
    expect(r.code).toBe(0)
    const runId = /^run (\S+) of summary/m.exec(r.stdout)![1]!
    expect(r.stdout).toMatch(/✓ block\s+succeeded/)
    expect(r.stdout).toContain(`Run ${runId} succeeded`)
    expect(r.stderr).toMatch(new RegExp(`^weir: run: cannot write '${join('sum', 'runs', runId, 'summary.json')}' \\(EISDIR: .*\\); the run is recorded whole in its journal, which 'weir runs' reads instead\\.\\n$`))
    expect((await readdir(join(stateDir, 'runs', runId))).sort()).toEqual(['journal.jsonl', 'summary.json'])
    expect(JSON.parse(weir(['runs', '--json', '--state-dir', stateDir]).stdout)).toEqual([expect.objectContaining({ runId, status: 'succeeded' })])
  })
})
