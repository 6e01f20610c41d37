/**
 * `weir run … | head`: the reader closes the pipe after the first line. The run must still finish
 * (every task, the run store's summary) and exit with its own code, with no stack trace.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-closed-output-'))
  await writeFile(join(root, 'package.json'), '{ "name": "closed", "type": "module" }\n')
  await writeFile(join(root, 'handlers.js'), 'export const slow = () => new Promise((r) => setTimeout(() => r(1), 50))\n')
  let spec = 'apiVersion: weir/v1\nkind: Pipeline\nname: closed\ntasks:\n'
  for (let i = 0; i < 20; i++) spec += `  t${i}:\n    handler: ./handlers.js#slow\n${i ? `    needs: [t${i - 1}]\n` : ''}`
  await writeFile(join(root, 'closed.yaml'), spec)
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

describe('a reader that closes stdout early (weir run | head)', () => {
  test('the run still finishes and exits 0, with no stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'run', 'closed.yaml', '--state-dir', '.weir'], { cwd: root, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    // Like `head -1`: read the first chunk, then close our end of the pipe.
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(stderr).not.toMatch(/EPIPE|node:events|at .*\.js:\d+/)
    expect(code).toBe(0)
    const runs = readdirSync(join(root, '.weir', 'runs'))
    expect(runs).toHaveLength(1)
    expect(existsSync(join(root, '.weir', 'runs', runs[0]!, 'summary.json'))).toBe(true)
  })
})
