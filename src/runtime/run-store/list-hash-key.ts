/**
 * The key of the keyed hash that identifies a secret foreach list in the journal (docs/fan-out.md,
 * "Events and the journal"). A mapped task over a secret (`writeOnly`) param journals an HMAC of its
 * list, never a plain hash: a plain SHA-256 of a short list would let anyone who reads the journal
 * or `runs show --json` confirm a guess of the secret. The key is 32 random bytes in
 * `<stateDir>/keys/list-hash.key` (mode 0600), made on first use and never written anywhere else,
 * so a resume from the same state dir gets the same hash for the same list and reuses its items.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { link, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

const KEY_BYTES = 32
const keys = new Map<string, Promise<Buffer>>()

/** The state dir's list-hash key, made if there is none (of concurrent makers, the first one's wins). */
export function listHashKey(stateDir: string): Promise<Buffer> {
  let key = keys.get(stateDir)
  if (!key) {
    key = readOrMakeKey(stateDir)
    key.catch(() => keys.delete(stateDir))
    keys.set(stateDir, key)
  }
  return key
}

async function readOrMakeKey(stateDir: string): Promise<Buffer> {
  const folder = join(stateDir, 'keys')
  const path = join(folder, 'list-hash.key')
  const existing = await readKey(path)
  if (existing) return existing
  await makeDirs(folder, 0o700)
  // Written whole beside the target, then linked into place: link fails if another process made
  // the key first, so no reader ever sees a partial key and every process ends up with the same one.
  const temp = join(folder, `.list-hash.key.${randomUUID()}.tmp`)
  await writeFile(temp, randomBytes(KEY_BYTES), { mode: 0o600 })
  try {
    await link(temp, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    await rm(temp, { force: true })
  }
  const made = await readKey(path)
  if (!made) throw new Error(`The list-hash key '${path}' is damaged (not ${KEY_BYTES} bytes); remove it, and resumes of earlier runs will run their secret maps' items again.`)
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
