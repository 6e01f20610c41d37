// `npm run bench gcs`: streams 1 GiB through the gcs IoManager into a real GCS emulator on 127.0.0.1
// and back, and reports throughput and this process's peak RSS (goal: under 200 MB; the emulator
// runs in its own process and is not counted). Skips with the reason when the emulator is missing.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { gcsIo } from '../src/plugins/io/gcs/index.ts'
import { gcsEmulatorMissing, startGcsEmulator, useOfflineGoogleEnv } from '../test/services/gcs/emulator.ts'

const TOTAL = 1024 * 2 ** 20
const CHUNK = 2 ** 20

const missing = gcsEmulatorMissing()
if (missing) {
  console.log(`skipped: ${missing}`)
  if (process.env.CI === 'true') process.exitCode = 1
} else {
  useOfflineGoogleEnv()
  const emulator = await startGcsEmulator()
  try {
    await run(emulator.url, emulator.createBucket())
  } finally {
    await emulator.stop()
  }
}

/** 1 GiB of varied bytes from one 1 MiB buffer (each chunk stamped with its index), hashed as it goes. */
function source(hash: ReturnType<typeof createHash>): Readable {
  const base = Buffer.alloc(CHUNK)
  for (let i = 0; i < CHUNK; i++) base[i] = (i * 31) & 0xff
  let sent = 0
  return new Readable({
    read() {
      if (sent >= TOTAL) return this.push(null)
      const chunk = Buffer.from(base)
      chunk.writeUInt32LE(sent / CHUNK, 0)
      hash.update(chunk)
      sent += CHUNK
      this.push(chunk)
    },
  })
}

async function run(endpoint: string, bucket: string): Promise<void> {
  const log = { debug() {}, info() {}, warn() {}, error() {} }
  const io = gcsIo.create({ bucket, prefix: 'bench', endpoint, projectId: 'demo-test' }, { cwd: process.cwd(), stateDir: '.weir', log })
  const ctx = { signal: new AbortController().signal, log, output: { kind: 'any' } as const }
  let sampledPeak = 0
  let buffersPeak = 0 // JS heap + memory outside it held by Buffers: what the stream itself holds
  const sampler = setInterval(() => {
    const usage = process.memoryUsage()
    sampledPeak = Math.max(sampledPeak, usage.rss)
    buffersPeak = Math.max(buffersPeak, usage.heapUsed + usage.external)
  }, 50)
  const startRss = process.memoryUsage().rss
  const upHash = createHash('sha256')
  const t0 = performance.now()
  const ref = await io.write({ pipeline: 'bench', runId: 'r1', taskId: 'big' }, source(upHash), ctx)
  const t1 = performance.now()
  const uploadPeak = sampledPeak
  sampledPeak = 0
  const downHash = createHash('sha256')
  let received = 0
  for await (const chunk of (await io.read(ref, ctx)) as Readable) {
    downHash.update(chunk as Buffer)
    received += (chunk as Buffer).length
  }
  const t2 = performance.now()
  clearInterval(sampler)
  const mib = (b: number) => (b / 2 ** 20).toFixed(0)
  const same = upHash.digest('hex') === downHash.digest('hex') && received === TOTAL
  console.log(`1 GiB stream through the gcs IoManager (emulator at ${endpoint})`)
  console.table({
    upload: { seconds: ((t1 - t0) / 1000).toFixed(1), 'MiB/s': (TOTAL / 2 ** 20 / ((t1 - t0) / 1000)).toFixed(0) },
    download: { seconds: ((t2 - t1) / 1000).toFixed(1), 'MiB/s': (TOTAL / 2 ** 20 / ((t2 - t1) / 1000)).toFixed(0) },
  })
  const peak = process.resourceUsage().maxRSS * 1024
  console.log(`peak JS heap + external buffers during the streams: ${mib(buffersPeak)} MiB`)
  console.log(`sampled peak RSS: upload ${mib(uploadPeak)} MiB, download ${mib(sampledPeak)} MiB`)
  console.log(`RSS at start ${mib(startRss)} MiB, process peak (maxRSS) ${mib(peak)} MiB; goal < 200 MB — ${peak < 200e6 ? 'met' : 'NOT met'}`)
  console.log(`content check (sha256, ${received} bytes): ${same ? 'identical' : 'DIFFERENT'}`)
  if (!same) process.exitCode = 1
}
