/**
 * One scheduler per state dir. Two schedulers on one run store would both fire every schedule, so the
 * second one is refused. The lock is a file holding the holder's pid and start time; a lock left by a
 * process that died (kill -9, power loss) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { WeirError } from '../errors.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

/** What the lock file says about its holder. */
export interface LockInfo {
  readonly pid: number
  readonly host: string
  /** When the holder took the lock (ISO 8601). */
  readonly startedAt: string
  /** The holder's process start time from /proc (Linux), so a reused pid is not taken for the holder. */
  readonly processStart?: string
}

/** A held lock. */
export interface SchedulerLock {
  readonly path: string
  readonly info: LockInfo
  /** Deletes the lock file if it is still ours. */
  release(): Promise<void>
}

export interface AcquireOptions {
  readonly now: Date
  /** Whether the holder still runs. @default checks the pid (and its start time on Linux) */
  readonly isHolderAlive?: (info: LockInfo) => boolean
}

const ATTEMPTS = 5

/**
 * Takes the lock at `path`, or throws `SCHEDULER_LOCKED` naming the live holder. A stale lock (dead
 * holder, unreadable file) is removed and the lock taken.
 */
export async function acquireSchedulerLock(path: string, options: AcquireOptions): Promise<SchedulerLock> {
  const isAlive = options.isHolderAlive ?? isLockHolderAlive
  const processStart = readProcessStart(process.pid)
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: options.now.toISOString(), ...(processStart !== undefined && { processStart }) }
  const text = `${JSON.stringify(info)}\n`
  await makeDirs(dirname(path))
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(path, text)) return { path, info, release: () => releaseLock(path, text) }
    const existing = await readFile(path, 'utf8').catch(() => undefined)
    if (existing === undefined) continue // removed meanwhile: try again
    const holder = parseLock(existing)
    if (holder && isAlive(holder)) throw lockedError(path, holder)
    // Stale. Delete it only if nobody replaced it since we read it (two starters racing for one stale lock).
    const again = await readFile(path, 'utf8').catch(() => undefined)
    if (again === existing) await unlink(path).catch(() => undefined)
  }
  throw new WeirError('SCHEDULER_LOCKED', `Could not take the scheduler lock '${path}': other schedulers keep starting; try again.`)
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle
  try {
    handle = await open(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new WeirError('SCHEDULER_LOCK_FAILED', `Cannot create the scheduler lock '${path}': ${(error as Error).message}.`, { cause: error })
  }
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}

async function releaseLock(path: string, text: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => undefined)
  if (current === text) await unlink(path).catch(() => undefined)
}

function lockedError(path: string, holder: LockInfo): WeirError {
  const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host '${holder.host}'`
  return new WeirError(
    'SCHEDULER_LOCKED',
    `Another 'weir schedule' (${where}, started ${holder.startedAt}) already uses this state dir (lock '${path}'); stop it first, or pass a different --state-dir.`,
    { details: { ...holder } },
  )
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const data = JSON.parse(text) as Partial<LockInfo>
    if (typeof data.pid !== 'number' || !Number.isInteger(data.pid) || data.pid <= 0) return undefined
    return { pid: data.pid, host: String(data.host ?? ''), startedAt: String(data.startedAt ?? ''), ...(typeof data.processStart === 'string' && { processStart: data.processStart }) }
  } catch {
    return undefined
  }
}

/** The default liveness check: same host, pid exists, and (where /proc tells) it is the same process. */
export function isLockHolderAlive(info: LockInfo): boolean {
  // A lock from another host cannot be checked from here; assume it is alive rather than double-fire.
  if (info.host !== hostname()) return true
  // Our own pid in the lock is a previous incarnation (e.g. pid 1 in a restarted container).
  if (info.pid === process.pid) return false
  try {
    process.kill(info.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (info.processStart === undefined) return true
  const start = readProcessStart(info.pid)
  return start === undefined || start === info.processStart
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
function readProcessStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}
