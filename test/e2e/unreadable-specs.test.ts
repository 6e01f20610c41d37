/**
 * A folder checked in CI may hold a spec or a subfolder its user cannot read: that one is reported
 * (FILE_UNREADABLE, naming it) beside every other spec's diagnostics, instead of stopping the whole
 * check with a message and no report. Permissions mean nothing to root, so as root the commands run
 * as the user nobody (setpriv, util-linux).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'

const WEIR = resolve('bin/weir.js')
const asRoot = process.getuid?.() === 0
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-unreadable-'))
  chmodSync(dir, 0o755)
  const spec = 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a:\n    handler: ./h.js#a\n    retry: 1\n'
  writeFileSync(join(dir, 'h.js'), 'export const a = () => {}\n')
  writeFileSync(join(dir, 'bad.yaml'), spec)
  writeFileSync(join(dir, 'unread.yaml'), spec)
  mkdirSync(join(dir, 'locked'))
  writeFileSync(join(dir, 'locked/inner.yaml'), spec)
  chmodSync(join(dir, 'unread.yaml'), 0o000)
  chmodSync(join(dir, 'locked'), 0o000)
})
afterAll(() => {
  chmodSync(join(dir, 'locked'), 0o755)
  rmSync(dir, { recursive: true, force: true })
})

const weir = (args: string[]) => {
  const argv = [process.execPath, WEIR, ...args]
  const [command, ...rest] = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv
  return spawnSync(command!, rest, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
}

test('weir spec validate of a folder reports an unreadable spec and subfolder beside the other specs', () => {
  const ran = weir(['spec', 'validate', '.', '--format', 'json'])
  expect(ran.status, ran.stderr).toBe(1)
  const report = JSON.parse(ran.stdout) as { files: { path: string; valid: boolean; diagnostics: { code: string; message: string }[] }[] }
  expect(report.files.map((f) => [f.path, f.diagnostics.map((d) => d.code)])).toEqual([
    ['bad.yaml', ['UNKNOWN_KEY']],
    ['locked', ['FILE_UNREADABLE']],
    ['unread.yaml', ['FILE_UNREADABLE']],
  ])
  expect(report.files[1]!.diagnostics[0]!.message).toBe("Cannot read the folder 'locked': permission denied, so the specs in it were not checked; check its permissions.")
  expect(report.files[2]!.diagnostics[0]!.message).toContain("Cannot read 'unread.yaml': permission denied")
})

test('a folder named on the command line that cannot be read is one usage line naming it', () => {
  const ran = weir(['spec', 'validate', 'locked'])
  expect(ran.status).toBe(2)
  expect(ran.stderr).toBe("weir: spec validate: cannot read the folder 'locked' (EACCES); check its permissions, or pass the spec files themselves.\n")
})
