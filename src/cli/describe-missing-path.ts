import { readdir } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { closest } from '../spec/did-you-mean.ts'

/** `'PATH' does not exist; …`: with a close name from the same folder when there is one, else what to pass. */
export async function describeMissingPath(path: string, expected: string): Promise<string> {
  const folder = dirname(path)
  const names = await new Promise<string[]>((done) => readdir(folder, (error, list) => done(error ? [] : list)))
  const close = closest(basename(path), names)
  if (close !== undefined) return `'${path}' does not exist; did you mean '${folder === '.' && !path.startsWith('./') ? close : join(folder, close)}'?`
  return `'${path}' does not exist; pass ${expected}.`
}
