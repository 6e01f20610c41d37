// `weir run` end to end with the gcs IoManager against the emulator: table (from row objects), JSON
// and stream outputs move between tasks through gs:// objects, in process and one process per task.
// Runs the built CLI (bin/weir.js → dist/; `npm run check` builds first).
import { execFile } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { gcsIo } from '../../src/plugins/io/gcs/index.ts'
import { gcsEmulatorMissing, offlineGoogleEnv, startGcsEmulator, useOfflineGoogleEnv, type GcsEmulator } from '../services/gcs/emulator.ts'
import { describeIfAvailable } from '../support/services.ts'

const missing = gcsEmulatorMissing()

const WEIR = fileURLToPath(new URL('../../bin/weir.js', import.meta.url))
const HANDLERS = `
import { Readable } from 'node:stream'
export const extract = () => [{ order_id: 1, amount: 1.5, country: 'DE' }, { order_id: 2, amount: 2.5, country: 'FR' }]
export function summarize({ orders }) {
  let total = 0
  for (const v of orders.getChild('amount')) total += v
  return { total, count: orders.numRows }
}
export const produce = () => Readable.from([Buffer.alloc(300000, 7), Buffer.from('end')])
export async function consume({ blob }) {
  let bytes = 0
  for await (const chunk of blob) bytes += chunk.length
  return { bytes }
}
`
const spec = (endpoint: string, bucket: string) => `apiVersion: weir/v1
kind: Pipeline
name: gcs_run
io:
  default: { type: gcs, bucket: ${bucket}, prefix: weir, endpoint: "${endpoint}", projectId: demo-test }
tasks:
  extract:
    handler: ../handlers/sales.js#extract
    output: { type: table, columns: { order_id: int64, amount: float64, country: string } }
  summarize:
    handler: ../handlers/sales.js#summarize
    inputs: { orders: "\${{ tasks.extract.output }}" }
  produce:
    handler: ../handlers/sales.js#produce
  consume:
    handler: ../handlers/sales.js#consume
    inputs: { blob: "\${{ tasks.produce.output }}" }
`

function runWeir(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [WEIR, ...args], { cwd, env: { ...process.env, ...offlineGoogleEnv, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  )
}

describeIfAvailable(missing)('weir run with the gcs IoManager', () => {
  let emulator: GcsEmulator
  const dir = mkdtempSync(join(tmpdir(), 'weir-gcs-run-'))
  beforeAll(async () => {
    useOfflineGoogleEnv()
    emulator = await startGcsEmulator()
    writeFileSync(join(dir, 'package.json'), '{ "name": "gcs-run", "type": "module" }\n')
    mkdirSync(join(dir, 'handlers'))
    mkdirSync(join(dir, 'pipelines'))
    writeFileSync(join(dir, 'handlers/sales.js'), HANDLERS)
  })
  afterAll(async () => {
    await emulator?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const executor of ['inprocess', 'subprocess']) {
    test(`moves tables, JSON and streams through gs:// objects (${executor})`, async () => {
      const bucket = emulator.createBucket()
      writeFileSync(join(dir, 'pipelines/run.yaml'), spec(emulator.url, bucket))
      const { code, stdout, stderr } = await runWeir(['run', 'pipelines/run.yaml', '--executor', executor, '--json'], dir)
      expect(stderr).not.toMatch(/Error/)
      expect(code).toBe(0)
      const result = JSON.parse(stdout) as { runId: string; tasks: Record<string, { status: string; output?: string }> }
      const base = `gs://${bucket}/weir/gcs_run/${result.runId}`
      expect(result.tasks).toMatchObject({
        extract: { status: 'succeeded', output: `${base}/extract/output.parquet` },
        summarize: { status: 'succeeded', output: `${base}/summarize/output.json` },
        produce: { status: 'succeeded', output: `${base}/produce/output.bin` },
        consume: { status: 'succeeded', output: `${base}/consume/output.json` },
      })
      const io = gcsIo.create({ bucket, endpoint: emulator.url, projectId: 'demo-test' }, { cwd: dir, stateDir: '.weir', log: console })
      const ctx = { signal: new AbortController().signal, log: console, output: { kind: 'any' } as const }
      expect(await io.read({ uri: result.tasks.summarize!.output!, format: 'json', io: 'gcs' }, ctx)).toEqual({ total: 4, count: 2 })
      expect(await io.read({ uri: result.tasks.consume!.output!, format: 'json', io: 'gcs' }, ctx)).toEqual({ bytes: 300003 })
    })
  }
})
