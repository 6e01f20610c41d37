// The cache contract over the gcs IoManager's logic with an in-memory GcsClient (generations,
// `ifGenerationMatch: 0`); test/integration/gcs-emulator.test.ts runs it against the real emulator.
import { createGcsIo } from '../../src/plugins/io/gcs/create-gcs-io.ts'
import { createMemoryGcsClient } from '../unit/io/memory-gcs-client.ts'
import { cacheIndexContract } from './cache-index.contract.ts'

cacheIndexContract(async () => createGcsIo({ bucket: 'contract-bucket', prefix: 'weir' }, createMemoryGcsClient()), { foreignUri: 'gs://other-bucket/weir/contract/r1/extract/output.json' })
