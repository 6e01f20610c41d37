/**
 * The journal lines of the two events every task has, `task:start` and `task:succeed` without
 * output, values or cache, written straight into the journal's byte buffer: no string, no
 * intermediate object, no UTF-8 conversion. They are two of a run's lines per task, and as strings
 * (a quoted id, a template, the batch joined, then encoded) they were a tenth of what a no-op task
 * allocated. The bytes are exactly `encodeTaskEvent`'s (journal-codec.ts, which stays the format's
 * one definition; a test compares the two); any other event, and an id that JSON would escape,
 * returns -1 and is encoded as a string.
 */
import type { TaskEvent } from '../api.ts'

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))
const START = ascii('{"e":"start","task":"')
const SUCCEED = ascii('{"e":"succeed","task":"')
const ATTEMPT = ascii('","attempt":')
const AT = ascii(',"at":')

/** The most bytes `writeTaskEventBytes` writes for an event (a line of a task id of `idLength`). */
export function maxTaskEventBytes(idLength: number): number {
  return SUCCEED.length + idLength + ATTEMPT.length + 24 + AT.length + 24 + 2
}

/**
 * Writes the event's line (without its newline) at `pos`; returns the end, or -1 when the event is
 * not one of the two (nothing is then written that matters: the caller keeps `pos`).
 * `buf` must have room for `maxTaskEventBytes(event.taskId.length)` bytes from `pos`.
 */
export function writeTaskEventBytes(buf: Uint8Array, pos: number, e: TaskEvent): number {
  let head: Uint8Array
  if (e.type === 'task:start') head = START
  else if (e.type === 'task:succeed' && e.output === undefined && e.values === undefined && e.cachedFrom === undefined) head = SUCCEED
  else return -1
  pos = put(buf, pos, head)
  const id = e.taskId
  for (let k = 0; k < id.length; k++) {
    const c = id.charCodeAt(k)
    // Printable ASCII but `"` and `\`: JSON writes it as it is; anything else takes the string path.
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return -1
    buf[pos++] = c
  }
  pos = put(buf, pos, ATTEMPT)
  pos = putNumber(buf, pos, e.attempt)
  pos = put(buf, pos, AT)
  pos = putTime(buf, pos, e.at)
  buf[pos++] = 0x7d // }
  return pos
}

// The digits of the last time written: the events of a run come by the hundred in one millisecond,
// and a time is 13 digits, each a division when formatted (the most of this function's cost).
let lastTime = -1
const lastTimeDigits = new Uint8Array(24)
let lastTimeLength = 0

/** `putNumber` for a time, copying the last time's digits when it is the same. */
function putTime(buf: Uint8Array, pos: number, at: number): number {
  if (at !== lastTime) {
    if (!Number.isSafeInteger(at) || at < 0) return putNumber(buf, pos, at)
    lastTimeLength = putNumber(lastTimeDigits, 0, at)
    lastTime = at
  }
  for (let k = 0; k < lastTimeLength; k++) buf[pos++] = lastTimeDigits[k]!
  return pos
}

function put(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) buf[pos++] = bytes[k]!
  return pos
}

/** A number as a template literal writes it (`${n}`): digits for a safe non-negative integer. */
function putNumber(buf: Uint8Array, pos: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    // Not met by an attempt or a Date.now(), but written as the string path would write it.
    const text = String(n)
    for (let k = 0; k < text.length; k++) buf[pos++] = text.charCodeAt(k)
    return pos
  }
  let digits = 1
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++
  const end = pos + digits
  for (let k = end - 1; k >= pos; k--) {
    buf[k] = 0x30 + (n % 10)
    n = Math.floor(n / 10)
  }
  return end
}
