/** The executor seam (issue 14): what the runtime hands an executor, and how a run creates and closes one. */
import { beforeAll, describe, expect, test } from 'vitest'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { createExecutorHost } from '../../../src/runtime/executor-host.ts'
import { openDocuments } from '../../../src/runtime/execute/documents.ts'
import { builtinIo } from '../../../src/plugins/builtins.ts'
import type { AttemptRequest, ExecutorEnv, ExecutorPlugin, PluginEnv } from '../../../src/plugins/types.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import { mapIo, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'

let dir: string
const log = { debug() {}, info() {}, warn() {}, error() {} }

beforeAll(async () => {
  dir = await tempDir('weir-host-')
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), 'export const a = () => ({ n: 1 })\nexport const b = (inputs) => ({ twice: inputs.n * 2 })\n')
})

async function load(yaml: string): Promise<Pipeline> {
  return { ...(await pipelineFromYaml(yaml, dir)), sourcePath: join(dir, 'pipeline.yaml') }
}

function requestFor(pipeline: Pipeline, taskId: string, extra: Partial<AttemptRequest> = {}): AttemptRequest {
  return {
    pipeline,
    task: pipeline.tasks.get(taskId)!,
    runId: 'r1',
    attempt: 1,
    params: {},
    upstreamOutputs: {},
    upstreamValues: {},
    signal: new AbortController().signal,
    log,
    run: { trigger: 'manual' },
    ...extra,
  }
}

describe('a run and its executor', () => {
  test("creates an executor plugin with the run's env and host, runs attempts in process through the host with the run's IoManagers, and closes it at the end", async () => {
    const pipeline = await load(specText('host', { a: '', b: 'inputs: { n: "${{ tasks.a.output.n }}" }' }))
    const io = mapIo()
    const seen: ExecutorEnv[] = []
    let closed = 0
    const plugin: ExecutorPlugin = {
      type: 'recording',
      create(_config, env) {
        seen.push(env)
        return { runAttempt: (request) => env.host.runInProcess(request), close: async () => void closed++ }
      },
    }
    const stateDir = join(dir, 'state-1')
    const result = await runPipeline(pipeline, { executor: plugin, ioPlugins: [io], stateDir, runId: 'r1' })
    expect(result.status).toBe('succeeded')
    expect(io.store.get('test://r1/b')).toEqual({ twice: 2 })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ cwd: process.cwd(), stateDir })
    expect(closed).toBe(1)
  })

  test('leaves an executor the caller made open, and without one runs each attempt in this process', async () => {
    const pipeline = await load(specText('own', { a: '' }))
    let closed = 0
    const mine = { ...scriptedExecutor(), close: async () => void closed++ }
    expect((await runPipeline(pipeline, { executor: mine, stateDir: join(dir, 'state-2') })).status).toBe('succeeded')
    expect(closed).toBe(0)
    const io = mapIo()
    expect((await runPipeline(pipeline, { ioPlugins: [io], stateDir: join(dir, 'state-3'), runId: 'r3' })).tasks.a).toMatchObject({ status: 'succeeded', output: 'test://r3/a' })
  })
})

describe('prepareRemote (the parent side of weir execute)', () => {
  const env = (): PluginEnv => ({ cwd: dir, stateDir: join(dir, 'state-remote'), log })

  test("writes the attempt's inputs.json and gives the task's IoManager folder as its output prefix", async () => {
    const pipeline = await load(specText('remote', { a: '', b: 'needs: [a]' }))
    const upstreamOutputs = { a: { uri: 'file:///x/output.json', format: 'json', io: 'fs' } } as const
    const prepared = await createExecutorHost(builtinIo, env()).prepareRemote(requestFor(pipeline, 'b', { attempt: 2, upstreamOutputs, upstreamValues: { a: { k: 1 } } }))
    if (!prepared.ok) throw new Error(prepared.outcome.status)
    const { inputs, outputPrefix, env: childEnv, parentPipeFd } = prepared.attempt
    expect(inputs).toBe(`file://${join(dir, 'state-remote', 'execute', 'r1', 'b', 'inputs-2.json')}`)
    expect(JSON.parse(await readFile(fileURLToPath(inputs), 'utf8'))).toEqual({ outputs: upstreamOutputs, values: { a: { k: 1 } } })
    expect(outputPrefix).toBe(`file://${join(dir, 'state-remote', 'data', 'remote', 'r1', 'b')}`)
    // The child learns where state lives, that its empty params are real, which fd is the parent's
    // pipe, and the run's cache settings (set even when off: the child inherits the parent's environment).
    expect(childEnv).toEqual({ WEIR_STATE_DIR: join(dir, 'state-remote'), WEIR_PARAMS_RESOLVED: '1', WEIR_SPEC_SHA256: pipeline.specHash, WEIR_PARENT_PIPE_FD: String(parentPipeFd), WEIR_CACHE_DISABLED: '', WEIR_CACHE_REFRESH: '' })
    expect(parentPipeFd).toBeGreaterThanOrEqual(3)
    // What the child writes on that pipe once its result is recorded; any other line says nothing.
    const { recordedExitCode } = prepared.attempt
    expect([recordedExitCode('recorded 0'), recordedExitCode('recorded 143'), recordedExitCode('recorded x'), recordedExitCode('recorded -1'), recordedExitCode('hello')]).toEqual([0, 143, undefined, undefined, undefined])
  })

  test('reads the outcome from the documents the process wrote, or says how it ended without them', async () => {
    const pipeline = await load(specText('remote2', { a: '' }))
    const request = requestFor(pipeline, 'a')
    const prepared = await createExecutorHost(builtinIo, env()).prepareRemote(request)
    if (!prepared.ok) throw new Error(prepared.outcome.status)
    const remote = prepared.attempt
    expect(await remote.readOutcome({ code: 1, signal: null, stderrTail: ['boom'] })).toMatchObject({ status: 'failed', error: { code: 'SUBPROCESS_CRASHED', message: 'weir execute exited with status 1 without an error.json: boom.', recoverable: true } })
    // A usage error ends its own sentence: one full stop, not two.
    expect(await remote.readOutcome({ code: 2, signal: null, stderrTail: ["execute: Unknown option '--x'; 'weir execute --help' lists the options."] })).toMatchObject({ status: 'failed', error: { code: 'SUBPROCESS_CRASHED', message: "weir execute exited with status 2 without an error.json: execute: Unknown option '--x'; 'weir execute --help' lists the options.", recoverable: false } })
    // V8 aborted it: its fatal line says why, not the native stack frames after it.
    const oom = await remote.readOutcome({ code: null, signal: 'SIGABRT', stderrTail: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', '----- Native stack trace -----', ' 1: 0xb78db3 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]'] })
    expect(oom).toMatchObject({ status: 'failed', error: { code: 'SUBPROCESS_CRASHED', recoverable: true } })
    expect(oom.status === 'failed' && oom.error.message).toBe(
      "weir execute was killed by SIGABRT: the task's process ran out of memory (its JavaScript heap reached Node's limit: 'Reached heap limit Allocation failed - JavaScript heap out of memory'). Raise the limit with NODE_OPTIONS=--max-old-space-size=<MiB> (task processes inherit weir run's environment), or make the handler hold less at once (return a stream for large data).",
    )
    expect(await remote.readOutcome({ code: null, signal: 'SIGABRT', stderrTail: ['FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal', ' 1: 0xb78db3 node::Abort() [node]'] })).toMatchObject({
      error: { message: "weir execute was killed by SIGABRT: V8 stopped it with 'FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal'." },
    })
    const output = { uri: `${remote.outputPrefix}/output.json`, format: 'json', io: 'fs' }
    await mkdir(fileURLToPath(remote.outputPrefix), { recursive: true })
    await writeFile(join(fileURLToPath(remote.outputPrefix), 'outputs.json'), JSON.stringify({ output, values: { n: 1 }, attempt: 1 }))
    expect(await remote.readOutcome({ code: 0, signal: null, stderrTail: [] })).toEqual({ status: 'succeeded', output, values: { n: 1 } })
  })

  test('refuses, without retries, a task whose outputs another process cannot read', async () => {
    const pipeline = await load(specText('mem', { a: 'io: scratch' }, 'io:\n  scratch: { type: memory }\n'))
    const prepared = await createExecutorHost(builtinIo, env()).prepareRemote(requestFor(pipeline, 'a'))
    expect(prepared).toEqual({
      ok: false,
      outcome: {
        status: 'failed',
        values: {},
        error: { code: 'SUBPROCESS_UNSUPPORTED_IO', message: "Task 'a' uses IoManager 'scratch', whose outputs another process cannot read; use 'fs' or 'gcs' with --executor subprocess.", origin: 'system', recoverable: false },
      },
    })
  })
})

describe('the documents of weir execute', () => {
  test('go through the IoManager type that owns the URI scheme; another scheme is refused with the ones that work', async () => {
    const pipeline = await load(specText('docs', { a: '' }))
    const docs = await openDocuments(`file://${join(dir, 'docs')}`, pipeline, { cwd: dir, stateDir: '.weir', log, ioPlugins: builtinIo })
    await docs.write('values.json', { n: 1 })
    expect(await docs.read('values.json')).toEqual({ n: 1 })
    expect(await docs.read('missing.json')).toBeUndefined()
    await expect(openDocuments('s3://bucket/x', pipeline, { cwd: dir, stateDir: '.weir', log, ioPlugins: builtinIo })).rejects.toMatchObject({
      code: 'IO_UNSUPPORTED_URI',
      message: "Output prefix 's3://bucket/x' has a scheme weir execute cannot write to; use a path, file:// or gs://.",
    })
  })
})
