import { describe, expect, test } from 'vitest'
import { readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { schedulerPaths, startScheduleDaemon } from '../../../src/runtime/schedule/daemon.ts'
import type { Daemon } from '../../../src/runtime/schedule/daemon.ts'
import { formatLogLine } from '../../../src/runtime/schedule/format-log.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { EventLog, FakeClock, createControlledRunner, makeTempDir } from './support.ts'

function specText(name: string, schedule: string): string {
  return `apiVersion: weir/v1
kind: Pipeline
name: ${name}
tasks:
  only:
    handler: ./handlers.ts#only
${schedule}`
}

/** A project dir with a handler module and the given spec files. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir()
  await writeFile(join(dir, 'package.json'), '{"name":"p","type":"module"}\n')
  await writeFile(join(dir, 'handlers.ts'), 'export async function only() { return 1 }\n')
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

async function start(dir: string, files: string[]): Promise<{ daemon: Daemon; log: EventLog; clock: FakeClock; runner: ReturnType<typeof createControlledRunner> }> {
  const log = new EventLog()
  const clock = new FakeClock()
  const runner = createControlledRunner()
  const daemon = await startScheduleDaemon({
    paths: files.map((f) => join(dir, f)),
    findSpecFiles: async (paths) => [...paths],
    plugins: builtinCatalog(),
    stateDir: join(dir, '.weir'),
    clock,
    runPipeline: runner.run,
    graceMs: 1000,
    onEvent: log.push,
  })
  return { daemon, log, clock, runner }
}

const EVERY_15 = 'schedule: { cron: "*/15 * * * *", timezone: Europe/Berlin }\n'

describe('the schedule daemon', () => {
  test('schedules valid specs, logs invalid ones with their diagnostics and skips specs without a schedule', async () => {
    const dir = await project({
      'a.yaml': specText('a', EVERY_15),
      'bad.yaml': specText('bad', 'schedule: { cron: "61 * * * *" }\n'),
      'plain.yaml': specText('plain', ''),
    })
    const { daemon, log } = await start(dir, ['a.yaml', 'bad.yaml', 'plain.yaml'])
    expect(log.of('pipeline:add').map((e) => e.pipeline)).toEqual(['a'])
    const [invalid] = log.of('spec:invalid')
    expect(invalid).toMatchObject({ path: join(dir, 'bad.yaml'), diagnostics: [{ code: 'INVALID_CRON', line: 7 }] })
    expect(invalid && formatLogLine(invalid)?.split('\n')[1]).toMatch(/bad\.yaml:7:\d+: error INVALID_CRON: Cron '61 \* \* \* \*' is invalid/)
    await daemon.stop()
  })

  test('a second daemon on the same state dir is refused while the first holds the lock', async () => {
    const dir = await project({ 'a.yaml': specText('a', EVERY_15) })
    const first = await start(dir, ['a.yaml'])
    // The first daemon runs in this very process; make its lock look like another live process's.
    const lockPath = schedulerPaths(join(dir, '.weir')).lock
    const original = await readFile(lockPath, 'utf8')
    const lock = JSON.parse(original)
    await writeFile(lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: lock.startedAt }))
    await expect(start(dir, ['a.yaml'])).rejects.toMatchObject({ code: 'SCHEDULER_LOCKED' })
    await writeFile(lockPath, original)
    await first.daemon.stop()
    await expect(readFile(lockPath, 'utf8')).rejects.toThrow()
  })

  test('stopNow cancels the running run without waiting out the grace period and releases the lock', async () => {
    const dir = await project({ 'a.yaml': specText('a', EVERY_15) })
    const { daemon, log, clock, runner } = await start(dir, ['a.yaml'])
    const fired = log.next('fire:start')
    clock.set('2027-03-27T12:15:00Z')
    await fired
    await daemon.stopNow()
    expect(runner.calls[0]?.options.signal?.aborted).toBe(true)
    expect(log.of('scheduler:abort')).toMatchObject([{ running: 1 }])
    expect(formatLogLine(log.of('scheduler:abort')[0]!)).toMatch(/stopping at once: cancelled 1 run without waiting for it to end/)
    await expect(readFile(schedulerPaths(join(dir, '.weir')).lock, 'utf8')).rejects.toThrow()
  })

  test('no scheduled spec is an error, and the lock is released', async () => {
    const dir = await project({ 'plain.yaml': specText('plain', '') })
    await expect(start(dir, ['plain.yaml'])).rejects.toMatchObject({ code: 'SCHEDULE_NOTHING' })
    await expect(readFile(schedulerPaths(join(dir, '.weir')).lock, 'utf8')).rejects.toThrow()
  })

  test('reload picks up a changed spec; an invalid one keeps the previous version', async () => {
    const dir = await project({ 'a.yaml': specText('a', EVERY_15) })
    const { daemon, log, clock, runner } = await start(dir, ['a.yaml'])
    await writeFile(join(dir, 'a.yaml'), specText('a', 'schedule: { cron: "* * * * *", timezone: Europe/Berlin }\n'))
    await daemon.reload()
    expect(log.of('pipeline:update')).toMatchObject([{ pipeline: 'a', cron: '* * * * *' }])
    await writeFile(join(dir, 'a.yaml'), specText('a', 'schedule: { cron: "* * * * *", timezone: Europe/Berln }\n'))
    await daemon.reload()
    expect(log.of('spec:invalid')).toMatchObject([{ kept: 'a', diagnostics: [{ code: 'UNKNOWN_TIMEZONE' }] }])
    expect(log.of('pipeline:remove')).toEqual([])
    const fired = log.next('fire:start')
    clock.set('2027-03-27T12:01:00Z')
    expect(await fired).toMatchObject({ pipeline: 'a', scheduledAt: '2027-03-27T13:01:00+01:00' })
    runner.active().forEach((c) => c.finish())
    await daemon.stop()
  })
})
