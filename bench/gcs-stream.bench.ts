// `npm run bench gcs`: streams 1 GiB through the gcs IoManager into a real GCS emulator on 127.0.0.1
// and back, and reports throughput and the peak RSS of the process doing it (goal: under 200 MB; the
// emulator runs in its own process and is not counted). The measured part runs on the built library
// (dist/, `npm run build`) in plain Node, in its own process (gcs-stream-measure.mjs). Skips with the
// reason when the emulator or the build is missing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gcsEmulatorMissing, offlineGoogleEnv, startGcsEmulator } from '../test/services/gcs/emulator.ts'

const TOTAL = 1024 * 2 ** 20
/** 64 KiB: what a file read stream hands out, a typical source for a large stream output. */
const CHUNK = 64 * 2 ** 10

const missing = gcsEmulatorMissing() ?? (existsSync(new URL('../dist/plugin.js', import.meta.url)) ? undefined : 'dist/ is not built: run `npm run build`')
if (missing) {
  console.log(`skipped: ${missing}`)
  if (process.env.CI === 'true') process.exitCode = 1
} else {
  const emulator = await startGcsEmulator()
  try {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('gcs-stream-measure.mjs', import.meta.url)), emulator.url, emulator.createBucket(), String(TOTAL), String(CHUNK)],
      { encoding: 'utf8', env: { ...process.env, ...offlineGoogleEnv } },
    )
    if (child.status !== 0) throw new Error(`measurement failed (exit ${child.status}):\n${child.stderr}`)
    report(JSON.parse(child.stdout.trim().split('\n').pop()!), emulator.url)
  } finally {
    await emulator.stop()
  }
}

interface Measurement {
  uploadMs: number
  downloadMs: number
  startRss: number
  uploadRssPeak: number
  rssPeak: number
  buffersPeak: number
  maxRss: number
  identical: boolean
  received: number
}

function report(m: Measurement, endpoint: string): void {
  const mib = (b: number) => (b / 2 ** 20).toFixed(0)
  const rate = (ms: number) => (TOTAL / 2 ** 20 / (ms / 1000)).toFixed(0)
  console.log(`1 GiB stream (${CHUNK / 1024} KiB chunks) through the gcs IoManager, emulator at ${endpoint}`)
  console.table({
    upload: { seconds: (m.uploadMs / 1000).toFixed(1), 'MiB/s': rate(m.uploadMs) },
    download: { seconds: (m.downloadMs / 1000).toFixed(1), 'MiB/s': rate(m.downloadMs) },
  })
  console.log(`RSS before the stream ${mib(m.startRss)} MiB; sampled peak: upload ${mib(m.uploadRssPeak)} MiB, overall ${mib(m.rssPeak)} MiB`)
  console.log(`peak JS heap + external buffers (live and not yet collected): ${mib(m.buffersPeak)} MiB`)
  console.log(`process peak (maxRSS) ${mib(m.maxRss)} MiB = ${(m.maxRss / 1e6).toFixed(0)} MB; goal < 200 MB — ${m.maxRss < 200e6 ? 'met' : 'NOT met'}`)
  console.log(`content check (sha256, ${m.received} bytes): ${m.identical ? 'identical' : 'DIFFERENT'}`)
  if (!m.identical) process.exitCode = 1
}
