/**
 * `weir execute --inputs`: reads and checks the inputs.json before the task runs, and the task uses
 * that one read. A wrong file is a usage error that says what was expected (with its size or the
 * parse position at most), never an internal error that repeats its contents.
 */
import { close, open, read, stat } from 'node:fs'
import type { Stats } from 'node:fs'
import type { Pipeline } from '../spec/model.ts'
import type { InputsDocument } from '../runtime/execute/contract.ts'
import type { Location } from './execute-args.ts'
import { CliError } from './errors.ts'
import { locateJsonError } from '../spec/locate-json-error.ts'
import { quoteValue } from './quote-value.ts'

/** An inputs.json lists references and small task values; anything bigger is not one. */
export const MAX_INPUTS_BYTES = 16 * 1024 * 1024

const EXPECTED = `expected an inputs.json: {"outputs": {"<task>": {"uri", "format", "io"}}, "values": {"<task>": {…}}}`
const FORMATS = new Set(['json', 'bytes', 'parquet'])
const TASK_ID = /^[a-z][a-z0-9_]{0,62}$/

/** Reads `--inputs` once; throws a usage error when it is not a readable, well-formed inputs.json. */
export async function readInputsDocument(shown: string, location: Location, pipeline: Pipeline, cwd: string): Promise<InputsDocument> {
  const flag = `--inputs ${quoteValue(shown)}`
  const parsed = location.kind === 'local' ? parseText(flag, await readLocal(flag, location.path)) : await readRemote(flag, location.uri, pipeline, cwd)
  const problem = findShapeProblem(parsed)
  if (problem !== undefined) throw new CliError(`execute: ${flag} is not an inputs.json: ${problem}.`)
  return parsed as InputsDocument
}

async function readLocal(flag: string, path: string): Promise<string> {
  // node:fs's callbacks, not fs.promises: loading that costs every task process ~1 ms of start-up.
  const info = await new Promise<Stats>((done, fail) => stat(path, (error, stats) => (error ? fail(error) : done(stats)))).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new CliError(`execute: ${flag} does not exist; pass the inputs.json written for this attempt.`)
    throw new CliError(`execute: ${flag} cannot be read (${error.code ?? 'error'}); pass a readable inputs.json.`)
  })
  if (info.isDirectory()) throw new CliError(`execute: ${flag} is a folder; expected an inputs.json file.`)
  if (!info.isFile()) throw new CliError(`execute: ${flag} is not a regular file; expected an inputs.json file.`)
  if (info.size > MAX_INPUTS_BYTES) throw new CliError(`execute: ${flag} is ${formatMiB(info.size)}; an inputs.json is at most ${formatMiB(MAX_INPUTS_BYTES)}.`)
  let fd: number
  try {
    fd = await new Promise<number>((done, fail) => open(path, 'r', (error, opened) => (error ? fail(error) : done(opened))))
  } catch (error) {
    throw new CliError(`execute: ${flag} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass a readable inputs.json.`)
  }
  try {
    // Read at most one byte past the limit: the file may have grown since stat.
    const buffer = Buffer.alloc(Math.min(info.size, MAX_INPUTS_BYTES) + 1)
    let bytesRead = 0
    for (;;) {
      const got = await new Promise<number>((done, fail) => read(fd, buffer, bytesRead, buffer.length - bytesRead, bytesRead, (error, n) => (error ? fail(error) : done(n))))
      bytesRead += got
      if (got === 0 || bytesRead === buffer.length) break
    }
    if (bytesRead > MAX_INPUTS_BYTES) throw new CliError(`execute: ${flag} is larger than ${formatMiB(MAX_INPUTS_BYTES)}, the most an inputs.json may be.`)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    close(fd, () => {})
  }
}

function parseText(flag: string, text: string): unknown {
  if (text.trim() === '') throw new CliError(`execute: ${flag} is empty; ${EXPECTED}.`)
  try {
    return JSON.parse(text)
  } catch {
    const at = locateJsonError(text)
    throw new CliError(`execute: ${flag} is not valid JSON${at ? ` (line ${at.line}, column ${at.column})` : ''}; ${EXPECTED}.`)
  }
}

/** A gs:// inputs.json, through the same document store `weir execute` reads it with. */
async function readRemote(flag: string, uri: string, pipeline: Pipeline, cwd: string): Promise<unknown> {
  const [{ openDocuments }, { builtinIo }] = await Promise.all([import('../runtime/execute/documents.ts'), import('../plugins/builtin-io.ts')])
  const slash = uri.lastIndexOf('/')
  const log = { debug() {}, info() {}, warn() {}, error() {} }
  const docs = await openDocuments(uri.slice(0, slash), pipeline, { cwd, stateDir: '.weir', log, ioPlugins: builtinIo })
  let parsed: unknown
  try {
    parsed = await docs.read<unknown>(uri.slice(slash + 1))
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    const position = /at position (\d+)/.exec(error.message)
    throw new CliError(`execute: ${flag} is not valid JSON${position ? ` (at character ${Number(position[1]) + 1})` : ''}; ${EXPECTED}.`)
  }
  if (parsed === undefined) throw new CliError(`execute: ${flag} does not exist; pass the inputs.json written for this attempt.`)
  return parsed
}

/** What is wrong with the document's shape, or undefined. */
export function findShapeProblem(doc: unknown): string | undefined {
  if (!isRecord(doc)) return `expected a JSON object {"outputs": …, "values": …}, not ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}`
  const { outputs, values, itemOutputs } = doc
  if (outputs !== undefined && !isRecord(outputs)) return 'outputs must be an object of task id → stored output'
  for (const [task, ref] of Object.entries(outputs ?? {}))
    if (!isStoredRef(ref)) return `${entry('outputs', task)} must be a stored output {"uri": "file://…", "format": "json" | "bytes" | "parquet", "io": "<type>"}`
  if (values !== undefined && !isRecord(values)) return 'values must be an object of task id → task values'
  for (const [task, taskValues] of Object.entries(values ?? {})) if (!isRecord(taskValues)) return `${entry('values', task)} must be an object of value name → value`
  // Fan-in (docs/fan-out.md): a mapped task's item outputs, in item order.
  if (itemOutputs !== undefined && !isRecord(itemOutputs)) return 'itemOutputs must be an object of task id → list of stored outputs'
  for (const [task, refs] of Object.entries(itemOutputs ?? {}))
    if (!Array.isArray(refs) || !refs.every((ref) => ref === null || isStoredRef(ref))) return `${entry('itemOutputs', task)} must be a list of stored outputs (null for an item without one)`
  return undefined
}

function isStoredRef(ref: unknown): boolean {
  return isRecord(ref) && typeof ref.uri === 'string' && typeof ref.format === 'string' && FORMATS.has(ref.format) && typeof ref.io === 'string'
}

/** Names an entry by its key only when the key is a task id: other keys are the file's contents. */
function entry(section: string, key: string): string {
  return TASK_ID.test(key) ? `${section}.${key}` : `an entry of ${section}`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024)
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`
}
