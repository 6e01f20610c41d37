/**
 * `weir run --params-stdin`: param values as one JSON object on stdin, for programs that start
 * `weir run` (such as `weir ui`). Unlike `--param`, the values never appear on the command line,
 * where every user of the machine can read them (`ps`); that is how a secret param reaches the run.
 */
import { CliError } from './errors.ts'

const MAX_BYTES = 8 * 1024 * 1024

/** Reads stdin to its end and returns the object of param values (already typed: no string coercion). */
export async function readParamsStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += buffer.length
    if (size > MAX_BYTES) throw new CliError('run: --params-stdin: the JSON on stdin is larger than 8 MB.')
    chunks.push(buffer)
  }
  let value: unknown
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    // The text may hold a secret: never echo it.
    throw new CliError('run: --params-stdin: stdin is not valid JSON; send one object such as {"threshold": 0.5}.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('run: --params-stdin: stdin must hold one JSON object of param values, such as {"threshold": 0.5}.')
  return value as Record<string, unknown>
}
