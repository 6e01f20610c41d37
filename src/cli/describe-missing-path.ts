/**
 * The one wording for a path a command cannot find or reach: `'PATH' does not exist; …` with a close
 * name from the same folder when there is one, and for the other reasons stat(2) gives (a symbolic
 * link that loops or leads nowhere, a folder it may not enter, a file where a folder should be) what
 * the reason is, instead of a "did you mean" that names the path itself.
 */
import { lstat, readdir, readlink } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { closest } from '../spec/did-you-mean.ts'
import { escapeControls } from './escape-controls.ts'

/**
 * Why `path` cannot be used, given the error of its stat (`cause`; ENOENT when not given), and
 * what to pass instead (`expected`: 'a spec file').
 */
export async function describeMissingPath(path: string, expected: string, cause?: unknown): Promise<string> {
  const named = `'${escapeControls(path)}'`
  switch ((cause as { code?: unknown } | undefined)?.code ?? 'ENOENT') {
    case 'ENOENT':
      break
    case 'ELOOP':
      return `${named} is a symbolic link that leads back to itself (a loop); pass ${expected}.`
    case 'EACCES':
    case 'EPERM':
      return `${named} cannot be reached: permission denied (check the permissions of the folders on its way); pass ${expected}.`
    case 'ENOTDIR':
      return `${named} does not exist: a part of it before the end is a file, not a folder; pass ${expected}.`
    case 'ENAMETOOLONG':
      return `${named} is longer than this system allows for a path; pass ${expected}.`
    default:
      return `${named} cannot be read (${String((cause as { code?: unknown }).code)}); pass ${expected}.`
  }
  const target = await linkTarget(path)
  if (target !== undefined) return `${named} is a symbolic link to '${escapeControls(target)}', which does not exist; pass ${expected}.`
  const folder = dirname(path)
  const name = basename(path)
  const names = await new Promise<string[]>((done) => readdir(folder, (error, list) => done(error ? [] : list.filter((n) => n !== name))))
  const close = closest(name, names)
  if (close !== undefined) return `${named} does not exist; did you mean '${escapeControls(folder === '.' && !path.startsWith('./') ? close : join(folder, close))}'?`
  return `${named} does not exist; pass ${expected}.`
}

/** Where `path` points when it is a symbolic link; undefined when it is none. */
function linkTarget(path: string): Promise<string | undefined> {
  return new Promise((done) =>
    lstat(path, (error, info) => {
      if (error || !info.isSymbolicLink()) return done(undefined)
      readlink(path, (failed, target) => done(failed ? undefined : target))
    }),
  )
}
