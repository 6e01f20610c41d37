/**
 * The remote path with object storage, as on an engine: tasks run as separate `weir execute`
 * processes (the subprocess executor, and `weir execute` by hand) against a real GCS emulator on
 * 127.0.0.1, so outputs, outputs.json, values.json and error.json all live under gs:// prefixes.
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

const HANDLERS = `export const make = (_i, ctx) => { ctx.values.set('count', 2); return [1, 2] }
export const use = (inputs) => ({ rows: inputs.rows.length, count: inputs.count })
export const fatal = () => { throw Object.assign(new Error('bad input'), { code: 'NON_RETRYABLE' }) }
export async function busy(_i, ctx) { ctx.log.info('busy start'); while (true) {} }
export const inTimer = () => new Promise(() => setTimeout(() => { for (;;) {} }, 10))
`

describe.skipIf(missing !== undefined)(`weir execute with gs:// prefixes${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let emulator: GcsEmulator
  let project: string
  let bucket: string
  const spec = () => join(project, 'pipeline.yaml')

  beforeAll(async () => {
    useOfflineGoogleEnv()
    emulator = await startGcsEmulator()
    bucket = emulator.createBucket()
    project = await mkdtemp(join(tmpdir(), 'weir-execute-gcs-'))
    await writeFile(join(project, 'package.json'), '{ "name": "gcs-project", "type": "module" }\n')
    await writeFile(join(project, 'handlers.js'), HANDLERS)
    await writeFile(
      spec(),
      `apiVersion: weir/v1
kind: Pipeline
name: lake
io:
  default: { type: gcs, bucket: ${bucket}, prefix: weir, endpoint: "${emulator.url}", projectId: demo-test }
tasks:
  make:
    handler: ./handlers.js#make
    values: { count: { type: integer } }
  use:
    handler: ./handlers.js#use
    inputs: { rows: "\${{ tasks.make.output }}", count: "\${{ tasks.make.values.count }}" }
  fatal:
    handler: ./handlers.js#fatal
  busy:
    handler: ./handlers.js#busy
    timeout: 1s
    retries: { max: 2, onTimeout: false }
  in_timer:
    handler: ./handlers.js#inTimer
    timeout: 1s
    retries: { max: 2, onTimeout: false }
`,
    )
  })
  afterAll(async () => {
    await emulator?.stop()
    if (project) await rm(project, { recursive: true, force: true })
  })

  /**
   * Runs the CLI without blocking this process: the emulator is our child, and a synchronous spawn
   * would stop us draining its output pipes, which can stall it and so the CLI waiting on it.
   */
  const weir = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (status) => done({ status, stdout, stderr }))
    })

  async function readObject(name: string): Promise<unknown> {
    const client = createStorageGcsClient({ projectId: 'demo-test', bucket, credentials: { kind: 'none' }, endpoint: emulator.url })
    const signal = new AbortController().signal
    const stat = await client.stat(bucket, name, signal)
    if (!stat) return undefined
    const chunks: Buffer[] = []
    for await (const chunk of client.get(bucket, name, stat.generation, signal)) chunks.push(chunk as Buffer)
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  }

  test('the subprocess executor passes outputs and values between processes through the bucket', async () => {
    const r = await weir(['run', spec(), '--executor', 'subprocess', '--json', '--state-dir', join(project, '.state')])
    const result = JSON.parse(r.stdout) as { runId: string; tasks: Record<string, { status: string; output?: string }> }
    expect(result.tasks.use).toMatchObject({ status: 'succeeded', output: `gs://${bucket}/weir/lake/${result.runId}/use/output.json` })
    expect(await readObject(`weir/lake/${result.runId}/use/output.json`)).toEqual({ rows: 2, count: 2 })
    expect(await readObject(`weir/lake/${result.runId}/make/values.json`)).toEqual({ count: 2 })
    expect(await readObject(`weir/lake/${result.runId}/fatal/error.json`)).toMatchObject({ code: 'NON_RETRYABLE', recoverable: false, attempt: 1 })
  })

  test('weir execute by hand: a downstream task finds its inputs in the bucket; a non-recoverable error.json stops a retry', async () => {
    const prefix = `gs://${bucket}/by-hand/run-1`
    expect((await weir(['execute', '--spec', spec(), '--task', 'make', '--run-id', 'run-1', '--output-prefix', `${prefix}/make`])).status).toBe(0)
    expect((await weir(['execute', '--spec', spec(), '--task', 'use', '--run-id', 'run-1', '--output-prefix', `${prefix}/use`])).status).toBe(0)
    expect(await readObject('by-hand/run-1/use/output.json')).toEqual({ rows: 2, count: 2 })
    expect((await weir(['execute', '--spec', spec(), '--task', 'fatal', '--run-id', 'run-1', '--output-prefix', `${prefix}/fatal`])).status).toBe(3)
    const retry = await weir(['execute', '--spec', spec(), '--task', 'fatal', '--run-id', 'run-1', '--output-prefix', `${prefix}/fatal`])
    expect(retry.status).toBe(3)
    expect(retry.stderr).toContain('not trying again')
  })

  test('a handler that blocks the event loop past its timeout: the attempt is recorded in the bucket as TASK_TIMEOUT, and a retry stops at once', async () => {
    const prefix = `gs://${bucket}/blocked/run-2/busy`
    // Before, the process spun until killed from outside, and wrote nothing.
    const first = await weir(['execute', '--spec', spec(), '--task', 'busy', '--run-id', 'run-2', '--output-prefix', prefix])
    expect(first.status).toBe(3)
    expect(await readObject('blocked/run-2/busy/error.json')).toMatchObject({ code: 'TASK_TIMEOUT', recoverable: false, attempt: 1 })
    const retry = await weir(['execute', '--spec', spec(), '--task', 'busy', '--run-id', 'run-2', '--output-prefix', prefix])
    expect(retry.status).toBe(3)
    expect(retry.stderr).not.toContain('busy start')
  })

  test("blocked inside a timer's callback, the process still ends with the timeout's exit code (no error.json: a bucket cannot be written from there)", async () => {
    const r = await weir(['execute', '--spec', spec(), '--task', 'in_timer', '--run-id', 'run-3', '--output-prefix', `gs://${bucket}/blocked/run-3/in_timer`])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain("weir: execute: task 'in_timer': TASK_TIMEOUT:")
  })
})
