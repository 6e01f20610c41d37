/**
 * The other processes working for a run: the task processes of the subprocess executor. Each one
 * is a file `processes/<pid>` in the run's folder (JSON: host and start time), written when the
 * process starts and removed when it ends. A run whose own process died (kill -9) still counts as
 * running while one of them lives, so a resume cannot run its tasks beside them.
 */
import { writeFileSync } from 'node:fs'
import { readFile, readdir, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { isProcessAlive, readProcessStartTime } from '../../plugins/io/process-alive.ts'
import { makeDirsSync } from '../../plugins/io/make-dirs.ts'

interface RunProcessRecord {
  readonly host: string
  readonly startTime?: string
}

const processesDir = (runDir: string): string => join(runDir, 'processes')

/**
 * Records process `pid` as working for the run in `runDir`; returns the function that forgets it
 * (its promise settles once the record is gone).
 * Synchronous, so no turn of the event loop passes between starting a process and recording it.
 * Its start time (what tells it from a later process with its pid) is added once read: reading it
 * at once held up the run for each process it started (/proc/<pid>/stat of a process still
 * starting waits for it). Until then the record counts the pid as this process, as a record of a
 * system without /proc does.
 */
export function recordRunProcess(runDir: string, pid: number): () => Promise<void> {
  const dir = processesDir(runDir)
  const file = join(dir, String(pid))
  const host = hostname()
  let forgotten = false
  const write = (record: RunProcessRecord): void => {
    try {
      try {
        writeFileSync(file, JSON.stringify(record))
      } catch (error) {
        // The folder is made when the first write finds it missing: no mkdir call for every process.
        if ((error as { code?: string }).code !== 'ENOENT') throw error
        makeDirsSync(dir)
        writeFileSync(file, JSON.stringify(record))
      }
    } catch {
      // Best effort: a run store that cannot be written is reported by the journal already.
    }
  }
  write({ host })
  void readProcessStartTime(pid).then((startTime) => {
    // A process forgotten meanwhile has ended: its record must not come back.
    if (!forgotten && startTime !== undefined) write({ host, startTime })
  })
  return () => {
    forgotten = true
    // Asynchronous, and the executor does not wait for it: on a disk busy with the task processes'
    // fsyncs an unlink can wait milliseconds for the file system's journal, which held up the next
    // task. Until it is done the record names a process that has ended, which every reader counts as
    // dead (`readRunProcesses`), as after a kill -9 of the run.
    return unlink(file).catch(() => undefined)
  }
}

/** The recorded processes of the run in `runDir` that are still alive. */
export async function liveRunProcesses(runDir: string): Promise<number[]> {
  return (await readRunProcesses(runDir)).filter((p) => p.alive).map((p) => p.pid)
}

/** Removes the records of dead processes (left by a kill -9 of the run); returns how many. */
export async function forgetDeadRunProcesses(runDir: string): Promise<number> {
  const dead = (await readRunProcesses(runDir)).filter((p) => !p.alive)
  await Promise.all(dead.map((p) => unlink(join(processesDir(runDir), String(p.pid))).catch(() => undefined)))
  return dead.length
}

async function readRunProcesses(runDir: string): Promise<{ pid: number; alive: boolean }[]> {
  const names = await readdir(processesDir(runDir)).catch(() => [] as string[])
  const found: { pid: number; alive: boolean }[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    const record = await readRecord(join(processesDir(runDir), name))
    // A record still being written belongs to a process that has just started: alive.
    found.push({ pid, alive: record === undefined ? isProcessAlive(pid, hostname()) : isProcessAlive(pid, record.host, record.startTime) })
  }
  return found
}

async function readRecord(path: string): Promise<RunProcessRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunProcessRecord
  } catch {
    return undefined
  }
}
