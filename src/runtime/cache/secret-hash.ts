/**
 * How a secret enters a cache key: an HMAC-SHA256 of its canonical JSON, never a plain hash. A cache
 * entry keeps its key's parts (`--explain-cache` says which changed), and an entry is a file anyone
 * who can read the cache folder or bucket can read: a plain SHA-256 of a short secret param (a PIN)
 * or of a secret list's item would be a guess tested offline in moments.
 *
 * The key is `WEIR_CACHE_SECRET_KEY` when set (any text; share it, from a secret store, between the
 * machines and engine tasks that should share hits of such tasks), else the state dir's own
 * `keys/cache-secret.key` (run-store/state-keys.ts), which every run and `weir execute` of that
 * state dir shares (the subprocess executor's children get the parent's). A task whose key cannot be
 * made (an unwritable state dir) is looked up no further: it runs, uncached.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { existingStateKey, stateKey } from '../run-store/state-keys.ts'
import { canonicalJson } from './canonical-json.ts'

export const CACHE_SECRET_KEY_ENV = 'WEIR_CACHE_SECRET_KEY'

/** Hashes secrets for cache keys: `hash` is the HMAC (hex) of a value's canonical JSON. */
export interface SecretHasher {
  hash(value: unknown): Promise<string>
}

/**
 * The hasher of a state dir's runs (the key is read or made on the first secret). `readOnly`: for
 * what must write nothing (`--dry-run`, `--explain-cache`, `weir cache explain`): a key that is not
 * there yet is not made; a throwaway key stands in, under which no entry can have been stored.
 */
export function createSecretHasher(stateDir: string, env: NodeJS.ProcessEnv = process.env, options: { readonly readOnly?: boolean } = {}): SecretHasher {
  let key: Promise<Buffer> | undefined
  const keyOf = async (): Promise<Buffer> => {
    const fromEnv = env[CACHE_SECRET_KEY_ENV]
    if (fromEnv) return Buffer.from(fromEnv, 'utf8')
    if (!options.readOnly) return stateKey(resolve(stateDir), 'cache-secret')
    return (await existingStateKey(resolve(stateDir), 'cache-secret')) ?? randomBytes(32)
  }
  return {
    async hash(value) {
      key ??= keyOf()
      return createHmac('sha256', await key)
        .update(canonicalJson(value))
        .digest('hex')
    },
  }
}
