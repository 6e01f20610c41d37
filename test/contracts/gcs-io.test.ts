// The contract against the gcs IoManager's logic over an in-memory GcsClient (generations,
// preconditions). test/integration/gcs-emulator.test.ts runs the same contract against a real emulator.
import { createGcsIo } from '../../src/plugins/io/gcs/create-gcs-io.ts'
import { createMemoryGcsClient } from '../unit/io/memory-gcs-client.ts'
import { ioManagerContract } from './io-manager.contract.ts'

ioManagerContract(async () => ({
  io: await createGcsIo({ bucket: 'contract-bucket', prefix: 'weir' }, createMemoryGcsClient()),
  scheme: 'gs:',
  prefixFor: (name) => ({ prefix: `gs://other-bucket/${name}/`, uriStart: `gs://other-bucket/${name}` }),
}))
