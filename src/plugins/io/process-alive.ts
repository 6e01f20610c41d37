import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'

/**
 * Whether a process still lives (same machine only; a process on another host counts as alive).
 * A zombie (exited, not yet reaped: common in containers whose pid 1 does not reap) counts as dead.
 * With `startTime` (from `processStartTime`), a pid taken over by a newer process counts as dead too.
 */
export function isProcessAlive(pid: number, host: string, startTime?: string): boolean {
  if (host !== hostname()) return true
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  const stat = readProcStat(pid)
  if (stat === undefined) return true
  return stat.state !== 'Z' && (startTime === undefined || stat.startTime === startTime)
}

/** When process `pid` started, in an opaque form for `isProcessAlive`; undefined where /proc is missing. */
export function processStartTime(pid: number): string | undefined {
  return readProcStat(pid)?.startTime
}

/**
 * `processStartTime` without blocking: reading /proc/<pid>/stat of a process that has just been
 * started can wait for it to finish starting (milliseconds, tens under load).
 */
export async function readProcessStartTime(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)
  return text === undefined ? undefined : parseProcStat(text)?.startTime
}

/** State and start time (clock ticks since boot) from /proc/<pid>/stat, on Linux. */
function readProcStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  return parseProcStat(text)
}

function parseProcStat(text: string): { state: string; startTime: string } | undefined {
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const startTime = fields[19]
  return state !== undefined && startTime !== undefined ? { state, startTime } : undefined
}
