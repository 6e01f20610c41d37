// The measured part of gcs-stream.bench.ts, in plain JavaScript on the built library (dist/), so the
// numbers are those of weir as shipped, without the TypeScript loader the bench runner uses.
// Usage: node bench/gcs-stream-measure.mjs <emulator url> <bucket> <total bytes> <chunk bytes>
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'

const [endpoint, bucket, totalArg, chunkArg] = process.argv.slice(2)
const TOTAL = Number(totalArg)
const CHUNK = Number(chunkArg)
const { builtinIo } = await import(new URL('../dist/plugin.js', import.meta.url).href)
const gcsIo = builtinIo.find((p) => p.type === 'gcs')

/** TOTAL bytes of varied data in CHUNK-sized Buffers (each stamped with its index), hashed as it goes. */
function source(hash) {
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

const log = { debug() {}, info() {}, warn() {}, error() {} }
const io = gcsIo.create({ bucket, prefix: 'bench', endpoint, projectId: 'demo-test' }, { cwd: process.cwd(), stateDir: '.weir', log })
const ctx = { signal: new AbortController().signal, log, output: { kind: 'any' } }
// Load the client library before measuring the start (a real run loads it once too).
await io.write({ pipeline: 'bench', runId: 'warmup', taskId: 't' }, Buffer.from('warm'), ctx)
let rssPeak = 0
let buffersPeak = 0
const sample = () => {
  const usage = process.memoryUsage()
  rssPeak = Math.max(rssPeak, usage.rss)
  buffersPeak = Math.max(buffersPeak, usage.heapUsed + usage.external)
}
const sampler = setInterval(sample, 50)
const startRss = process.memoryUsage().rss
const upHash = createHash('sha256')
const t0 = performance.now()
const ref = await io.write({ pipeline: 'bench', runId: 'r1', taskId: 'big' }, source(upHash), ctx)
const t1 = performance.now()
const uploadRssPeak = rssPeak
const downHash = createHash('sha256')
let received = 0
for await (const chunk of await io.read(ref, ctx)) {
  downHash.update(chunk)
  received += chunk.length
}
const t2 = performance.now()
clearInterval(sampler)
sample()
console.log(
  JSON.stringify({
    uploadMs: t1 - t0,
    downloadMs: t2 - t1,
    startRss,
    uploadRssPeak,
    rssPeak,
    buffersPeak,
    maxRss: process.resourceUsage().maxRSS * 1024,
    identical: upHash.digest('hex') === downHash.digest('hex') && received === TOTAL,
    received,
  }),
)
