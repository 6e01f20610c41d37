/** `weir runs` and `weir runs show` end to end, on a run store made by the built CLI. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-runs-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await mkdir(join(project, 'handlers'))
  await writeFile(
    join(project, 'handlers', 'h.ts'),
    `export const hello = (_i, ctx) => { ctx.log.info('hello from the handler'); return 'hi' }\nexport const boom = (_i, ctx) => { ctx.log.warn('about to fail'); throw new Error('boom at attempt ' + ctx.attempt) }\n`,
  )
  await writeFile(
    join(project, 'p.yaml'),
    `apiVersion: weir/v1\nkind: Pipeline\nname: history\ntasks:\n  hello:\n    handler: ./handlers/h.ts#hello\n  boom:\n    handler: ./handlers/h.ts#boom\n    needs: [hello]\n    retries: { max: 1, delay: 1ms }\n`,
  )
  expect(weir(['run', 'p.yaml']).code).toBe(1)
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('weir runs', () => {
  test('--json lists runs as [{runId, pipeline, status, trigger, startedAt}]', () => {
    const r = weir(['runs', '--json'])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as Record<string, unknown>[]
    expect(list).toHaveLength(1)
    expect(Object.keys(list[0]!).sort()).toEqual(['pipeline', 'runId', 'startedAt', 'status', 'trigger'])
    expect(list[0]).toMatchObject({ pipeline: 'history', status: 'failed', trigger: 'manual' })
    expect(new Date(list[0]!.startedAt as string).toISOString()).toBe(list[0]!.startedAt)
  })

  test('text lists one line per run', () => {
    const r = weir(['runs'])
    expect(r.stdout).toMatch(/^RUN ID\s+PIPELINE\s+STATUS\s+TRIGGER/)
    expect(r.stdout).toMatch(/history\s+failed\s+manual/)
  })

  test('show prints every attempt with its error and the task logs', () => {
    const [run] = JSON.parse(weir(['runs', '--json']).stdout) as { runId: string }[]
    const r = weir(['runs', 'show', run!.runId])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/attempt 1 {2}failed .*: HANDLER_ERROR \(user\): boom at attempt 1/)
    expect(r.stdout).toMatch(/attempt 2 {2}failed .*boom at attempt 2/)
    expect(r.stdout).toMatch(/│ .*\[attempt 1\] INFO  hello from the handler/)
    expect(r.stdout).toMatch(/│ .*\[attempt 2\] WARN  about to fail/)
    const json = JSON.parse(weir(['runs', 'show', run!.runId, '--json']).stdout) as { tasks: Record<string, { attempts: unknown[] }> }
    expect(json.tasks.boom!.attempts).toHaveLength(2)
  })

  test('an unknown run is a usage error', () => {
    const r = weir(['runs', 'show', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("no run 'nope'")
  })

  test('a --pipeline no spec could name, or a --limit that is not decimal digits, is a usage error', () => {
    for (const args of [['runs', '--pipeline', '../x'], ['runs', 'show', 'latest', '--pipeline', 'a/b']]) {
      const r = weir(args)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^weir: runs( show)?: --pipeline '[^']+' is not a pipeline name; names are lower case letters, digits and _/)
    }
    for (const limit of ['0', '1e3', '0x10', ' 5']) expect(weir(['runs', `--limit=${limit}`]).stderr).toBe(`weir: runs: --limit must be a whole number of 1 or more, not '${limit}'.\n`)
    expect(weir(['runs', 'show', 'latest', '--lines', '-5']).stderr).toBe("weir: runs: --lines needs a value (write a value that starts with '-' as --lines=-…); 'weir runs --help' lists the options.\n")
  })

  test('a --state-dir that is not a folder is a usage error; a missing one holds no runs yet', () => {
    for (const [args, command] of [[['runs'], 'runs'], [['runs', 'show', 'latest'], 'runs show'], [['runs', 'gc'], 'runs gc']] as const) {
      const file = weir([...args, '--state-dir', 'p.yaml'])
      expect(file.code).toBe(2)
      expect(file.stderr).toBe(`weir: ${command}: --state-dir 'p.yaml' is not a folder; pass the state dir your runs use (the default is .weir).\n`)
      const below = weir([...args, '--state-dir', 'p.yaml/sd'])
      expect(below.code).toBe(2)
      expect(below.stderr).toBe(`weir: ${command}: --state-dir 'p.yaml/sd' does not exist: a part of it before the end is a file, not a folder; pass the state dir your runs use (the default is .weir).\n`)
    }
    const missing = weir(['runs', '--state-dir', 'no-store-here'])
    expect(missing.code).toBe(0)
    expect(missing.stdout).toContain("No runs in 'no-store-here' yet")
  })

  // Last in the file: it adds a run of a second pipeline to the store.
  test("show latest is the newest run, or the newest of --pipeline's; none is a usage error", async () => {
    await writeFile(join(project, 'q.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: other\ntasks:\n  hello:\n    handler: ./handlers/h.ts#hello\n')
    expect(weir(['run', 'q.yaml']).code).toBe(0)
    const newest = JSON.parse(weir(['runs', 'show', 'latest', '--json']).stdout) as { pipeline: string; status: string }
    expect(newest).toMatchObject({ pipeline: 'other', status: 'succeeded' })
    const history = weir(['runs', 'show', 'latest', '--pipeline', 'history'])
    expect(history.code).toBe(0)
    expect(history.stdout).toMatch(/of history: failed/)
    const none = weir(['runs', 'show', 'latest', '--pipeline', 'absent'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("no runs of pipeline 'absent'")
    const empty = weir(['runs', 'show', 'latest', '--state-dir', 'no-store-here'])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain("no runs in 'no-store-here'")
  })
})

describe('weir runs gc', () => {
  test('removes a run folder whose journal never got its header, once an hour old, and says so', async () => {
    // What a process that died creating a run left: no command listed it, and gc kept it forever.
    const store = join(project, 'gc-store')
    const folder = join(store, 'runs', '20270101-000000-0dead0')
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, 'journal.jsonl'), '')
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    await utimes(join(folder, 'journal.jsonl'), twoHoursAgo, twoHoursAgo)
    await utimes(folder, twoHoursAgo, twoHoursAgo)
    expect(weir(['runs', '--state-dir', 'gc-store']).stdout).not.toContain('0dead0')
    const r = weir(['runs', 'gc', '--state-dir', 'gc-store'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(
      `removed ${join('gc-store', 'runs', '20270101-000000-0dead0')} (a run folder without a journal header: its process died creating it)\nRemoved 1 run folder without a journal header from 'gc-store'.\n`,
    )
    expect(existsSync(folder)).toBe(false)
  })
})
