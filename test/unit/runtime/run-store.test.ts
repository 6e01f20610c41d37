import { builtinIo } from '../../../src/plugins/builtins.ts'
import { describe, expect, test, vi } from 'vitest'
import { appendFile, readFile, readdir, writeFile, mkdir, utimes } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { removeLeftOverTempFiles, tempPathFor } from '../../../src/plugins/io/temp-files.ts'
import { recordRunProcess } from '../../../src/runtime/run-store/run-processes.ts'
import { processStartTime, readProcessStartTime } from '../../../src/plugins/io/process-alive.ts'
import { basename, join } from 'node:path'
import { hostname } from 'node:os'
import { createHash } from 'node:crypto'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { listRuns, loadRun, runDir } from '../../../src/runtime/run-store/read-runs.ts'
import { parseJournal, replayJournal } from '../../../src/runtime/run-store/replay.ts'
import { planResume } from '../../../src/runtime/plan-resume.ts'
import { fail, mapIo, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'

const header = (runId: string, pid: number) =>
  JSON.stringify({ e: 'run', v: 1, runId, pipeline: 'p', specHash: 'h', sourcePath: '/x.yaml', params: {}, trigger: 'manual', tasks: ['a', 'b'], at: 1000, pid, host: hostname() })

/** A pid that is not running (pids are below 2^22 on Linux). */
const DEAD_PID = 4_194_303

describe('the run store', () => {
  test('records a finished run: attempts, errors with origin, outputs, values, summary and logs', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('store', { a: 'retries: { max: 1, delay: 0ms }', b: 'needs: [a]' }))
    let tries = 0
    const executor = scriptedExecutor({
      a: (r) => {
        r.log.info('hello from a', { n: 1 })
        return ++tries === 1 ? fail('first try') : { status: 'succeeded', output: { uri: 'test://x', format: 'json', io: 'fs' }, values: { n: 3 } }
      },
      b: () => fail('b broke'),
    })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'run-1', params: {} })
    const run = (await loadRun(stateDir, 'run-1'))!
    expect(run).toMatchObject({ runId: 'run-1', pipeline: 'store', status: 'failed', trigger: 'manual', specHash: pipeline.specHash })
    expect(run.tasks.a).toMatchObject({ status: 'succeeded', output: { uri: 'test://x' }, values: { n: 3 } })
    expect(run.tasks.a!.attempts.map((a) => [a.attempt, a.status, a.error?.message])).toEqual([[1, 'failed', 'first try'], [2, 'succeeded', undefined]])
    expect(run.tasks.b).toMatchObject({ status: 'failed', error: { message: 'b broke', origin: 'user' } })
    expect(result.tasks.a!.output).toBe('test://x')
    const log = await readFile(join(run.logDir, 'a.log'), 'utf8')
    expect(log).toMatch(/\[attempt 1\] INFO  hello from a \{"n":1\}/)
    expect(log).toMatch(/\[attempt 1\] ERROR HANDLER_ERROR: first try/)
    expect(await listRuns(stateDir)).toMatchObject([{ runId: 'run-1', pipeline: 'store', status: 'failed', trigger: 'manual', taskCounts: { succeeded: 1, failed: 1 } }])
  })

  test('a run whose process died shows interrupted, with its running attempt interrupted', async () => {
    const stateDir = await tempDir()
    await mkdir(runDir(stateDir, 'dead'), { recursive: true })
    await writeFile(join(runDir(stateDir, 'dead'), 'journal.jsonl'), `${header('dead', DEAD_PID)}\n{"e":"start","task":"a","attempt":1,"at":1001}\n`)
    const run = (await loadRun(stateDir, 'dead'))!
    expect(run.status).toBe('interrupted')
    expect(run.tasks.a).toMatchObject({ status: 'interrupted', attempts: [{ attempt: 1, status: 'interrupted' }] })
    expect(run.tasks.b).toMatchObject({ status: 'pending' })
    expect(await listRuns(stateDir)).toMatchObject([{ runId: 'dead', status: 'interrupted' }])
  })

  test('a run whose process died still shows running while one of its task processes lives (issue 15)', async () => {
    const stateDir = await tempDir()
    const dir = runDir(stateDir, 'orphaned')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'journal.jsonl'), `${header('orphaned', DEAD_PID)}\n{"e":"start","task":"a","attempt":1,"at":1001}\n`)
    const forget = recordRunProcess(dir, process.pid)
    const run = (await loadRun(stateDir, 'orphaned'))!
    expect(run).toMatchObject({ status: 'running', taskProcesses: [process.pid], tasks: { a: { status: 'running' } } })
    const pipeline = await pipelineFromYaml(specText('p', { a: '', b: '' }))
    expect(() => planResume(pipeline, run)).toThrow(`Run 'orphaned' is still running (its process ${DEAD_PID} is gone but its task process ${process.pid} still runs; one whose handler blocks in a loop never stops by itself: kill ${process.pid}); wait for it or stop it first.`)
    await forget()
    expect(await loadRun(stateDir, 'orphaned')).toMatchObject({ status: 'interrupted', tasks: { a: { status: 'interrupted' } } })
  })

  test.skipIf(!existsSync('/proc/self/stat'))('a recorded task process whose pid now belongs to another process counts as gone, issue 15 (skipped: where there is no /proc)', async () => {
    const stateDir = await tempDir()
    const dir = runDir(stateDir, 'reused')
    await mkdir(join(dir, 'processes'), { recursive: true })
    await writeFile(join(dir, 'journal.jsonl'), `${header('reused', DEAD_PID)}\n`)
    // The parent of this process lives, but it started at another time than the one recorded.
    await writeFile(join(dir, 'processes', String(process.ppid)), JSON.stringify({ host: hostname(), startTime: '1' }))
    expect(await loadRun(stateDir, 'reused')).toMatchObject({ status: 'interrupted' })
    await writeFile(join(dir, 'processes', String(process.ppid)), JSON.stringify({ host: hostname(), startTime: processStartTime(process.ppid) }))
    expect(await loadRun(stateDir, 'reused')).toMatchObject({ status: 'running', taskProcesses: [process.ppid] })
  })

  test.skipIf(!existsSync('/proc/self/stat'))('a task process is recorded at once, its start time added once read, and a forgotten one is never written back (skipped: where there is no /proc)', async () => {
    const dir = runDir(await tempDir(), 'recorded')
    const file = join(dir, 'processes', String(process.ppid))
    const forget = recordRunProcess(dir, process.ppid)
    // Recorded before anything else runs; the start time is not waited for.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ host: hostname() })
    await vi.waitFor(() => expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ host: hostname(), startTime: processStartTime(process.ppid) }))
    await forget()
    expect(existsSync(file)).toBe(false)
    await recordRunProcess(dir, process.ppid)()
    // Its start time is read after it was forgotten: the record stays gone.
    await readProcessStartTime(process.ppid)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(existsSync(file)).toBe(false)
  })

  test.skipIf(!existsSync('/proc/self/stat'))("a run whose pid now belongs to another process counts as interrupted (a container restart reuses pids; the UI's cancel would signal that process) (skipped: where there is no /proc)", async () => {
    const stateDir = await tempDir()
    const dir = runDir(stateDir, 'pid-reused')
    await mkdir(dir, { recursive: true })
    // The parent of this process lives; recorded with another start time, its pid was taken over.
    const withStart = (startTime: string | undefined) => JSON.stringify({ ...JSON.parse(header('pid-reused', process.ppid)), pidStartTime: startTime })
    await writeFile(join(dir, 'journal.jsonl'), `${withStart('1')}\n`)
    expect(await loadRun(stateDir, 'pid-reused')).toMatchObject({ status: 'interrupted' })
    await writeFile(join(dir, 'journal.jsonl'), `${withStart(processStartTime(process.ppid))}\n`)
    expect(await loadRun(stateDir, 'pid-reused')).toMatchObject({ status: 'running' })
  })

  test.skipIf(!existsSync('/proc/self/stat'))('the journal records when the run process started (skipped: where there is no /proc)', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('p', { a: '' }))
    const result = await runPipeline(pipeline, { stateDir, executor: scriptedExecutor() })
    const first = JSON.parse(readFileSync(join(runDir(stateDir, result.runId), 'journal.jsonl'), 'utf8').split('\n')[0]!)
    expect(first).toMatchObject({ e: 'run', pid: process.pid, pidStartTime: processStartTime(process.pid) })
  })

  test('a run whose process lives shows running', async () => {
    const run = replayJournal(parseJournal(`${header('live', process.pid)}\n`), '/d', () => true)
    expect(run?.status).toBe('running')
  })

  test('tolerates a torn last line at every byte: never corrupt, never throws', async () => {
    const lines = [
      header('torn', DEAD_PID),
      '{"e":"start","task":"a","attempt":1,"at":1001}',
      '{"e":"succeed","task":"a","attempt":1,"at":1002,"output":{"uri":"file:///o","format":"json","io":"fs"}}',
      '{"e":"start","task":"b","attempt":1,"at":1003}',
    ]
    const full = lines.join('\n') + '\n'
    const lastStart = full.length - lines[3]!.length - 1
    for (let cut = lastStart; cut <= full.length; cut++) {
      const run = replayJournal(parseJournal(full.slice(0, cut)), '/d', () => false)!
      expect(run.status).toBe('interrupted')
      expect(run.tasks.a).toMatchObject({ status: 'succeeded', output: { uri: 'file:///o' } })
      expect(['pending', 'interrupted']).toContain(run.tasks.b!.status)
    }
    // A torn line followed by more appends (a later writer) costs only that line.
    const stateDir = await tempDir()
    await mkdir(runDir(stateDir, 'torn'), { recursive: true })
    await writeFile(join(runDir(stateDir, 'torn'), 'journal.jsonl'), full.slice(0, full.length - 10))
    await appendFile(join(runDir(stateDir, 'torn'), 'journal.jsonl'), '\n{"e":"finish","status":"failed","at":2000}\n')
    expect(await loadRun(stateDir, 'torn')).toMatchObject({ status: 'failed', tasks: { a: { status: 'succeeded' } } })
  })

  test('unknown or unsafe run ids load as undefined', async () => {
    const stateDir = await tempDir()
    expect(await loadRun(stateDir, 'nope')).toBeUndefined()
    expect(await loadRun(stateDir, '../etc')).toBeUndefined()
    expect(await listRuns(stateDir)).toEqual([])
  })

  test('writes one journal file per run, in batches (not one write per state change)', async () => {
    const stateDir = await tempDir()
    const tasks = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`t${i}`, i ? `needs: [t${i - 1}]` : '']))
    const pipeline = await pipelineFromYaml(specText('chain', tasks))
    await runPipeline(pipeline, { executor: scriptedExecutor(), ioPlugins: [mapIo()], stateDir, runId: 'chain-1' })
    expect((await readdir(runDir(stateDir, 'chain-1'))).sort()).toEqual(['journal.jsonl', 'summary.json'])
    const records = parseJournal(await readFile(join(runDir(stateDir, 'chain-1'), 'journal.jsonl'), 'utf8'))
    expect(records).toHaveLength(1 + 200 * 2 + 1)
  })
})

describe('durability of a success (issue 15)', () => {
  /** What the journal on disk says of each task right now (read synchronously: no turn of the event loop). */
  const statusesOnDisk = (stateDir: string, runId: string) => {
    const run = replayJournal(parseJournal(readFileSync(join(runDir(stateDir, runId), 'journal.jsonl'), 'utf8')), '/d', () => true)!
    return Object.fromEntries(Object.values(run.tasks).map((t) => [t.id, t.status]))
  }

  test('a success is written to the journal before any downstream task starts', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('durable', { a: '', b: 'needs: [a]', c: 'needs: [b]' }))
    const seen: Record<string, Record<string, string>> = {}
    const executor = scriptedExecutor({
      b: () => ((seen.b = statusesOnDisk(stateDir, 'd-1')), ok()),
      c: () => ((seen.c = statusesOnDisk(stateDir, 'd-1')), ok()),
    })
    await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'd-1' })
    expect(seen.b).toMatchObject({ a: 'succeeded' })
    expect(seen.c).toMatchObject({ a: 'succeeded', b: 'succeeded' })
  })

  test('a success is written to the journal before the run reports it (task:succeed)', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('reported', { a: '', b: '' }))
    const seen: Record<string, string | undefined> = {}
    await runPipeline(pipeline, {
      executor: scriptedExecutor(),
      ioPlugins: [mapIo()],
      stateDir,
      runId: 'r-1',
      onEvent: (event) => {
        if (event.type === 'task:succeed') seen[event.taskId] = statusesOnDisk(stateDir, 'r-1')[event.taskId]
      },
    })
    expect(seen).toEqual({ a: 'succeeded', b: 'succeeded' })
  })

  test('the reuse records of a resume are written before its first task starts', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('reused', { a: '', b: 'needs: [a]' }))
    await runPipeline(pipeline, { executor: scriptedExecutor({ b: () => fail() }), ioPlugins: [mapIo()], stateDir, runId: 'u-1' })
    let seen: Record<string, string> = {}
    const executor = scriptedExecutor({ b: () => ((seen = statusesOnDisk(stateDir, 'u-2')), ok()) })
    await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId: 'u-2', resumeFrom: 'u-1' })
    expect(seen).toMatchObject({ a: 'succeeded' })
  })
})

describe('temp files of writers that died (issue 15)', () => {
  /** A temp file name for `target` as if process `pid` on machine `hostTag` (default this one) wrote it. */
  const tempName = (target: string, pid: number, hostTag?: string) => {
    const mine = basename(tempPathFor(join('/x', target)))
    const [, name, , ownTag, rest] = /^(\..+)\.(\d+)\.([0-9a-f]{8})\.(.+)$/.exec(mine)!
    return `${name}.${pid}.${hostTag ?? ownTag}.${rest}`
  }
  const otherHost = (name: string) => tempName('output.json', DEAD_PID, /\.([0-9a-f]{8})\./.exec(name)![1] === '00000000' ? '11111111' : '00000000')

  test('removes the temp files of dead writers, anywhere below a folder, and nothing else', async () => {
    const root = await tempDir()
    const deep = join(root, 'data', 'p', 'run-1', 'a')
    await mkdir(deep, { recursive: true })
    const files = {
      dead: join(deep, tempName('output.json', DEAD_PID)),
      live: join(deep, tempName('output.json', process.pid)),
      elsewhere: join(deep, otherHost(tempName('output.json', DEAD_PID))),
      // Named as weir versions before named this machine (8 hex digits of its name's sha256).
      deadEarlierVersion: join(deep, tempName('output.bin', DEAD_PID, createHash('sha256').update(hostname()).digest('hex').slice(0, 8))),
      oldUnnamed: join(deep, '.output.bin.0b0d8d6e-6c36-4a52-9d9e-2f7a8f6a7b1c.tmp'),
      newUnnamed: join(deep, '.output.bin.1b0d8d6e-6c36-4a52-9d9e-2f7a8f6a7b1c.tmp'),
      deadState: join(root, `schedule-state.json.${DEAD_PID}.tmp`),
      liveState: join(root, `schedule-state.json.${process.pid}.tmp`),
      output: join(deep, 'output.json'),
      userTmp: join(deep, 'notes.tmp'),
    }
    for (const path of Object.values(files)) await writeFile(path, 'x'.repeat(10))
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    await utimes(files.oldUnnamed, twoHoursAgo, twoHoursAgo)
    const removed = await removeLeftOverTempFiles(root)
    expect(removed.map((f) => f.path).sort()).toEqual([files.dead, files.deadEarlierVersion, files.oldUnnamed, files.deadState].sort())
    expect(removed.every((f) => f.bytes === 10)).toBe(true)
    const left = [...(await readdir(deep)), ...(await readdir(root))]
    for (const kept of [files.live, files.elsewhere, files.newUnnamed, files.liveState, files.output, files.userTmp]) expect(left).toContain(basename(kept))
  })

  test('a resume removes what dead writers of the resumed run left in its output folders, and keeps a live writer\'s file', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('leftovers', { a: '', b: 'needs: [a]' }))
    await runPipeline(pipeline, { executor: scriptedExecutor({ b: () => fail() }), stateDir, runId: 'killed' })
    const folder = join(stateDir, 'data', 'leftovers', 'killed', 'b')
    await mkdir(folder, { recursive: true })
    const dead = join(folder, tempName('output.json', DEAD_PID))
    const live = join(folder, tempName('output.json', process.pid))
    await writeFile(dead, 'half an output')
    await writeFile(live, 'being written')
    await writeFile(join(runDir(stateDir, 'killed'), tempName('summary.json', DEAD_PID)), '{')
    const resumed = await runPipeline(pipeline, { executor: scriptedExecutor(), ioPlugins: builtinIo, stateDir, runId: 'resumed', resumeFrom: 'killed' })
    expect(resumed.status).toBe('succeeded')
    expect(await readdir(folder)).toEqual([basename(live)])
    expect((await readdir(runDir(stateDir, 'killed'))).filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect(await readFile(join(runDir(stateDir, 'resumed'), 'logs', '_weir.log'), 'utf8')).toContain(`removed '${dead}' (14 bytes), left by a process of run 'killed' that died while writing it`)
  })
})

describe('resume', () => {
  test('a resume killed before it recorded anything (its header alone) is resumed as the run it resumed: finished tasks do not run again', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('chain', { a: '', b: 'needs: [a]', c: 'needs: [b]' }))
    const io = mapIo()
    const out = { status: 'succeeded' as const, output: { uri: 'test://first/a', format: 'json' as const, io: 'fs' }, values: {} }
    await runPipeline(pipeline, { executor: scriptedExecutor({ a: () => out, b: () => fail('b broke') }), ioPlugins: [io], stateDir, runId: 'first' })
    // The resume's process was killed between its header and its reuse records.
    await mkdir(runDir(stateDir, 'killed'), { recursive: true })
    const killedHeader = { e: 'run', v: 1, runId: 'killed', pipeline: 'chain', specHash: pipeline.specHash, sourcePath: pipeline.sourcePath, params: {}, trigger: 'resume', resumedFrom: 'first', tasks: ['a', 'b', 'c'], at: 1000, pid: DEAD_PID, host: hostname() }
    await writeFile(join(runDir(stateDir, 'killed'), 'journal.jsonl'), `${JSON.stringify(killedHeader)}\n`)
    expect((await loadRun(stateDir, 'killed'))!.tasks.a).toMatchObject({ status: 'pending' })
    const executor = scriptedExecutor()
    const resumed = await runPipeline(pipeline, { executor, ioPlugins: [io], stateDir, runId: 'again', resumeFrom: 'killed' })
    expect(resumed.status).toBe('succeeded')
    expect(executor.calls.map((c) => c.task.id)).toEqual(['b', 'c'])
    expect(executor.calls[0]!.upstreamOutputs).toEqual({ a: out.output })
  })

  test('re-runs failed, skipped and downstream tasks; reuses the exact stored outputs of the others', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(
      specText('resume', { a: '', b: 'needs: [a]', c: 'needs: [b]', d: 'needs: [a]', alert: 'needs: [b, d]\ntrigger: one_failed' }, 'params: { n: { type: integer, default: 1 } }\n'),
    )
    const io = mapIo()
    const out = (id: string) => ({ status: 'succeeded' as const, output: { uri: `test://first/${id}`, format: 'json' as const, io: 'fs' }, values: { v: id } })
    const first = await runPipeline(pipeline, {
      executor: scriptedExecutor({ a: () => out('a'), b: () => fail('b broke'), d: () => out('d') }),
      ioPlugins: [io],
      stateDir,
      runId: 'first',
      params: { n: 7 },
    })
    expect(first.tasks).toMatchObject({ a: { status: 'succeeded' }, b: { status: 'failed' }, c: { status: 'skipped' }, d: { status: 'succeeded' }, alert: { status: 'succeeded' } })

    const plan = planResume(pipeline, (await loadRun(stateDir, 'first'))!)
    expect(plan.rerun).toEqual(['b', 'c', 'alert'])
    expect([...plan.reuse.keys()]).toEqual(['a', 'd'])
    expect(plan.reasons.get('c')).toBe('skipped (upstream_failed)')
    expect(plan.reasons.get('alert')).toBe("downstream of 'b'")
    expect(plan.specChanged).toBe(false)
    expect(planResume({ ...pipeline, specHash: 'edited' }, (await loadRun(stateDir, 'first'))!).specChanged).toBe(true)

    const executor = scriptedExecutor()
    const second = await runPipeline(pipeline, { executor, ioPlugins: [io], stateDir, runId: 'second', resumeFrom: 'first' })
    expect(second.status).toBe('succeeded')
    expect(executor.calls.map((c) => c.task.id)).toEqual(['b', 'c']) // alert re-judged: now excluded
    const b = executor.calls[0]!
    expect(b.upstreamOutputs).toEqual({ a: { uri: 'test://first/a', format: 'json', io: 'fs' } })
    expect(b.upstreamValues).toEqual({ a: { v: 'a' } })
    expect(b.params).toEqual({ n: 7 })
    expect(second.tasks).toMatchObject({ a: { status: 'succeeded', attempts: 0, output: 'test://first/a' }, alert: { status: 'skipped', skipReason: 'excluded' } })
    const stored = (await loadRun(stateDir, 'second'))!
    expect(stored).toMatchObject({ trigger: 'resume', resumedFrom: 'first', tasks: { a: { reusedFrom: 'first' }, d: { reusedFrom: 'first' } } })
  })

  test('two resumes of one run started at once: one runs, the other is refused (issue 15)', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('twice', { a: '', b: 'needs: [a]' }))
    await runPipeline(pipeline, { executor: scriptedExecutor({ b: () => fail() }), ioPlugins: [mapIo()], stateDir, runId: 'once' })
    let open!: () => void
    const gate = new Promise<void>((r) => (open = r))
    const executor = scriptedExecutor({ b: async () => (await gate, ok()) })
    const resumes = ['again-1', 'again-2'].map((runId) => runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, runId, resumeFrom: 'once' }))
    // The winner waits at the gate, so the first to settle is the one refused.
    const refused = await Promise.race(resumes.map((p) => p.then(() => undefined, (error: unknown) => error)))
    open()
    const settled = await Promise.allSettled(resumes)
    expect(refused).toMatchObject({ code: 'RESUME_MISMATCH', message: expect.stringMatching(/^Run 'once' is already being resumed by run 'again-[12]' \(process \d+\)/) })
    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(executor.calls.map((c) => c.task.id)).toEqual(['b'])
    // The lock goes with the resume that held it: the run may be resumed again afterwards.
    expect((await readdir(runDir(stateDir, 'once'))).filter((n) => n.includes('lock'))).toEqual([])
    await expect(runPipeline(pipeline, { executor: scriptedExecutor(), ioPlugins: [mapIo()], stateDir, resumeFrom: 'once' })).resolves.toMatchObject({ status: 'succeeded' })
  })

  test('a resume lock left by a dead process does not block a resume (issue 15)', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('stale', { a: '', b: 'needs: [a]' }))
    await runPipeline(pipeline, { executor: scriptedExecutor({ b: () => fail() }), ioPlugins: [mapIo()], stateDir, runId: 'once' })
    await writeFile(join(runDir(stateDir, 'once'), 'resume-1.lock'), JSON.stringify({ pid: DEAD_PID, host: hostname(), runId: 'killed' }))
    const executor = scriptedExecutor()
    await expect(runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, resumeFrom: 'once' })).resolves.toMatchObject({ status: 'succeeded' })
    expect(executor.calls.map((c) => c.task.id)).toEqual(['b'])
    expect((await readdir(runDir(stateDir, 'once'))).filter((n) => n.includes('lock'))).toEqual([])
  })

  test('a resume lock held by a live process refuses the resume and names it (issue 15)', async () => {
    const stateDir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('held', { a: '', b: 'needs: [a]' }))
    await runPipeline(pipeline, { executor: scriptedExecutor({ b: () => fail() }), ioPlugins: [mapIo()], stateDir, runId: 'once' })
    await writeFile(join(runDir(stateDir, 'once'), 'resume-3.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), runId: 'elsewhere' }))
    const executor = scriptedExecutor()
    await expect(runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir, resumeFrom: 'once' })).rejects.toMatchObject({
      code: 'RESUME_MISMATCH',
      message: `Run 'once' is already being resumed by run 'elsewhere' (process ${process.ppid}); wait for it or stop it first.`,
    })
    expect(executor.calls).toEqual([])
    expect(await readdir(runDir(stateDir, 'once'))).toContain('resume-3.lock')
  })

  test('refuses a run of another pipeline and an unknown run', async () => {
    const stateDir = await tempDir()
    const one = await pipelineFromYaml(specText('one', { a: '' }))
    const two = await pipelineFromYaml(specText('two', { a: '' }))
    await runPipeline(one, { executor: scriptedExecutor(), ioPlugins: [mapIo()], stateDir, runId: 'r1' })
    await expect(runPipeline(two, { executor: scriptedExecutor(), stateDir, resumeFrom: 'r1' })).rejects.toMatchObject({ code: 'RESUME_MISMATCH' })
    await expect(runPipeline(two, { executor: scriptedExecutor(), stateDir, resumeFrom: 'nope' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' })
  })
})
