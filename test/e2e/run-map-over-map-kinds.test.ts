/**
 * Map → map over outputs that are not JSON (docs/fan-out.md, docs/io-managers.md): item i of the
 * downstream map is item i's output as the IoManager reads it back, an Arrow Table for a table, a
 * Buffer for bytes, a Readable for a stream, in process and with `--executor subprocess` alike.
 * A retried item gets the output read again: a stream its first attempt consumed is whole again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

const HANDLERS = `
import { Readable } from 'node:stream'
export const rows = (inputs) => [{ id: inputs.n }, { id: inputs.n + 1 }]
export const describeTable = (inputs) => ({
  isTable: inputs.t?.constructor?.name === 'Table',
  numRows: inputs.t?.numRows ?? null,
  ids: typeof inputs.t?.getChild === 'function' ? Array.from(inputs.t.getChild('id').toArray(), Number) : null,
})
export const bytes = (inputs) => Buffer.from(inputs.s)
export const describeBytes = (inputs) => ({ isBuffer: Buffer.isBuffer(inputs.b), text: Buffer.isBuffer(inputs.b) ? inputs.b.toString() : null })
export const stream = (inputs) => Readable.from([Buffer.from(inputs.s), Buffer.from('!')])
export async function readStream(inputs, ctx) {
  const parts = []
  for await (const chunk of inputs.s) parts.push(chunk)
  // The first attempt consumes the stream and fails: the retry must get the whole output again.
  if (ctx.attempt === 1) throw new Error('first attempt fails after reading')
  return { isStream: typeof inputs.s.pipe === 'function', text: Buffer.concat(parts).toString(), attempt: ctx.attempt }
}
`

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: kinds
tasks:
  tables:
    handler: ./h.ts#rows
    foreach: [1, 10]
    inputs: { n: "\${{ item }}" }
    output: { type: table, columns: { id: int64 } }
  per_table:
    handler: ./h.ts#describeTable
    foreach: \${{ tasks.tables.output }}
    inputs: { t: "\${{ item }}" }
  bins:
    handler: ./h.ts#bytes
    foreach: [hi, ho]
    inputs: { s: "\${{ item }}" }
  per_bin:
    handler: ./h.ts#describeBytes
    foreach: \${{ tasks.bins.output }}
    inputs: { b: "\${{ item }}" }
  streams:
    handler: ./h.ts#stream
    foreach: [x, y]
    inputs: { s: "\${{ item }}" }
  per_stream:
    handler: ./h.ts#readStream
    foreach: \${{ tasks.streams.output }}
    inputs: { s: "\${{ item }}" }
    retries: { max: 1, delay: 0s }
`

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 300_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The stored JSON outputs of a mapped task's items, in item order. */
async function itemOutputs(stateDir: string, runId: string, task: string, count: number): Promise<unknown[]> {
  const folder = join(project, stateDir, 'data', 'kinds', runId, task, 'items')
  return Promise.all(Array.from({ length: count }, async (_, k) => JSON.parse(await readFile(join(folder, String(k), 'output.json'), 'utf8')) as unknown))
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-map-kinds-'))
  await writeFile(join(project, 'package.json'), '{"name":"e2e-map-kinds","type":"module"}')
  await writeFile(join(project, 'h.ts'), HANDLERS)
  await writeFile(join(project, 'kinds.yaml'), SPEC)
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('a map over a mapped task whose items output a table, bytes or a stream', () => {
  test.each(['inprocess', 'subprocess'])('with --executor %s, each item gets the Arrow Table, the Buffer or the Readable its upstream item stored', async (executor) => {
    const stateDir = `state-${executor}`
    const r = weir(['run', 'kinds.yaml', '--state-dir', stateDir, '--executor', executor, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const { runId } = JSON.parse(r.stdout) as { runId: string }
    expect(await itemOutputs(stateDir, runId, 'per_table', 2)).toEqual([
      { isTable: true, numRows: 2, ids: [1, 2] },
      { isTable: true, numRows: 2, ids: [10, 11] },
    ])
    expect(await itemOutputs(stateDir, runId, 'per_bin', 2)).toEqual([
      { isBuffer: true, text: 'hi' },
      { isBuffer: true, text: 'ho' },
    ])
    expect(await itemOutputs(stateDir, runId, 'per_stream', 2)).toEqual([
      { isStream: true, text: 'x!', attempt: 2 },
      { isStream: true, text: 'y!', attempt: 2 },
    ])
  }, 300_000)
})
