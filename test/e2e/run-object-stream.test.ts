/**
 * A handler that returns a stream of objects (`Readable.from([{ a: 1 }])`) fails its own task with
 * IO_UNSUPPORTED_VALUE; the run goes on with the other tasks. It used to end the whole `weir run`
 * process with Node's stack trace (a byte-mode Writable throws from inside the stream's 'data'
 * event), killing every task running beside it, and was a misleading HANDLER_EXIT in a subprocess.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-object-stream-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}\n')
  await writeFile(
    join(project, 'h.js'),
    `import { Readable } from 'node:stream'
export const objects = () => Readable.from([{ a: 1 }, { b: 2 }])
export const text = () => Readable.from(['a', 'b'])
export const slow = () => new Promise((done) => setTimeout(() => done('ok'), 200))
`,
  )
  await writeFile(
    join(project, 'p.yaml'),
    `apiVersion: weir/v1
kind: Pipeline
name: object_stream
defaults: { retries: 0 }
tasks:
  objects: { handler: ./h.js#objects }
  text: { handler: ./h.js#text }
  slow: { handler: ./h.js#slow }
`,
  )
})
afterAll(() => rm(project, { recursive: true, force: true }))

describe.each(['inprocess', 'subprocess'])('a stream of objects, %s executor', (executor) => {
  test('fails its task with IO_UNSUPPORTED_VALUE; the tasks beside it succeed', () => {
    const result = spawnSync(process.execPath, [BIN, 'run', 'p.yaml', '--json', '--executor', executor, '--state-dir', `.weir-${executor}`], { cwd: project, encoding: 'utf8' })
    expect(result.stderr).not.toMatch(/ERR_INVALID_ARG_TYPE|\n\s+at /)
    expect(result.status).toBe(1)
    const summary = JSON.parse(result.stdout) as { status: string; tasks: Record<string, { status: string; error?: { code: string; message: string } }> }
    expect(summary.status).toBe('failed')
    expect(summary.tasks.objects).toMatchObject({ status: 'failed', error: { code: 'IO_UNSUPPORTED_VALUE', message: expect.stringContaining('emitted an object') } })
    expect(summary.tasks.text!.status).toBe('succeeded')
    expect(summary.tasks.slow!.status).toBe('succeeded')
  })
})
