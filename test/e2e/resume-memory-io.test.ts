/**
 * An output kept by the `memory` IoManager is gone with the process that made it, so a resume
 * cannot reuse it: the task that made it runs again (it was reused by its dead memory:// URI, and
 * its consumer failed OUTPUT_NOT_FOUND at every resume, for good).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'

const WEIR = resolve('bin/weir.js')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-resume-memory-'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(dir, 'h.js'), "export const a = () => ({ n: 41 })\nexport const b = (i) => { if (i.fail) throw new Error('not yet'); return i.a.n + 1 }\nexport const c = () => 'kept'\n")
  writeFileSync(
    join(dir, 'p.yaml'),
    'apiVersion: weir/v1\nkind: Pipeline\nname: mem\nparams:\n  fail: { type: boolean, default: true }\nio:\n  default: { type: memory }\n  disk: { type: fs }\ntasks:\n  a: { handler: ./h.js#a }\n  b: { handler: ./h.js#b, inputs: { a: "${{ tasks.a.output }}", fail: "${{ params.fail }}" } }\n  c: { handler: ./h.js#c, io: disk }\n',
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const weir = (args: string[]) => spawnSync(process.execPath, [WEIR, ...args], { cwd: dir, encoding: 'utf8' })

test('a resume runs again the task whose output the memory IoManager kept, and reuses the rest', () => {
  expect(weir(['run', 'p.yaml']).status).toBe(1)
  const planned = weir(['run', 'p.yaml', '--resume', 'latest', '--param', 'fail=false', '--dry-run'])
  expect(planned.stdout).toMatch(/a\s.*its output was kept in memory, which ended with its run/)
  const resumed = weir(['run', 'p.yaml', '--resume', 'latest', '--param', 'fail=false', '--json'])
  expect(resumed.status, resumed.stderr).toBe(0)
  // Reused tasks made no attempt in the resume.
  const result = JSON.parse(resumed.stdout) as { tasks: Record<string, { status: string; attempts: number }> }
  expect(result.tasks).toMatchObject({ a: { status: 'succeeded', attempts: 1 }, b: { status: 'succeeded', attempts: 1 }, c: { status: 'succeeded', attempts: 0 } })
})
