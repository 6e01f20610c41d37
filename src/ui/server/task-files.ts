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

/** At most about this much log text per answer. */
const LOG_CHUNK_BYTES = 64 * 1024
/** How far back from its end a long log is read for the tail: far enough to find where a long line starts. */
const TAIL_SCAN_BYTES = 1024 * 1024
/** A line longer than this is shown cut to this many bytes, and says so. */
const LINE_BYTES = 16 * 1024
const JSON_PREVIEW_BYTES = 256 * 1024
const PARQUET_PREVIEW_BYTES = 64 * 1024 * 1024
const TABLE_ROWS = 20

/**
 * The log's lines after byte `from` (or its tail), about 64 KB of them, or an empty chunk when the
 * task logged nothing. Whole lines only, the last one being possibly half written, so `next` is
 * where a line starts; when more than a chunk follows `from`, the last lines are sent and
 * `truncated` says earlier ones were left out. A line longer than 16 KB is cut, marked as cut (a
 * handler logging a 100 KB line used to make the tail empty: cut to its last line break, nothing
 * was left). A line still unfinished after 64 KB is sent cut, and the rest of it, once finished,
 * marked as its cut end.
 */
export async function readTaskLog(run: RunRecord, stateDir: string, taskId: string, from: number | undefined): Promise<UiLogChunk> {
  const handle = await openContained(join(run.logDir, `${taskId}.log`), stateDir)
  if (!handle) return { text: '', next: 0, truncated: false }
  try {
    const size = (await handle.stat()).size
    const floor = from === undefined ? 0 : Math.min(from, size)
    const start = size - floor <= LOG_CHUNK_BYTES ? floor : Math.max(floor, size - TAIL_SCAN_BYTES)
    // The byte before the start says whether the start is the start of a line.
    const readFrom = start > 0 ? start - 1 : 0
    const buffer = Buffer.alloc(size - readFrom)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, readFrom)
    const bytes = buffer.subarray(start - readFrom, bytesRead)
    const midLine = start > 0 && (bytesRead === 0 || buffer[0] !== 10)
    return logChunk(bytes, start, floor, midLine)
  } finally {
    await handle.close()
  }
}

/** A line of the chunk: where it is in the bytes read (its line break excluded), and whether its start was not read. */
interface LogLine {
  readonly from: number
  readonly to: number
  readonly startCut: boolean
}

function logChunk(bytes: Buffer, start: number, floor: number, midLine: boolean): UiLogChunk {
  const lines: LogLine[] = []
  let at = 0
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, at)) {
    lines.push({ from: at, to: nl, startCut: at === 0 && midLine })
    at = nl + 1
  }
  let end = at
  // A line with no end in sight: what is there is sent now, cut, rather than nothing until it ends.
  if (bytes.length - at > LOG_CHUNK_BYTES) {
    lines.push({ from: at, to: bytes.length, startCut: at === 0 && midLine })
    end = bytes.length
  }
  // The last lines, as many as fit in a chunk once long ones are cut (at least one).
  let first = lines.length
  for (let room = LOG_CHUNK_BYTES; first > 0; first--) {
    const line = lines[first - 1]!
    const cost = Math.min(line.to - line.from, LINE_BYTES) + 1
    if (cost > room && first < lines.length) break
    room -= cost
  }
  const shown = lines.slice(first)
  const text = shown.map((line) => lineText(bytes, line, line.to === bytes.length)).join('')
  return { text, next: start + end, truncated: (shown[0] === undefined ? start + end : start + shown[0].from) > floor }
}

/** One line as shown, with its line break; a long one cut to LINE_BYTES with a mark saying how. */
function lineText(bytes: Buffer, line: LogLine, unfinished: boolean): string {
  const length = line.to - line.from
  if (line.startCut) {
    const piece = fromCharStart(bytes.subarray(Math.max(line.from, line.to - LINE_BYTES), line.to))
    return `[line cut: its start is not shown${length > LINE_BYTES ? `, its last ${piece.length} bytes are` : ''}] …${piece.toString('utf8')}${unfinished ? ' …[line cut: not finished yet]' : ''}\n`
  }
  if (length <= LINE_BYTES && !unfinished) return `${bytes.subarray(line.from, line.to).toString('utf8')}\n`
  const piece = toCharEnd(bytes.subarray(line.from, line.from + Math.min(length, LINE_BYTES)))
  return `${piece.toString('utf8')}… [line cut: ${unfinished ? `not finished after ${length} bytes` : `${length} bytes`}, the first ${piece.length} shown]\n`
}

/** `bytes` less a UTF-8 character cut at its start. */
function fromCharStart(bytes: Buffer): Buffer {
  let i = 0
  while (i < bytes.length && i < 3 && (bytes[i]! & 0xc0) === 0x80) i++
  return bytes.subarray(i)
}

/** `bytes` less a UTF-8 character cut at its end. */
function toCharEnd(bytes: Buffer): Buffer {
  // Back to the last character's first byte; drop it if its bytes do not all fit.
  let i = bytes.length - 1
  while (i > 0 && i > bytes.length - 4 && (bytes[i]! & 0xc0) === 0x80) i--
  const lead = bytes[i]
  if (lead === undefined || lead < 0x80) return bytes
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return bytes.length - i >= need ? bytes : bytes.subarray(0, i)
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
