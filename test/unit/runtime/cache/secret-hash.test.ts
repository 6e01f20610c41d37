/** How secrets enter cache keys (src/runtime/cache/secret-hash.ts): an HMAC under the state dir's key or WEIR_CACHE_SECRET_KEY. */
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { createSecretHasher } from '../../../../src/runtime/cache/secret-hash.ts'

const root = mkdtempSync(join(tmpdir(), 'weir-secret-hash-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('createSecretHasher', () => {
  test("hashes under the state dir's own key, made once (0600) and shared by every hasher of that state dir", async () => {
    const stateDir = join(root, 'state')
    const a = await createSecretHasher(stateDir, {}).hash('4711')
    const keyFile = join(stateDir, 'keys', 'cache-secret.key')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(a).toBe(createHmac('sha256', readFileSync(keyFile)).update('"4711"').digest('hex'))
    expect(await createSecretHasher(stateDir, {}).hash('4711')).toBe(a)
    expect(await createSecretHasher(join(root, 'other-state'), {}).hash('4711')).not.toBe(a)
  })

  test('WEIR_CACHE_SECRET_KEY decides when set, and no key file is made', async () => {
    const stateDir = join(root, 'env-state')
    const hash = await createSecretHasher(stateDir, { WEIR_CACHE_SECRET_KEY: 'shared' }).hash({ a: 1 })
    expect(hash).toBe(createHmac('sha256', 'shared').update('{"a":1}').digest('hex'))
    expect(() => statSync(join(stateDir, 'keys'))).toThrow()
  })

  test('a damaged key file is an error naming it, not a silent other key', async () => {
    const stateDir = join(root, 'damaged')
    mkdirSync(join(stateDir, 'keys'), { recursive: true })
    writeFileSync(join(stateDir, 'keys', 'cache-secret.key'), 'short')
    await expect(createSecretHasher(stateDir, {}).hash('x')).rejects.toThrow(/cache-secret key '.*cache-secret\.key' is damaged .* miss the cache once/)
  })

  test('read-only (a dry run, an explanation) makes no key: a throwaway one stands in until a run makes it, then that one is read', async () => {
    const stateDir = join(root, 'read-only')
    const first = await createSecretHasher(stateDir, {}, { readOnly: true }).hash('4711')
    expect(() => statSync(join(stateDir, 'keys'))).toThrow()
    expect(await createSecretHasher(stateDir, {}, { readOnly: true }).hash('4711')).not.toBe(first)
    const made = await createSecretHasher(stateDir, {}).hash('4711')
    expect(await createSecretHasher(stateDir, {}, { readOnly: true }).hash('4711')).toBe(made)
    // A state dir below a file: nothing to read, nothing written, no error.
    writeFileSync(join(root, 'a-file'), '')
    expect(await createSecretHasher(join(root, 'a-file', 'state'), {}, { readOnly: true }).hash('x')).toMatch(/^[0-9a-f]{64}$/)
  })
})
