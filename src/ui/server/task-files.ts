/**
 * A task's log (tail, and what came after an offset, for the live view) and a preview of its output:
 * JSON pretty-printed, a Parquet table's schema and first rows, size and URI for anything else. Only
 * files inside the state dir are read (contained-file.ts); an output elsewhere (gs://, an fs IoManager
 * with its own root outside the store) is shown by size and URI.
 */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import type { RunRecord } from '../../runtime/run-store/records.ts'
import type { UiLogChunk, UiOutputPreview } from '../api-types.ts'
import { openContained } from './contained-file.ts'

/** At most this much log per answer. */
const LOG_CHUNK_BYTES = 64 * 1024
const JSON_PREVIEW_BYTES = 256 * 1024
const PARQUET_PREVIEW_BYTES = 64 * 1024 * 1024
const TABLE_ROWS = 20

/** The log from byte `from` (or its last 64 KB), or an empty chunk when the task logged nothing. */
export async function readTaskLog(run: RunRecord, stateDir: string, taskId: string, from: number | undefined): Promise<UiLogChunk> {
  const handle = await openContained(join(run.logDir, `${taskId}.log`), stateDir)
  if (!handle) return { text: '', next: 0, truncated: false }
  try {
    const size = (await handle.stat()).size
    let start = from === undefined ? Math.max(0, size - LOG_CHUNK_BYTES) : Math.min(from, size)
    const truncated = from === undefined ? start > 0 : size - start > LOG_CHUNK_BYTES
    if (size - start > LOG_CHUNK_BYTES) start = size - LOG_CHUNK_BYTES
    const buffer = Buffer.alloc(size - start)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start)
    let bytes = buffer.subarray(0, bytesRead)
    // Start at a line boundary when the tail cut one, and end at one (a line may be half written).
    if (truncated) {
      const nl = bytes.indexOf(10)
      if (nl >= 0) bytes = bytes.subarray(nl + 1)
    }
    const lastNl = bytes.lastIndexOf(10)
    const whole = lastNl >= 0 ? bytes.subarray(0, lastNl + 1) : Buffer.alloc(0)
    return { text: whole.toString('utf8'), next: start + (bytesRead - bytes.length) + whole.length, truncated }
  } finally {
    await handle.close()
  }
}

/** A preview of the task's stored output. */
export async function previewOutput(run: RunRecord, stateDir: string, taskId: string): Promise<UiOutputPreview> {
  const ref = run.tasks[taskId]?.output
  if (!ref) return { kind: 'none' }
  const asRef = (reason: string): UiOutputPreview => ({ kind: 'ref', uri: ref.uri, format: ref.format, reason, ...(ref.sizeBytes !== undefined && { sizeBytes: ref.sizeBytes }) })
  if (ref.uri.startsWith('memory:'))
    return asRef(run.status === 'running' ? "held in the memory of the run's own process, which this page cannot read" : "held only in the memory of the run's own process: gone since that process ended")
  if (!ref.uri.startsWith('file:')) return asRef('stored outside this machine')
  if (ref.format === 'bytes') return asRef('binary output')
  let path: string
  try {
    path = fileURLToPath(ref.uri)
  } catch {
    return asRef('not a file path')
  }
  const handle = await openContained(path, stateDir)
  if (!handle) return asRef('not in the state dir (or gone)')
  try {
    const size = (await handle.stat()).size
    if (ref.format === 'json') {
      const buffer = Buffer.alloc(Math.min(size, JSON_PREVIEW_BYTES))
      await handle.read(buffer, 0, buffer.length, 0)
      if (size > JSON_PREVIEW_BYTES) return { kind: 'json', uri: ref.uri, sizeBytes: size, text: buffer.toString('utf8'), truncated: true }
      return { kind: 'json', uri: ref.uri, sizeBytes: size, text: prettyJson(buffer.toString('utf8')), truncated: false }
    }
    if (size > PARQUET_PREVIEW_BYTES) return asRef('table larger than 64 MB')
    const bytes = new Uint8Array(size)
    await handle.read(bytes, 0, size, 0)
    return await previewTable(bytes, ref.uri)
  } finally {
    await handle.close()
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

async function previewTable(bytes: Uint8Array, uri: string): Promise<UiOutputPreview> {
  // The same Parquet reading the IoManagers use; both loaded only when a table is previewed.
  const [{ decodeTable }, { previewRows }] = await Promise.all([import('../../plugins/io/table/parquet.ts'), import('./table-preview.ts')])
  const table = await decodeTable(bytes, uri)
  return { kind: 'table', uri, sizeBytes: bytes.length, ...previewRows(table, TABLE_ROWS), rowCount: table.numRows }
}
