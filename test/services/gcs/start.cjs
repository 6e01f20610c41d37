// Starts firebase-tools' Cloud Storage emulator (Google's own code) in this process on 127.0.0.1.
// Usage: node start.cjs [port]  (port 0 or none: a free port from listen(0)).
// Prints one JSON line {"url":"http://127.0.0.1:PORT"} on stdout once it answers, then runs until
// stdin closes or SIGTERM. The internal paths below are why firebase-tools is pinned exactly.
'use strict'
const net = require('node:net')

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function main() {
  // Keep every Google library on this machine: no metadata server probes, a fixed project.
  process.env.GOOGLE_CLOUD_PROJECT ??= 'demo-test'
  process.env.GCE_METADATA_HOST ??= '127.0.0.1:1'
  process.env.GCE_METADATA_IP ??= '127.0.0.1:1'
  process.env.NO_GCE_CHECK ??= 'true'
  const { StorageEmulator } = require('firebase-tools/lib/emulator/storage/index.js')
  const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry.js')
  const port = Number(process.argv[2]) || (await freePort())
  const emulator = new StorageEmulator({ projectId: 'demo-test', host: '127.0.0.1', port, rules: [], auto_download: false })
  // Security rules need a Java runtime; the GCS JSON API does not use them.
  for (const part of [emulator._rulesRuntime, emulator._rulesManager]) {
    part.start = async () => {}
    part.stop = async () => {}
  }
  await EmulatorRegistry.start(emulator)
  const stop = async () => {
    try {
      await EmulatorRegistry.stop('storage')
    } finally {
      process.exit(0)
    }
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
}

main().catch((error) => {
  process.stderr.write(`gcs emulator failed to start: ${error?.stack ?? error}\n`)
  process.exit(1)
})
