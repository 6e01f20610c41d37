/**
 * Starts the GCS emulator (start.cjs, firebase-tools' storage emulator) as a child process on
 * 127.0.0.1 and returns its URL. When it is not installed: under CI=true a failure naming what is
 * missing; locally a skip with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

export interface GcsEmulator {
  readonly url: string
  /** A fresh bucket name (buckets appear on first use in this emulator). */
  createBucket(): string
  stop(): Promise<void>
}

/** Why the emulator cannot run here, or undefined when it can. */
export function gcsEmulatorMissing(): string | undefined {
  if (!existsSync(`${here}node_modules/firebase-tools/package.json`))
    return 'the GCS emulator is not installed: run `npm ci` in test/services/gcs (firebase-tools 15.34.2)'
  return undefined
}

/** Environment that keeps Google libraries on this machine (no metadata server probes). */
export const offlineGoogleEnv = {
  GOOGLE_CLOUD_PROJECT: 'demo-test',
  GCE_METADATA_HOST: '127.0.0.1:1',
  GCE_METADATA_IP: '127.0.0.1:1',
  NO_GCE_CHECK: 'true',
} as const

/** Sets the offline Google environment in this process (tests call it before creating clients). */
export function useOfflineGoogleEnv(): void {
  Object.assign(process.env, offlineGoogleEnv)
}

export async function startGcsEmulator(): Promise<GcsEmulator> {
  const missing = gcsEmulatorMissing()
  if (missing) throw new Error(missing)
  const child = spawn(process.execPath, [`${here}start.cjs`, '0'], {
    cwd: here,
    env: { ...process.env, ...offlineGoogleEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await readUrl(child, () => stderr)
  return {
    url,
    createBucket: () => `weir-test-${randomUUID().slice(0, 12)}`,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

async function readUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  const lines = createInterface({ input: child.stdout! })
  const exit = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`GCS emulator exited with code ${code} before it was ready: ${stderr()}`))),
  )
  const ready = (async () => {
    for await (const line of lines) {
      if (line.startsWith('{')) return (JSON.parse(line) as { url: string }).url
    }
    throw new Error(`GCS emulator closed its output before it was ready: ${stderr()}`)
  })()
  return Promise.race([ready, exit])
}
