/**
 * Where a task output lives inside an IoManager: `<pipeline>/<run>/<task>/output.<ext>`, or under a
 * `prefix` override. Ids become path segments, so each is checked to keep outputs inside their root.
 */
import type { OutputKey, StoredRef } from '../types.ts'
import { IoError } from './io-error.ts'

/** Ids allowed as path segments: letters, digits, `_`, `-`, `.` (not leading), at most 128 characters. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** Checks that an id is one safe path segment; throws `IO_INVALID_KEY` naming the field otherwise. */
export function checkSegment(field: string, value: string): string {
  if (!SEGMENT.test(value) || value.includes('..'))
    throw new IoError(
      'IO_INVALID_KEY',
      `${field} '${value}' cannot be used in an output path; use letters, digits, '_', '-' and '.' (not leading, no '..').`,
    )
  return value
}

/** The relative folder of a key's output: `<pipeline>/<run>/<task>` (segments checked). */
export function keyFolder(key: OutputKey): string {
  const folder = [checkSegment('pipeline', key.pipeline), checkSegment('run id', key.runId), checkSegment('task id', key.taskId)].join('/')
  return key.item === undefined ? folder : `${folder}/items/${checkItemIndex(key.item)}`
}

/** The file name of an output in its folder, by format. */
export function outputFileName(format: StoredRef['format']): string {
  switch (format) {
    case 'json':
      return 'output.json'
    case 'bytes':
      return 'output.bin'
    case 'parquet':
      return 'output.parquet'
  }
}

/** Joins a folder URI and a name with exactly one slash. */
export function joinUri(folder: string, name: string): string {
  return folder.endsWith('/') ? `${folder}${name}` : `${folder}/${name}`
}

/** An item index is a folder name: a non-negative integer, nothing else. */
function checkItemIndex(index: number): number {
  if (!Number.isSafeInteger(index) || index < 0) throw new IoError('IO_INVALID_KEY', `An item index must be a non-negative integer, not ${String(index)}.`)
  return index
}
