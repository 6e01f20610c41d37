import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll } from 'vitest'
import { fsIo } from '../../src/plugins/io/fs/index.ts'
import { ioManagerContract } from './io-manager.contract.ts'

const dir = mkdtempSync(join(tmpdir(), 'weir-fs-contract-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const env = { cwd: dir, stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }

ioManagerContract(async () => ({
  io: fsIo.create({}, env),
  scheme: 'file:',
  prefixFor: (name) => ({ prefix: `out/${name}`, uriStart: pathToFileURL(join(dir, 'out', name)).href }),
}))
