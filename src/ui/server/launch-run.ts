/**
 * Starts an ordinary `weir run` for the page: a detached child process (argv array, no shell), its
 * output in `<stateDir>/ui/launches/<time>-<pid>.log` (mode 0600), and the param values written to
 * its stdin as JSON (`--params-stdin`), never on its command line, where any user of the machine
 * could read them (`ps`). It answers with the new run's id once the run's journal appears (the
 * header names the child's pid), or with the child's own error line when it exits first (an invalid
 * param, a run that cannot be resumed). The child gets weir ui's environment less weir ui's own
 * variables (`WEIR_UI_TOKEN`): a handler has no business with the page's access token.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { runsDir } from '../../runtime/run-store/read-runs.ts'
import { readFirstLine } from '../../runtime/run-store/read-first-line.ts'
import { makeDirs, makeStateDirSync } from '../../plugins/io/make-dirs.ts'

export interface LaunchRequest {
  /** How to start weir: `[node, path/to/bin/weir.js]`. */
  readonly weirCommand: readonly string[]
  readonly cwd: string
  readonly stateDir: string
  readonly specPath: string
  readonly params: Readonly<Record<string, unknown>>
  readonly resumeFrom?: string
}

export type LaunchResult = { readonly runId: string; readonly pid: number } | { readonly error: string }

const WAIT_MS = 30_000
const POLL_MS = 100

/** Starts the run and waits until it is in the store (or the process failed). */
export async function launchRun(request: LaunchRequest): Promise<LaunchResult> {
  // Everything that can fail comes before the child exists: a detached child whose stdin is never
  // ended waits for its params forever.
  let input: string
  try {
    input = JSON.stringify(request.params)
  } catch (error) {
    return { error: `The param values cannot be sent to weir run as JSON: ${(error as Error).message}.` }
  }
  const before = new Set(await readdir(runsDir(request.stateDir)).catch(() => [] as string[]))
  const logDir = join(request.stateDir, 'ui', 'launches')
  // The state dir, when this makes it, is readable by this user only, as `weir run` makes it.
  makeStateDirSync(request.stateDir)
  await makeDirs(logDir)
  const logPath = join(logDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.log`)
  const [command, ...prefix] = request.weirCommand
  const args = [...prefix, 'run', request.specPath, '--state-dir', request.stateDir, '--params-stdin', ...(request.resumeFrom !== undefined ? ['--resume', request.resumeFrom] : [])]
  const logFd = openSync(logPath, 'a', 0o600)
  let child: ChildProcess
  try {
    child = spawn(command!, args, { cwd: request.cwd, detached: true, stdio: ['pipe', logFd, logFd], env: runEnvironment() })
  } finally {
    closeSync(logFd)
  }
  let exited: number | null | undefined
  let failed: string | undefined
  child.once('error', (e) => (failed = e.message))
  child.once('exit', (code) => (exited = code))
  try {
    child.stdin?.on('error', () => {})
    child.stdin?.end(input)
    child.unref()
  } catch (error) {
    // A child that did not get its params must not be left waiting for them.
    child.kill()
    throw error
  }
  const deadline = Date.now() + WAIT_MS
  while (Date.now() < deadline) {
    if (failed !== undefined) return { error: `Could not start weir: ${failed}` }
    const found = child.pid === undefined ? undefined : await findRunOf(request.stateDir, before, child.pid)
    if (found) return { runId: found, pid: child.pid! }
    if (exited !== undefined) return { error: await lastError(logPath, exited) }
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return { error: `weir run (pid ${child.pid}) started but no run appeared in the store within ${WAIT_MS / 1000}s; see ${logPath}.` }
}

/** Variables of weir ui's own that a run must not see: its access token would let any handler drive the page's API. */
const UI_ONLY = /^WEIR_UI_/

/** weir ui's environment for the run, less what is weir ui's own. */
function runEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  for (const name of Object.keys(env)) if (UI_ONLY.test(name)) delete env[name]
  return env
}

async function findRunOf(stateDir: string, before: ReadonlySet<string>, pid: number): Promise<string | undefined> {
  const names = await readdir(runsDir(stateDir)).catch(() => [] as string[])
  for (const name of names) {
    if (before.has(name)) continue
    const first = await readFirstLine(join(runsDir(stateDir), name, 'journal.jsonl')).catch(() => undefined)
    try {
      // A line without its newline is still being written: next poll.
      if (first?.endsWith('\n') && (JSON.parse(first) as { pid?: unknown }).pid === pid) return name
    } catch {
      // Half written: next poll.
    }
  }
  return undefined
}

/** The child's `weir: …` error line, without the prefix, or a generic line naming the log. */
async function lastError(logPath: string, code: number | null): Promise<string> {
  const text = await readFile(logPath, 'utf8').catch(() => '')
  const lines = text.split('\n').filter((l) => l.startsWith('weir: '))
  const line = lines.at(-1)
  if (line === undefined) return `weir run exited with code ${code ?? 'unknown'} before the run started; see ${logPath}.`
  const message = line.replace(/^weir: (run: )?/, '')
  // "fix the errors above": the page has no "above"; bring the diagnostics' first lines along.
  const errors = text.split('\n').filter((l) => DIAGNOSTIC_LINE.test(l))
  if (errors.length === 0) return message
  return `${message.replace(/; fix the errors above.*$/, '')}: ${errors.slice(0, 3).join(' ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`
}

/** The first line of a diagnostic in `spec validate`'s text format: `path:line:col: error CODE: message`. */
const DIAGNOSTIC_LINE = /^\S.*:\d+:\d+: error [A-Z_]+: /

