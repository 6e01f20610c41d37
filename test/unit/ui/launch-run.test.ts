// How weir ui hands a run to `weir run`: params on stdin, checked before any child exists; the
// child's environment without weir ui's own variables. A stand-in for weir prints what it got as
// its `weir: …` error line, which launchRun answers with.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchRun } from '../../../src/ui/server/launch-run.ts'

let dir: string
let fakeWeir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-launch-'))
  fakeWeir = join(dir, 'fake-weir.cjs')
  await writeFile(
    fakeWeir,
    `let input = ''
process.stdin.on('data', (c) => (input += c))
process.stdin.on('end', () => {
  process.stderr.write('weir: token=' + (process.env.WEIR_UI_TOKEN ?? 'none') + ' color=' + process.env.NO_COLOR + ' stdin=' + input + '\\n')
  process.exit(2)
})
`,
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const request = (stateDir: string, params: Record<string, unknown>) => ({ weirCommand: [process.execPath, fakeWeir], cwd: dir, stateDir, specPath: 'p.yaml', params })

test("the child gets the params on stdin and not weir ui's access token", async () => {
  const saved = process.env.WEIR_UI_TOKEN
  process.env.WEIR_UI_TOKEN = 'the-access-token-of-weir-ui'
  try {
    const result = await launchRun(request(join(dir, 'state-a'), { n: 1 }))
    expect(result).toEqual({ error: 'token=none color=1 stdin={"n":1}' })
  } finally {
    if (saved === undefined) delete process.env.WEIR_UI_TOKEN
    else process.env.WEIR_UI_TOKEN = saved
  }
})

test('params that cannot be written as JSON are refused before any child is started', async () => {
  let deep: unknown = []
  for (let i = 0; i < 20_000; i++) deep = [deep]
  const stateDir = join(dir, 'state-b')
  const result = await launchRun(request(stateDir, { p: deep }))
  expect(result).toEqual({ error: expect.stringContaining('cannot be sent to weir run as JSON') })
  // No launch log: no child was started (it would have waited for its stdin forever).
  expect(existsSync(join(stateDir, 'ui', 'launches'))).toBe(false)
})
