/**
 * Live updates of one run as server-sent events, driven by its journal: the journal file is
 * watched by size and mtime every 250 ms (fs.watch misses appends on some file systems and network
 * mounts; a stat is cheap), and on a change the run is replayed and sent whole, so a change shows in
 * the page well within a second. A running run is also re-checked every 2 s, because its process
 * dying (→ interrupted) leaves no trace in the journal. The stream ends after the run finished.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RunRecord } from '../../runtime/run-store/records.ts'
import { loadRun, runDir } from '../../runtime/run-store/read-runs.ts'
import type { UiRun } from '../api-types.ts'
import { SECURITY_HEADERS } from './security.ts'

const POLL_MS = 250
const RECHECK_MS = 2000
const KEEPALIVE_MS = 15_000

export interface RunEventsOptions {
  readonly stateDir: string
  readonly runId: string
  readonly toView: (run: RunRecord) => Promise<UiRun>
  /** Ends every stream (server closing). */
  readonly signal: AbortSignal
}

/** Streams `event: run` with the whole run on every change, until the run ends or the client leaves. */
export function streamRunEvents(req: IncomingMessage, res: ServerResponse, options: RunEventsOptions): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' })
  res.write('retry: 1000\n\n')
  const journal = join(runDir(options.stateDir, options.runId), 'journal.jsonl')
  let lastKey = ''
  let lastSentAt = 0
  let lastKeepalive = Date.now()
  let busy = false
  let closed = false

  const stop = (): void => {
    if (closed) return
    closed = true
    clearInterval(timer)
    options.signal.removeEventListener('abort', stop)
    res.end()
  }

  async function tick(): Promise<void> {
    if (busy || closed) return
    busy = true
    try {
      let key = ''
      try {
        const info = await stat(journal)
        key = `${info.size}:${info.mtimeMs}`
      } catch {
        // Not there (yet): nothing to send.
      }
      const now = Date.now()
      if (key !== '' && (key !== lastKey || now - lastSentAt >= RECHECK_MS)) {
        const run = await loadRun(options.stateDir, options.runId)
        if (run && !closed) {
          const view = await options.toView(run)
          res.write(`event: run\ndata: ${JSON.stringify(view)}\n\n`)
          lastKey = key
          lastSentAt = now
          lastKeepalive = now
          if (run.status !== 'running') stop()
          return
        }
      }
      if (now - lastKeepalive >= KEEPALIVE_MS) {
        res.write(': keepalive\n\n')
        lastKeepalive = now
      }
    } catch {
      stop()
    } finally {
      busy = false
    }
  }

  const timer = setInterval(() => void tick(), POLL_MS)
  options.signal.addEventListener('abort', stop)
  req.on('close', stop)
  void tick()
}
