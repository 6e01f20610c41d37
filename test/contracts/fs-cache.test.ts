import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { fsIo } from '../../src/plugins/io/fs/index.ts'
import { cacheIndexContract } from './cache-index.contract.ts'

const dir = mkdtempSync(join(tmpdir(), 'weir-fs-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const env = { cwd: dir, stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }
let n = 0
cacheIndexContract(async () => fsIo.create({ root: join(dir, `root-${++n}`) }, env))
