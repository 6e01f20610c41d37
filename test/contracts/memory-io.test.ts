import { memoryIo } from '../../src/plugins/io/memory/index.ts'
import { ioManagerContract } from './io-manager.contract.ts'

const env = { cwd: process.cwd(), stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }

ioManagerContract(async () => ({
  io: memoryIo.create({}, env),
  scheme: 'memory:',
  prefixFor: (name) => ({ prefix: `memory://elsewhere/${name}`, uriStart: `memory://elsewhere/${name}` }),
}))
