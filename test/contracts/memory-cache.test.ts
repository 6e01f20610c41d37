import { memoryIo } from '../../src/plugins/io/memory/index.ts'
import { cacheIndexContract } from './cache-index.contract.ts'

const env = { cwd: process.cwd(), stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }
cacheIndexContract(async () => memoryIo.create({}, env))
