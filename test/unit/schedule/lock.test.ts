import { describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFile, writeFile, access } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { acquireSchedulerLock, isLockHolderAlive } from '../../../src/runtime/schedule/lock.ts'
import { REFERENCE_TIME, makeTempDir } from './support.ts'

/** The pid of a process that has exited (so it is certainly dead). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(child.stdout)
}

async function lockPath(): Promise<string> {
  return join(await makeTempDir(), 'schedule', 'scheduler.lock')
}

describe('the scheduler lock', () => {
  test('is taken when free and records pid, host and start time', async () => {
    const path = await lockPath()
    const lock = await acquireSchedulerLock(path, { now: REFERENCE_TIME })
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), startedAt: REFERENCE_TIME.toISOString() })
    await lock.release()
    await expect(access(path)).rejects.toThrow()
  })

  test('refuses a lock held by a live process, naming it', async () => {
    const path = await lockPath()
    await acquireSchedulerLock(path, { now: REFERENCE_TIME })
    await writeFile(path, JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '2027-03-27T11:00:00.000Z' }))
    await expect(acquireSchedulerLock(path, { now: REFERENCE_TIME })).rejects.toMatchObject({
      code: 'SCHEDULER_LOCKED',
      message: expect.stringContaining(`pid ${process.ppid}, started 2027-03-27T11:00:00.000Z`),
    })
  })

  test('takes over a stale lock left by a dead process', async () => {
    const path = await lockPath()
    const pid = deadPid()
    await acquireSchedulerLock(path, { now: REFERENCE_TIME }).then((l) => l.release())
    await writeFile(path, JSON.stringify({ pid, host: hostname(), startedAt: '2027-03-27T11:00:00.000Z' }))
    const lock = await acquireSchedulerLock(path, { now: REFERENCE_TIME })
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid })
    await lock.release()
  })

  test('takes over an unreadable lock file', async () => {
    const path = await lockPath()
    await acquireSchedulerLock(path, { now: REFERENCE_TIME }).then((l) => l.release())
    await writeFile(path, '{"pid": ')
    const lock = await acquireSchedulerLock(path, { now: REFERENCE_TIME })
    expect(lock.info.pid).toBe(process.pid)
  })

  test('release leaves a lock alone that is no longer ours', async () => {
    const path = await lockPath()
    const lock = await acquireSchedulerLock(path, { now: REFERENCE_TIME })
    await writeFile(path, JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'x' }))
    await lock.release()
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.ppid })
  })

  test('uses the injected liveness check', async () => {
    const path = await lockPath()
    await acquireSchedulerLock(path, { now: REFERENCE_TIME })
    await expect(acquireSchedulerLock(path, { now: REFERENCE_TIME, isHolderAlive: () => true })).rejects.toMatchObject({ code: 'SCHEDULER_LOCKED' })
    await expect(acquireSchedulerLock(path, { now: REFERENCE_TIME, isHolderAlive: () => false })).resolves.toMatchObject({ path })
  })
})

describe('isLockHolderAlive', () => {
  test('a live pid on this host is alive; a dead one is not', () => {
    expect(isLockHolderAlive({ pid: process.ppid, host: hostname(), startedAt: '' })).toBe(true)
    expect(isLockHolderAlive({ pid: deadPid(), host: hostname(), startedAt: '' })).toBe(false)
  })

  test('our own pid is a previous incarnation (pid reuse after a container restart)', () => {
    expect(isLockHolderAlive({ pid: process.pid, host: hostname(), startedAt: '' })).toBe(false)
  })

  test('a live pid with another process start time is a reused pid, so the lock is stale', () => {
    if (process.platform !== 'linux') return
    expect(isLockHolderAlive({ pid: process.ppid, host: hostname(), startedAt: '', processStart: '1' })).toBe(false)
  })

  test('a lock from another host cannot be checked and counts as alive', () => {
    expect(isLockHolderAlive({ pid: deadPid(), host: `${hostname()}-elsewhere`, startedAt: '' })).toBe(true)
  })
})
