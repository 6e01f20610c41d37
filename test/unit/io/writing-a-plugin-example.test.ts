// Runs the example plugin in docs/writing-a-plugin.md — the exact code block — through the shared
// IoManager contract, against a small object server on 127.0.0.1 (PUT visible only once complete).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe } from 'vitest'
import type { IoPlugin } from '../../../src/plugins/types.ts'
import { ioManagerContract } from '../../contracts/io-manager.contract.ts'

const docPath = fileURLToPath(new URL('../../../docs/writing-a-plugin.md', import.meta.url))
const pluginEntry = fileURLToPath(new URL('../../../src/plugin.ts', import.meta.url))

/** The ```ts block of the doc that starts with `// weir-io-http/src/index.ts`. */
function exampleSource(): string {
  const doc = readFileSync(docPath, 'utf8')
  const block = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.startsWith('// weir-io-http/src/index.ts'))
  if (!block) throw new Error('docs/writing-a-plugin.md lost its weir-io-http example block')
  return block.replaceAll("'weir-pipelines/plugin'", JSON.stringify(pluginEntry))
}

/** An object server: PUT collects the whole body before it becomes visible; GET, HEAD. */
function startObjectServer(): Promise<{ server: Server; url: string }> {
  const objects = new Map<string, Buffer>()
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    if (req.method === 'PUT') {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        objects.set(path, Buffer.concat(chunks))
        res.writeHead(201).end()
      })
      return
    }
    const body = objects.get(path)
    if (!body) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-length': body.length })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  )
}

const dir = mkdtempSync(join(tmpdir(), 'weir-plugin-example-'))
let server: Server
let url: string
let httpIo: IoPlugin<{ baseUrl: string }>
beforeAll(async () => {
  ;({ server, url } = await startObjectServer())
  const file = join(dir, 'weir-io-http.ts')
  writeFileSync(file, exampleSource())
  httpIo = ((await import(/* @vite-ignore */ file)) as { httpIo: IoPlugin<{ baseUrl: string }> }).httpIo
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

describe('the weir-io-http example plugin from docs/writing-a-plugin.md', () => {
  const env = { cwd: dir, stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }
  ioManagerContract(async () => ({
    io: httpIo.create({ baseUrl: `${url}/weir` }, env),
    scheme: 'http:',
    prefixFor: (name) => ({ prefix: `other/${name}`, uriStart: `${url}/weir/other/${name}` }),
  }))
})
