/**
 * The resume lock: one process at a time may resume a run. Two `weir run --resume X` started
 * together would otherwise both find X interrupted and both run its unfinished tasks.
 *
 * The lock is a file `resume-<generation>.lock` in the run's folder, created atomically (written
 * beside it, then hard-linked into place, so it is never seen empty) and holding the resuming
 * process's pid, host and run id. A lock whose holder is dead (kill -9) is stale: the next resume
 * takes generation + 1 rather than deleting the stale file, so two processes that both found it
 * stale race for one new name and only one wins. The winner then checks that no other live lock
 * appeared meanwhile (a contender that stalled between reading and creating) and backs off if one did.
 */
import { link, readFile, readdir, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { WeirError } from '../errors.ts'
import { tempPathFor } from '../../plugins/io/temp-files.ts'

/** Who holds a resume lock. */
export interface ResumeLockHolder {
  readonly pid: number
  readonly host: string
  /** The run the holder is recording (the resume). */
  readonly runId: string
}

export interface ResumeLock {
  /** Gives the lock up (the resume finished, or never started). */
  release(): Promise<void>
}

const LOCK_NAME = /^resume-(\d+)\.lock$/
const lockName = (generation: number): string => `resume-${generation}.lock`

/**
 * Takes the resume lock of the run in `dir` for run `runId`, or throws RESUME_MISMATCH naming the
 * live holder. `isAlive` says whether a holder still works on the run.
 */
export async function lockResume(dir: string, runId: string, resumedRunId: string, isAlive: (holder: ResumeLockHolder) => Promise<boolean>): Promise<ResumeLock> {
  const me: ResumeLockHolder = { pid: process.pid, host: hostname(), runId }
  const refuse = (holder: ResumeLockHolder): WeirError =>
    new WeirError('RESUME_MISMATCH', `Run '${resumedRunId}' is already being resumed by run '${holder.runId}' (process ${holder.pid}); wait for it or stop it first.`)
  for (let tries = 0; tries < 8; tries++) {
    const locks = await readLocks(dir)
    const newest = locks.at(-1)
    if (newest?.holder && (await isAlive(newest.holder))) throw refuse(newest.holder)
    const generation = (newest?.generation ?? 0) + 1
    if (!(await createLock(dir, generation, me))) continue // another process took this generation first: look again
    const others = (await readLocks(dir)).filter((l) => l.generation !== generation)
    for (const other of others) {
      if (other.holder && (await isAlive(other.holder))) {
        await unlink(join(dir, lockName(generation))).catch(() => undefined)
        throw refuse(other.holder)
      }
    }
    // Older generations are stale (their holders are dead): tidy them away.
    await Promise.all(others.map((l) => unlink(join(dir, lockName(l.generation))).catch(() => undefined)))
    return { release: () => unlink(join(dir, lockName(generation))).catch(() => undefined) }
  }
  throw new WeirError('RESUME_MISMATCH', `Run '${resumedRunId}' is being resumed by other processes at this very moment; wait for them and try again.`)
}

interface LockFile {
  readonly generation: number
  /** Undefined when the file vanished or cannot be read: its holder released it. */
  readonly holder: ResumeLockHolder | undefined
}

/** The lock files of a run, oldest generation first. */
async function readLocks(dir: string): Promise<LockFile[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const generations = names.flatMap((n) => {
    const m = LOCK_NAME.exec(n)
    return m ? [Number(m[1])] : []
  })
  generations.sort((a, b) => a - b)
  return Promise.all(generations.map(async (generation) => ({ generation, holder: await readHolder(join(dir, lockName(generation))) })))
}

async function readHolder(path: string): Promise<ResumeLockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as ResumeLockHolder
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : undefined
  } catch {
    return undefined
  }
}

/** Creates the lock file of `generation` with its content in one step; false if it exists already. */
async function createLock(dir: string, generation: number, holder: ResumeLockHolder): Promise<boolean> {
  const path = join(dir, lockName(generation))
  const tmp = tempPathFor(path)
  await writeFile(tmp, JSON.stringify(holder))
  try {
    await link(tmp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await unlink(tmp).catch(() => undefined)
  }
}
