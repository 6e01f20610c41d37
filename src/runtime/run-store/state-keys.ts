/**
 * Keys of keyed hashes (HMAC) that stand for secrets where a plain hash would let a reader confirm a
 * guess: a plain SHA-256 of a short secret (a PIN, a word) is tested offline in moments.
 * - `list-hash`: a mapped task over a secret (`writeOnly`) param journals an HMAC of its list
 *   (docs/fan-out.md, "Events and the journal"), so a resume from the same state dir gets the same
 *   hash for the same list and reuses its items;
 * - `cache-secret`: a secret param or item enters a cache key as an HMAC (cache/secret-hash.ts).
 * Each is 32 random bytes in `<stateDir>/keys/<name>.key` (mode 0600, in a 0700 folder), made on
 * first use and never written anywhere else.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { link, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

export type StateKeyName = 'list-hash' | 'cache-secret'

/** What a process loses when a key is removed (said when one is found damaged). */
const LOSS: Record<StateKeyName, string> = {
  'list-hash': "resumes of earlier runs will run their secret maps' items again",
  'cache-secret': 'tasks with secret params or items will miss the cache once',
}

const KEY_BYTES = 32
const keys = new Map<string, Promise<Buffer>>()

/** The state dir's key `name`, made if there is none (of concurrent makers, the first one's wins). */
export function stateKey(stateDir: string, name: StateKeyName): Promise<Buffer> {
  const path = join(stateDir, 'keys', `${name}.key`)
  let key = keys.get(path)
  if (!key) {
    key = readOrMakeKey(path, name)
    key.catch(() => keys.delete(path))
    keys.set(path, key)
  }
  return key
}

/**
 * The state dir's key `name` as it stands, without making one: undefined when there is none (no
 * file, or a state dir that is no folder). For what must not write: a dry run, an explanation.
 */
export async function existingStateKey(stateDir: string, name: StateKeyName): Promise<Buffer | undefined> {
  try {
    return await readKey(join(stateDir, 'keys', `${name}.key`))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw error
  }
}

/** The state dir's list-hash key. */
export function listHashKey(stateDir: string): Promise<Buffer> {
  return stateKey(stateDir, 'list-hash')
}

async function readOrMakeKey(path: string, name: StateKeyName): Promise<Buffer> {
  const existing = await readKey(path)
  if (existing) return existing
  const folder = join(path, '..')
  await makeDirs(folder, 0o700)
  // Written whole beside the target, then linked into place: link fails if another process made
  // the key first, so no reader ever sees a partial key and every process ends up with the same one.
  const temp = join(folder, `.${name}.key.${randomUUID()}.tmp`)
  await writeFile(temp, randomBytes(KEY_BYTES), { mode: 0o600 })
  try {
    await link(temp, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    await rm(temp, { force: true })
  }
  const made = await readKey(path)
  if (!made) throw new Error(`The ${name} key '${path}' is damaged (not ${KEY_BYTES} bytes); remove it, and ${LOSS[name]}.`)
  return made
}

async function readKey(path: string): Promise<Buffer | undefined> {
  try {
    const key = await readFile(path)
    return key.length === KEY_BYTES ? key : undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
