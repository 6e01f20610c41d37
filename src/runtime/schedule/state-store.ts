/**
 * The scheduler's persisted memory: per pipeline, how far its fires have been handled. It is what
 * lets a restarted scheduler catch up exactly the fires it missed, and never fire one twice.
 */
import { open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { WeirError } from '../errors.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

/** What the scheduler remembers of one pipeline. */
export interface PipelineState {
  /** Every fire at or before this instant (ISO 8601, UTC) has been handled: run, skipped or dropped. */
  readonly handledThrough: string
  /** Fire time (ISO 8601, UTC) of the last fire that started a run. */
  readonly lastFireAt?: string
}

/** The file's shape (`<state dir>/schedule/state.json`). */
interface StateFile {
  readonly version: 1
  readonly pipelines: Record<string, PipelineState>
}

/** Reads and writes the scheduler state. */
export interface StateStore {
  get(pipeline: string): PipelineState | undefined
  /** Records the state; resolves once it is on disk (written atomically). */
  set(pipeline: string, state: PipelineState): Promise<void>
}

/** Opens the state file at `path`; a missing file is an empty state. */
export async function openStateStore(path: string): Promise<StateStore> {
  const pipelines = await readStateFile(path)
  let writing: Promise<void> = Promise.resolve()
  return {
    get: (pipeline) => pipelines[pipeline],
    set(pipeline, state) {
      pipelines[pipeline] = state
      // Writes go one after another, each with the whole current state, so the last one wins.
      const write = writing.then(() => writeFileAtomic(path, `${JSON.stringify({ version: 1, pipelines } satisfies StateFile, null, 2)}\n`))
      writing = write.catch(() => undefined)
      return write
    },
  }
}

async function readStateFile(path: string): Promise<Record<string, PipelineState>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new WeirError('SCHEDULE_STATE_UNREADABLE', `Cannot read the scheduler state '${path}': ${(error as Error).message}.`, { cause: error })
  }
  const data = parseState(text)
  if (!data)
    throw new WeirError('SCHEDULE_STATE_INVALID', `The scheduler state '${path}' is not a weir scheduler state file; move it away to start fresh (missed fires are then not caught up).`)
  return data
}

function parseState(text: string): Record<string, PipelineState> | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof data !== 'object' || data === null || (data as StateFile).version !== 1) return undefined
  const pipelines = (data as StateFile).pipelines
  if (typeof pipelines !== 'object' || pipelines === null) return undefined
  const result: Record<string, PipelineState> = {}
  for (const [name, state] of Object.entries(pipelines)) {
    if (typeof state?.handledThrough !== 'string' || Number.isNaN(Date.parse(state.handledThrough))) return undefined
    result[name] = state
  }
  return result
}

/** Writes `text` to `path` so that readers see the old file or the new one, never a torn one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await makeDirs(dirname(path))
  const temporary = `${path}.${process.pid}.tmp`
  const handle = await open(temporary, 'w')
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, path)
}
