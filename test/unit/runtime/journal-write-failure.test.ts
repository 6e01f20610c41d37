/**
 * A run store that cannot be written (a full disk): the failure is injected at the journal's write
 * (the appender's `writeSync` to a `journal.jsonl`), which then behaves as on a full disk: a write
 * larger than the room left writes what fits (a short write) and the next one fails with ENOSPC. The
 * run must stop, fail, tell no success the journal does not have, and leave a journal that reads as a
 * crash and resumes once there is room again. The summary's write is failed the same way.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type * as Fs from 'node:fs'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { listRuns, loadRun, runDir } from '../../../src/runtime/run-store/read-runs.ts'
import { parseJournal, replayJournal } from '../../../src/runtime/run-store/replay.ts'
import type { RunEvent } from '../../../src/runtime/api.ts'
import { fail, mapIo, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'

/** The disk the journals are on: bytes of room left, and whether summary.json files can be written. */
const disk = vi.hoisted(() => ({ room: Number.POSITIVE_INFINITY, summaryFull: false, journals: new Set<number>() }))

const noSpace = (syscall: string): Error => Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC', errno: -28, syscall })

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>()
  const openSync = ((path: Fs.PathLike, ...rest: unknown[]) => {
    const fd = (fs.openSync as (...args: unknown[]) => number)(path, ...rest)
    if (String(path).endsWith('journal.jsonl')) disk.journals.add(fd)
    return fd
  }) as typeof fs.openSync
  const closeSync = ((fd: number) => {
    disk.journals.delete(fd)
    fs.closeSync(fd)
  }) as typeof fs.closeSync
  const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    if (!disk.journals.has(fd) || length <= disk.room) {
      if (disk.journals.has(fd)) disk.room -= length
      return fs.writeSync(fd, buffer, offset, length)
    }
    if (disk.room === 0) throw noSpace('write')
    // What fits goes in, as the kernel does on a nearly full disk; the caller's next write fails.
    const written = fs.writeSync(fd, buffer, offset, disk.room)
    disk.room = 0
    return written
  }) as typeof fs.writeSync
  const writeFileSync = ((path: Fs.PathOrFileDescriptor, data: string, ...rest: unknown[]) => {
    if (disk.summaryFull && String(path).includes('.summary.json.')) {
      // The file is created, and nothing fits in it: a real full disk leaves this 0-byte file.
      fs.writeFileSync(path, '')
      throw noSpace('write')
    }
    return (fs.writeFileSync as (...args: unknown[]) => void)(path, data, ...rest)
  }) as typeof fs.writeFileSync
  const mocked = { ...fs, openSync, closeSync, writeSync, writeFileSync }
  return { ...mocked, default: mocked }
})

afterEach(() => {
  disk.room = Number.POSITIVE_INFINITY
  disk.summaryFull = false
})

/** A pid that is not running (pids are below 2^22 on Linux). */
const DEAD_PID = 4_194_303

const ITEMS = Array.from({ length: 60 }, (_, i) => i)

/** The probe's pipeline: `fill` fills the disk, a map of 60 items, `freeit` makes room again, then `z`. */
const probeSpec = specText('full', { fill: '', m: `foreach: [${ITEMS.join(', ')}]\nneeds: [fill]`, freeit: 'needs: [m]', z: 'needs: [freeit]' })

function journalOf(stateDir: string, runId: string): Promise<string> {
  return readFile(join(runDir(stateDir, runId), 'journal.jsonl'), 'utf8')
}

/** The run as its journal says once its process is gone. */
async function replayedGone(stateDir: string, runId: string) {
  return replayJournal(parseJournal(await journalOf(stateDir, runId)), runDir(stateDir, runId), () => false)!
}

describe('a journal that cannot be written', () => {
  test('stops the run: it fails, says why once, tells no success the journal lacks, and leaves a journal that reads as a crash', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(probeSpec)
    const events: RunEvent[] = []
    const executor = scriptedExecutor({
      // Room for the fill's success and some of the map's lines: the disk fills in the middle of the map.
      fill: () => ((disk.room = 2000), ok()),
      m: async () => (await new Promise((r) => setTimeout(r, 5)), ok()),
      freeit: () => ((disk.room = Number.POSITIVE_INFINITY), ok()),
    })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'full-1', onEvent: (e) => events.push(e) })

    expect(result.status).toBe('failed')
    const errors = events.filter((e) => e.type === 'run:store-error')
    expect(errors).toEqual([
      expect.objectContaining({ file: 'journal.jsonl', path: join(runDir(stateDir, 'full-1'), 'journal.jsonl'), error: expect.objectContaining({ code: 'ENOSPC', origin: 'system' }) }),
    ])
    // Nothing after the failure ran: the run stopped as a cancel stops it.
    expect(executor.calls.map((c) => c.task.id)).not.toContain('freeit')
    expect(result.tasks).toMatchObject({ fill: { status: 'succeeded' }, m: { status: 'cancelled' }, freeit: { status: 'cancelled' }, z: { status: 'cancelled' } })
    const told = events.filter((e) => e.type === 'task:succeed').map((e) => (e as { taskId: string }).taskId)
    expect(told).toEqual(['fill'])

    // The journal stops in the middle of a line, as after a kill -9, and reads as an interrupted run.
    const text = await journalOf(stateDir, 'full-1')
    expect(text.endsWith('\n')).toBe(false)
    const stored = await replayedGone(stateDir, 'full-1')
    expect(stored.status).toBe('interrupted')
    expect(stored.tasks).toMatchObject({ fill: { status: 'succeeded' }, m: { status: 'interrupted' }, freeit: { status: 'pending' }, z: { status: 'pending' } })
    // Exactly the items the journal has as succeeded were told and are counted as succeeded.
    const storedItems = stored.tasks.m!.items!.flatMap((item, index) => (item.status === 'succeeded' ? [index] : []))
    const toldItems = events.flatMap((e) => (e.type === 'item:succeed' ? [e.index] : []))
    expect(storedItems.length).toBeGreaterThan(0)
    expect(toldItems.sort((a, b) => a - b)).toEqual(storedItems)
    expect(result.tasks.m!.items!.succeeded).toBe(storedItems.length)
    // No summary contradicts the journal.
    expect(await readdir(runDir(stateDir, 'full-1'))).toEqual(['journal.jsonl'])
  })

  test('a success it could not take is not told and starts nothing downstream', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('chain', { a: '', b: 'needs: [a]', c: '' }))
    const events: RunEvent[] = []
    const executor = scriptedExecutor({ a: () => ((disk.room = 0), ok()), c: () => new Promise((r) => setTimeout(() => r(ok()), 50)) })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'chain-1', concurrency: 1, onEvent: (e) => events.push(e) })
    expect(result.status).toBe('failed')
    expect(result.tasks).toMatchObject({ a: { status: 'cancelled' }, b: { status: 'cancelled', attempts: 0 }, c: { status: 'cancelled', attempts: 0 } })
    expect(executor.calls.map((call) => call.task.id)).toEqual(['a'])
    expect(events.some((e) => e.type === 'task:succeed')).toBe(false)
    expect((await replayedGone(stateDir, 'chain-1')).tasks.a!.status).not.toBe('succeeded')
  })

  test('a running task is cancelled through its signal when the journal fails', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('pair', { slow: '', filler: '' }))
    let aborted = false
    const executor = scriptedExecutor({
      slow: (request) =>
        new Promise((resolve) => {
          request.signal.addEventListener('abort', () => ((aborted = true), resolve({ status: 'cancelled' })))
        }),
      filler: () => ((disk.room = 0), ok()),
    })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'pair-1' })
    expect(aborted).toBe(true)
    expect(result).toMatchObject({ status: 'failed', tasks: { slow: { status: 'cancelled' }, filler: { status: 'cancelled' } } })
  })

  test('once there is room again, a resume runs what the journal lacks and reuses what it has', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(probeSpec)
    const io = mapIo()
    await runPipeline(pipeline, {
      executor: scriptedExecutor({ fill: () => ((disk.room = 2000), ok()) }),
      ioPlugins: [io],
      stateDir,
      runId: 'full-2',
    })
    disk.room = Number.POSITIVE_INFINITY
    // Its process is gone (here it is the test's own, which still lives: say it is another's).
    const path = join(runDir(stateDir, 'full-2'), 'journal.jsonl')
    const [header, ...rest] = (await readFile(path, 'utf8')).split('\n')
    await writeFile(path, [JSON.stringify({ ...JSON.parse(header!), pid: DEAD_PID }), ...rest].join('\n'))
    const recorded = (await loadRun(stateDir, 'full-2'))!
    expect(recorded.status).toBe('interrupted')
    const reusedItems = recorded.tasks.m!.items!.filter((item) => item.status === 'succeeded').length

    const executor = scriptedExecutor()
    const resumed = await runPipeline(pipeline, { executor, ioPlugins: [io], stateDir, runId: 'full-3', resumeFrom: 'full-2' })
    expect(resumed.status).toBe('succeeded')
    const ran = executor.calls.map((c) => c.task.id)
    expect(ran).not.toContain('fill')
    expect(ran.filter((id) => id === 'm')).toHaveLength(ITEMS.length - reusedItems)
    expect(ran).toContain('z')
  })

  test('a run whose end record cannot be written fails too: its record is not whole', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('end', { a: '', b: 'needs: [a]' }))
    const events: RunEvent[] = []
    const result = await runPipeline(pipeline, {
      executor: scriptedExecutor(),
      ioPlugins: [mapIo()],
      stateDir,
      runId: 'end-1',
      onEvent: (e) => {
        // b's success is written (it is told once it is); the finish record that follows is not.
        if (e.type === 'task:succeed' && e.taskId === 'b') disk.room = 0
        events.push(e)
      },
    })
    expect(result).toMatchObject({ status: 'failed', tasks: { a: { status: 'succeeded' }, b: { status: 'succeeded' } } })
    expect(events.filter((e) => e.type === 'run:store-error')).toEqual([expect.objectContaining({ file: 'journal.jsonl' })])
    expect(events.at(-1)).toMatchObject({ type: 'run:finish', result: { status: 'failed' } })
    const stored = await replayedGone(stateDir, 'end-1')
    expect(stored).toMatchObject({ status: 'interrupted', tasks: { a: { status: 'succeeded' }, b: { status: 'succeeded' } } })
    expect(await readdir(runDir(stateDir, 'end-1'))).toEqual(['journal.jsonl'])
  })

  test('a run whose header cannot be written is refused before it starts, naming the journal', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('none', { a: '' }))
    const executor = scriptedExecutor()
    disk.room = 0
    const error = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'none-1' }).catch((e: unknown) => e as Error & { code?: string })
    expect(error).toMatchObject({ code: 'ENOSPC', message: `ENOSPC: no space left on device, write '${join(runDir(stateDir, 'none-1'), 'journal.jsonl')}'` })
    expect(executor.calls).toEqual([])
  })

  test('a resume whose reused successes cannot be written starts nothing', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('again', { a: '', b: 'needs: [a]' }))
    const io = mapIo()
    await runPipeline(pipeline, { executor: scriptedExecutor({ b: () => fail() }), ioPlugins: [io], stateDir, runId: 'again-1' })
    const executor = scriptedExecutor()
    const events: RunEvent[] = []
    const result = await runPipeline(pipeline, {
      executor,
      ioPlugins: [io],
      stateDir,
      runId: 'again-2',
      resumeFrom: 'again-1',
      onEvent: (e) => {
        // run:start comes once the header is written, before the reuse records are: room for the one, not the others.
        if (e.type === 'run:start') disk.room = 0
        events.push(e)
      },
    })
    expect(executor.calls).toEqual([])
    expect(result).toMatchObject({ status: 'failed', tasks: { a: { status: 'succeeded', attempts: 0 }, b: { status: 'cancelled', attempts: 0 } } })
    expect(events.filter((e) => e.type === 'run:store-error')).toHaveLength(1)
  })
})

describe('a summary that cannot be written', () => {
  test('leaves no temp file, says which file, and changes nothing else: the journal has the whole run', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('summary', { a: '', b: 'needs: [a]' }))
    disk.summaryFull = true
    const events: RunEvent[] = []
    const result = await runPipeline(pipeline, { executor: scriptedExecutor(), ioPlugins: [mapIo()], stateDir, runId: 'sum-1', onEvent: (e) => events.push(e) })
    expect(result.status).toBe('succeeded')
    expect(events.filter((e) => e.type === 'run:store-error')).toEqual([
      expect.objectContaining({ file: 'summary.json', path: join(runDir(stateDir, 'sum-1'), 'summary.json'), error: expect.objectContaining({ code: 'ENOSPC' }) }),
    ])
    expect(events.at(-1)?.type).toBe('run:finish')
    expect(await readdir(runDir(stateDir, 'sum-1'))).toEqual(['journal.jsonl'])
    expect(await listRuns(stateDir)).toEqual([expect.objectContaining({ runId: 'sum-1', status: 'succeeded', taskCounts: { succeeded: 2 } })])
  })
})
