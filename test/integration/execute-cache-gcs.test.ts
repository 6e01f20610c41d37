/**
 * Caching of mapped tasks under `weir execute` with a gcs IoManager (issues 11 and 12), against the
 * GCS emulator on 127.0.0.1: the cache index lives in the bucket beside the outputs, so the
 * subprocess executor and engine-style `weir execute` calls (another run id, fan-in read from the
 * items' outputs.json in the bucket) fill and hit the same entries, items and fan-in included.
 * Under CI=true a missing emulator fails this file; locally it is skipped with the reason.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createStorageGcsClient } from '../../src/plugins/io/gcs/storage-gcs-client.ts'
import { gcsEmulatorMissing, startGcsEmulator, useOfflineGoogleEnv, type GcsEmulator } from '../services/gcs/emulator.ts'

const missing = gcsEmulatorMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI=true and ${missing}`)
const BIN = resolve('bin/weir.js')

const HANDLERS = `export const perDay = (i) => ({ day: i.day, x: i.day * 10 })
export const along = (i) => ({ y: i.row.x + 1, i: i.i })
export const combine = (i) => i
`
const spec = (bucket: string, url: string, days: string) => `apiVersion: weir/v1
kind: Pipeline
name: lake_map
io:
  default: { type: gcs, bucket: ${bucket}, prefix: weir, endpoint: "${url}", projectId: demo-test }
defaults:
  cache: true
tasks:
  per_day:
    handler: ./handlers.js#perDay
    foreach: ${days}
    inputs: { day: "\${{ item }}" }
  along:
    handler: ./handlers.js#along
    foreach: \${{ tasks.per_day.output }}
    inputs: { row: "\${{ item }}", i: "\${{ item_index }}" }
  combine:
    handler: ./handlers.js#combine
    inputs: { days: "\${{ tasks.per_day.output }}", along: "\${{ tasks.along.output }}" }
`

describe.skipIf(missing !== undefined)(`cached mapped tasks with gs:// storage${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let emulator: GcsEmulator
  let project: string
  let bucket: string

  beforeAll(async () => {
    useOfflineGoogleEnv()
    emulator = await startGcsEmulator()
    bucket = emulator.createBucket()
    project = await mkdtemp(join(tmpdir(), 'weir-execute-cache-gcs-'))
    await writeFile(join(project, 'package.json'), '{ "name": "gcs-cache-project", "type": "module" }\n')
    await writeFile(join(project, 'handlers.js'), HANDLERS)
    await writeFile(join(project, 'p.yaml'), spec(bucket, emulator.url, '[1, 2, 3]'))
  })
  afterAll(async () => {
    await emulator?.stop()
    if (project) await rm(project, { recursive: true, force: true })
  })

  /** The CLI, without blocking this process (the emulator is our child and must keep draining its pipes). */
  const weir = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', CI: '1', WEIR_TASK_VALUE_DIR: join(project, 'values') }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (status) => done({ status, stdout, stderr }))
    })

  async function readObject(name: string): Promise<Record<string, unknown> | undefined> {
    const client = createStorageGcsClient({ projectId: 'demo-test', bucket, credentials: { kind: 'none' }, endpoint: emulator.url })
    const signal = new AbortController().signal
    const stat = await client.stat(bucket, name, signal)
    if (!stat) return undefined
    const chunks: Buffer[] = []
    for await (const chunk of client.get(bucket, name, stat.generation, signal)) chunks.push(chunk as Buffer)
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
  }

  /** Which items and tasks of a run were cache hits, from its record. */
  async function cachedIn(runId: string): Promise<Record<string, number[] | boolean>> {
    const shown = await weir(['runs', 'show', runId, '--json', '--state-dir', join(project, '.state')])
    const record = JSON.parse(shown.stdout) as { tasks: Record<string, { cachedFrom?: unknown; items?: { cachedFrom?: unknown }[] }> }
    const cached: Record<string, number[] | boolean> = {}
    for (const [id, t] of Object.entries(record.tasks)) cached[id] = t.items ? t.items.flatMap((item, i) => (item.cachedFrom ? [i] : [])) : t.cachedFrom !== undefined
    return cached
  }

  const run = async (): Promise<string> => {
    const r = await weir(['run', 'p.yaml', '--executor', 'subprocess', '--json', '--state-dir', join(project, '.state')])
    expect(r.status, r.stderr).toBe(0)
    return (JSON.parse(r.stdout) as { runId: string }).runId
  }

  test('the subprocess executor: a second run hits every item and the fan-in in the bucket; a changed item re-runs with its dependents; engine-style weir execute hits the same entries', async () => {
    const first = await run()
    expect(await cachedIn(first)).toEqual({ per_day: [], along: [], combine: false })
    const second = await run()
    expect(await cachedIn(second)).toEqual({ per_day: [0, 1, 2], along: [0, 1, 2], combine: true })
    expect(await readObject(`weir/lake_map/${second}/per_day/items/1/outputs.json`)).toMatchObject({ cachedFrom: { runId: first } })

    await writeFile(join(project, 'p.yaml'), spec(bucket, emulator.url, '[1, 2, 4]'))
    const third = await run()
    expect(await cachedIn(third)).toEqual({ per_day: [0, 1], along: [0, 1], combine: false })

    // An engine run (its own run id, no inputs.json): the list steps, each item, the fan-in from the items' outputs.json.
    const execute = (...args: string[]) => weir(['execute', '--spec', 'p.yaml', '--run-id', 'engine-1', '--state-dir', join(project, '.state'), ...args])
    for (const task of ['per_day', 'along']) {
      expect((await execute('--task', task, '--list-items')).status).toBe(0)
      for (const i of [0, 1, 2]) expect((await execute('--task', task, `--item-index=${i}`)).status).toBe(0)
    }
    expect((await execute('--task', 'combine')).status).toBe(0)
    for (const task of ['per_day', 'along'])
      for (const i of [0, 1, 2]) expect(await readObject(`weir/lake_map/engine-1/${task}/items/${i}/outputs.json`)).toMatchObject({ cachedFrom: { runId: i === 2 ? third : first } })
    const combine = await readObject('weir/lake_map/engine-1/combine/outputs.json')
    expect(combine).toMatchObject({ cachedFrom: { runId: third }, output: { uri: `gs://${bucket}/weir/lake_map/${third}/combine/output.json` } })
    expect(await readObject(`weir/lake_map/${third}/combine/output.json`)).toMatchObject({ days: [{ day: 1 }, { day: 2 }, { day: 4 }], along: [{ y: 11 }, { y: 21 }, { y: 41 }] })
  }, 300_000)
})
