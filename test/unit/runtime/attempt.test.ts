import { beforeAll, describe, expect, test } from 'vitest'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { runTaskAttempt } from '../../../src/runtime/attempt.ts'
import type { AttemptDeps } from '../../../src/runtime/attempt.ts'
import { HandlerChecks } from '../../../src/runtime/load-handler.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import { mapIo, pipelineFromYaml, tempDir } from './helpers.ts'
import { memoryIo } from '../../../src/plugins/io/memory/index.ts'
import type { IoPlugin } from '../../../src/plugins/types.ts'

let dir: string

const HANDLERS = `
export async function extract(_inputs, ctx) {
  ctx.log.info('extracting', { attempt: ctx.attempt })
  return { rows: [{ id: 1, amount: 2 }, { id: 2, amount: 5 }], meta: { first: 1 } }
}
export function summarize(inputs, ctx) {
  ctx.values.set('row_count', inputs.rows.length)
  return { total: inputs.rows.reduce((s, r) => s + r.amount, 0), label: inputs.label, first: inputs.first, threshold: inputs.threshold }
}
export function report(inputs, ctx) {
  return { seen: inputs, runId: ctx.runId, params: ctx.params, fromCtx: ctx.values.get('summarize', 'row_count') }
}
export const badOutput = () => ({ total: 'many', count: 1 })
export const missingField = () => ({ count: 1 })
export const bigValue = (_i, ctx) => { ctx.values.set('blob', 'x'.repeat(49 * 1024)) }
export const undeclared = (_i, ctx) => { ctx.values.set('nope', 1) }
export const wrongValue = (_i, ctx) => { ctx.values.set('n', 'seven') }
export const nanValue = (_i, ctx) => { ctx.values.set('blob', { x: [NaN] }) }
export const wrongColumns = () => [{ id: 1, extra: 'x' }]
export class Klass { run() { return 1 } }
const makeClass = () => class Made {}
export const madeClass = makeClass()
export const bigintValue = (_i, ctx) => { ctx.values.set('blob', { n: 1n }) }
export const mapValue = (_i, ctx) => { ctx.values.set('blob', new Map([[1, 2]])) }
export const functionValue = (_i, ctx) => { ctx.values.set('blob', { f() {} }) }
export const classValue = (_i, ctx) => { ctx.values.set('blob', { q: [new URLSearchParams('a=1')] }) }
export const customToJson = (_i, ctx) => { ctx.values.set('blob', { toJSON() { return 5 } }) }
export const dateValue = (_i, ctx) => { ctx.values.set('blob', { at: new Date(0), gone: undefined }); ctx.values.set('n', new Number(7)) }
export const datesOut = () => ({ when: new Date(0), obj: { toJSON() { return 42 } } })
export const dateOut = () => new Date(0)
export const dateInside = async () => ({ rows: [{ at: new Date(0), skip: undefined }], n: 1 })
export const ownValueCode = () => { throw Object.assign(new Error('cache entry is stale'), { code: 'VALUE_STALE' }) }
export const ownCancelCode = () => { throw Object.assign(new Error('upstream said stop'), { code: 'CANCELLED' }) }
export const rethrowsRefusal = (_i, ctx) => { try { ctx.values.set('n', 'seven') } catch (e) { throw e } }
export const codeGetter = () => { throw { get code() { throw new Error('code boom') } } }
export const stackGetter = () => { const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { throw new Error('stack boom') } }); throw e }
export const proxyThrown = () => { throw new Proxy({}, { get() { throw new Error('proxy boom') } }) }
export const proxyRejected = async () => { throw new Proxy({}, { get() { throw new Error('proxy boom') } }) }
`

beforeAll(async () => {
  dir = await tempDir('weir-attempt-')
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await mkdir(join(dir, 'handlers'))
  await writeFile(join(dir, 'handlers', 'h.ts'), HANDLERS)
})

const spec = (tasks: string, head = '') => `apiVersion: weir/v1
kind: Pipeline
name: attempt_test
${head}tasks:
${tasks}`

async function load(yaml: string): Promise<Pipeline> {
  const path = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`)
  await writeFile(path, yaml)
  return pipelineFromYaml(yaml, dir).then((p) => ({ ...p, sourcePath: join(dir, 'pipeline.yaml') }))
}

describe('runTaskAttempt through runPipeline (in-process executor, real handler modules)', () => {
  test('passes upstream outputs (read through the IoManager), params, values, templates and run fields', async () => {
    const pipeline = await load(
      spec(
        `  extract:
    handler: ./handlers/h.ts#extract
  summarize:
    handler: ./handlers/h.ts#summarize
    inputs:
      rows: \${{ tasks.extract.output.rows }}
      first: \${{ tasks.extract.output.meta.first }}
      label: "run \${{ run.id }} of \${{ run.pipeline }}"
      threshold: \${{ params.threshold }}
    values: { row_count: { type: integer } }
  report:
    handler: ./handlers/h.ts#report
    inputs: { count: "\${{ tasks.summarize.values.row_count }}", summary: "\${{ tasks.summarize.output }}", trigger: "\${{ run.trigger }}" }
`,
        'params: { threshold: { type: number, default: 0.5 } }\n',
      ),
    )
    const io = mapIo()
    const result = await runPipeline(pipeline, { ioPlugins: [io], stateDir: join(dir, 'state'), runId: 'r1', params: { threshold: 2 } })
    expect(result.status).toBe('succeeded')
    expect(result.tasks.summarize).toMatchObject({ status: 'succeeded', attempts: 1, output: 'test://r1/summarize', values: { row_count: 2 } })
    expect(io.store.get('test://r1/summarize')).toEqual({ total: 7, label: 'run r1 of attempt_test', first: 1, threshold: 2 })
    expect(io.store.get('test://r1/report')).toEqual({
      seen: { count: 2, summary: { total: 7, label: 'run r1 of attempt_test', first: 1, threshold: 2 }, trigger: 'manual' },
      runId: 'r1',
      params: { threshold: 2 },
      fromCtx: 2,
    })
    // extract's output was read once for the two inputs that use it
    expect(io.reads.filter((u) => u === 'test://r1/extract')).toHaveLength(1)
  })

  test.each([
    { handler: 'badOutput', code: 'OUTPUT_INVALID', message: /'total' must be number/ },
    { handler: 'missingField', code: 'OUTPUT_INVALID', message: /'total' is required/ },
    { handler: 'bigValue', code: 'VALUE_TOO_LARGE', message: /above the 48 KB limit; return large data as the task's output \(stored by its IoManager\)/ },
    { handler: 'undeclared', code: 'VALUE_UNDECLARED', message: /sets value 'nope', which it does not declare/ },
    { handler: 'wrongValue', code: 'VALUE_INVALID', message: /Task value 'n' of task 't' does not match its schema: value must be integer|must be integer/ },
    // JSON has no NaN: the value was stored as null, silently, where an output with NaN fails.
    { handler: 'nanValue', code: 'VALUE_INVALID', message: /Task value 'blob' of task 't' holds a number that is not finite at '\/x\/0'; values are JSON, which has no NaN or Infinity/ },
    // Values are checked in their JSON form, and what JSON cannot hold is refused where it is, never stored as {} or dropped.
    { handler: 'bigintValue', code: 'VALUE_INVALID', message: /^Task value 'blob' of task 't' holds a BigInt at '\/n', which JSON cannot hold \(convert it to a number or string\); values must be JSON\.$/ },
    { handler: 'mapValue', code: 'VALUE_INVALID', message: /^Task value 'blob' of task 't' is a Map, which JSON cannot hold/ },
    { handler: 'functionValue', code: 'VALUE_INVALID', message: /holds a function at '\/f', which JSON cannot hold/ },
    { handler: 'classValue', code: 'VALUE_INVALID', message: /holds an instance of URLSearchParams at '\/q\/0', which JSON cannot hold \(make it a plain object, or give its class a toJSON method\)/ },
    { handler: 'customToJson', code: 'VALUE_INVALID', message: /Task value 'blob' of task 't' does not match its schema/ },
    { handler: 'noSuchExport', code: 'HANDLER_EXPORT_MISSING', message: /^Module '\.\/handlers\/h\.ts' has no export 'noSuchExport' for task 't'; its exports/ },
  ])('$handler fails the task with $code, without retries', async ({ handler, code, message }) => {
    const pipeline = await load(
      spec(`  t:
    handler: ./handlers/h.ts#${handler}
    retries: 3
    output: { $ref: "#/types/Summary" }
    values: { blob: { type: [string, object] }, n: { type: integer } }
`, 'types:\n  Summary: { type: object, properties: { total: { type: number }, count: { type: integer } }, required: [total, count] }\n'),
    )
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 1, error: { code, origin: 'user', recoverable: false } })
    expect(result.tasks.t!.error!.message).toMatch(message)
  })

  test('an output is checked in its JSON form, the one stored and received downstream: a Date is a string, an object with toJSON what it returns', async () => {
    const pipeline = await load(
      spec(`  objects:
    handler: ./handlers/h.ts#datesOut
    output: { type: object, properties: { when: { type: object }, obj: { type: object, properties: { x: { type: integer } } } }, required: [when, obj] }
  text:
    handler: ./handlers/h.ts#dateOut
    output: { type: string, format: date-time }
  inside:
    handler: ./handlers/h.ts#dateInside
    output: { type: object, properties: { rows: { type: array, items: { type: object, properties: { at: { type: string } }, additionalProperties: false } } } }
`),
    )
    const io = mapIo()
    const result = await runPipeline(pipeline, { ioPlugins: [io], stateDir: join(dir, 'state'), runId: 'json-form' })
    expect(result.tasks.objects).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_INVALID', origin: 'user' } })
    expect(result.tasks.objects!.error!.message).toMatch(/'when' must be object/)
    expect(result.tasks.objects!.error!.message).toMatch(/'obj' must be object/)
    expect(result.tasks.text).toMatchObject({ status: 'succeeded' })
    expect(io.store.get('test://json-form/text')).toBe('1970-01-01T00:00:00.000Z')
    expect(result.tasks.inside).toMatchObject({ status: 'succeeded' })
    expect(io.store.get('test://json-form/inside')).toStrictEqual({ rows: [{ at: '1970-01-01T00:00:00.000Z' }], n: 1 })
  })

  test.each(['Klass', 'madeClass'])('%s: a class exported as a handler is refused before it is called (HANDLER_NOT_A_FUNCTION), not called and retried', async (handler) => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#${handler}\n    retries: 3\n`))
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'HANDLER_NOT_A_FUNCTION', origin: 'user', recoverable: false } })
    expect(result.tasks.t!.error!.message).toContain(`Export '${handler}' of module './handlers/h.ts' is a class`)
    expect(result.tasks.t!.error!.message).toContain("point task 't' at an exported function")
  })

  test('a value is kept in its JSON form, the one later tasks read: a Date as its string, undefined members left out', async () => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#dateValue\n    values: { blob: { type: object, properties: { at: { type: string } }, additionalProperties: false }, n: { type: integer } }\n`))
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'succeeded' })
    expect(result.tasks.t!.values).toStrictEqual({ blob: { at: '1970-01-01T00:00:00.000Z' }, n: 7 })
  })

  test.each(['ownValueCode', 'ownCancelCode'])("%s: a handler's own error keeps its code, and is retried whatever the code says", async (handler) => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#${handler}\n    retries: { max: 1, delay: 1ms }\n`))
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 2, error: { code: handler === 'ownValueCode' ? 'VALUE_STALE' : 'CANCELLED', origin: 'user', recoverable: true } })
  })

  test("a refusal of ctx.values.set stays weir's verdict when the handler rethrows it: not retried", async () => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#rethrowsRefusal\n    retries: 3\n    values: { n: { type: integer } }\n`))
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'VALUE_INVALID', origin: 'user', recoverable: false } })
  })

  test.each(['codeGetter', 'stackGetter', 'proxyThrown', 'proxyRejected'])('%s: a thrown value whose properties throw when read is an ordinary handler error, retried', async (handler) => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#${handler}\n    retries: { max: 1, delay: 1ms }\n`))
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'HANDLER_ERROR', origin: 'user', recoverable: true } })
  })

  test('a handler module whose top level throws such a value cannot be loaded: HANDLER_NOT_FOUND, not a storage error', async () => {
    await writeFile(join(dir, 'handlers', 'throws-proxy.mjs'), "throw new Proxy({}, { get() { throw new Error('proxy boom') } })\nexport const h = () => 1\n")
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/throws-proxy.mjs#h\n    retries: 2\n`))
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'HANDLER_NOT_FOUND', origin: 'user', recoverable: false } })
    expect(result.tasks.t!.error!.message).toMatch(/^Cannot load handler module '\.\/handlers\/throws-proxy\.mjs#h': /)
  })

  test('a table with the wrong columns is the handler\'s fault: user origin, not retried', async () => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#wrongColumns\n    retries: 3\n    output: { type: table, columns: { id: int64, amount: float64 } }\n`))
    const memory = { ...memoryIo, type: 'fs' } as IoPlugin<never>
    const result = await runPipeline(pipeline, { ioPlugins: [memory], stateDir: join(dir, 'state') })
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TABLE_SCHEMA_MISMATCH', origin: 'user', recoverable: false } })
    expect(result.tasks.t!.error!.message).toMatch(/column 'extra' is not a declared column/)
  })

  test('a cancel that breaks off the write of the output (or the read of an input) is a cancel, not a storage failure to retry', async () => {
    const pipeline = await load(spec(`  make:\n    handler: ./handlers/h.ts#extract\n  t:\n    handler: ./handlers/h.ts#extract\n    inputs: { rows: "\${{ tasks.make.output }}" }\n`))
    // An IoManager whose read and write last until the attempt's signal stops them, as a streamed write does.
    let started = (): void => {}
    const untilAborted = (ctx: { signal: AbortSignal }) =>
      new Promise<never>((_resolve, reject) => {
        started()
        ctx.signal.addEventListener('abort', () => reject(Object.assign(new Error('This operation was aborted'), { code: 20 })), { once: true })
      })
    const io = { write: (_key: unknown, _value: unknown, ctx: { signal: AbortSignal }) => untilAborted(ctx), read: (_ref: unknown, ctx: { signal: AbortSignal }) => untilAborted(ctx) }
    for (const taskId of ['make', 't']) {
      const busy = new Promise<void>((resolveBusy) => (started = resolveBusy))
      const controller = new AbortController()
      const outcome = runTaskAttempt(
        { pipeline, task: pipeline.tasks.get(taskId)!, runId: 'r', attempt: 1, params: {}, upstreamOutputs: { make: { uri: 'test://r/make', format: 'json', io: 'default' } }, upstreamValues: {}, signal: controller.signal, log: console, run: { trigger: 'manual' } },
        { ioManager: () => io as never, projectRoot: dir },
      )
      await busy
      controller.abort(Object.assign(new Error('stopped by SIGTERM'), { code: 'TASK_CANCELLED', signal: 'SIGTERM' }))
      expect(await outcome, taskId).toEqual({ status: 'cancelled' })
    }
  })

  test('refuses a handler reached through a symlink that leaves the project', async () => {
    const outside = await tempDir('weir-outside-')
    await writeFile(join(outside, 'evil.ts'), 'export const extract = () => 1\n')
    await symlink(join(outside, 'evil.ts'), join(dir, 'handlers', 'linked.ts'))
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/linked.ts#extract\n`))
    const outcome = await runTaskAttempt(
      { pipeline, task: pipeline.tasks.get('t')!, runId: 'r', attempt: 1, params: {}, upstreamOutputs: {}, upstreamValues: {}, signal: new AbortController().signal, log: console, run: { trigger: 'manual' } },
      { ioManager: () => mapIo().create({} as never, {} as never), projectRoot: dir },
    )
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'HANDLER_OUTSIDE_PROJECT', origin: 'user' } })
  })

  test('refuses a handler module outside the project', async () => {
    const pipeline = await load(spec(`  t:\n    handler: ./handlers/h.ts#extract\n`))
    const outcome = await runTaskAttempt(
      { pipeline, task: pipeline.tasks.get('t')!, runId: 'r', attempt: 1, params: {}, upstreamOutputs: {}, upstreamValues: {}, signal: new AbortController().signal, log: console, run: { trigger: 'manual' } },
      { ioManager: () => mapIo().create({} as never, {} as never), projectRoot: join(dir, 'elsewhere') },
    )
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'HANDLER_OUTSIDE_PROJECT', origin: 'user' } })
  })

  test("a task's later attempts in a run (its module checked for the run: a plain call, no async steps) end as the first one did", async () => {
    await writeFile(
      join(dir, 'handlers', 'ready.mjs'),
      `export const nothing = () => undefined
export const value = () => ({ n: 1 })
export const later = async () => ({ n: 2 })
export const throws = () => { throw new Error('sync boom') }
export const rejects = async () => { throw new Error('async boom') }
export const schema = () => ({ n: 'not a number' })
`,
    )
    const pipeline = await load(
      spec(
        ['nothing', 'value', 'later', 'throws', 'rejects'].map((name) => `  ${name}:\n    handler: ./handlers/ready.mjs#${name}\n`).join('') +
          `  schema:\n    handler: ./handlers/ready.mjs#schema\n    output: { type: object, properties: { n: { type: number } } }\n`,
      ),
    )
    const io = memoryIo.create({} as never, {} as never)
    const deps: AttemptDeps = { ioManager: () => io, projectRoot: dir, handlerChecks: new HandlerChecks() }
    const attempt = (taskId: string, signal = new AbortController().signal) =>
      runTaskAttempt({ pipeline, task: pipeline.tasks.get(taskId)!, runId: 'r', attempt: 1, params: {}, upstreamOutputs: {}, upstreamValues: {}, signal, log: console, run: { trigger: 'manual' } }, deps)
    for (const round of ['first (module loaded and checked)', 'again (checked for the run)']) {
      expect(await attempt('nothing'), round).toEqual({ status: 'succeeded', values: {} })
      expect(await attempt('value'), round).toMatchObject({ status: 'succeeded', output: { uri: expect.stringContaining('value') } })
      expect(await attempt('later'), round).toMatchObject({ status: 'succeeded', output: { uri: expect.stringContaining('later') } })
      expect(await attempt('throws'), round).toMatchObject({ status: 'failed', error: { code: 'HANDLER_ERROR', origin: 'user', message: 'sync boom' } })
      expect(await attempt('rejects'), round).toMatchObject({ status: 'failed', error: { code: 'HANDLER_ERROR', origin: 'user', message: 'async boom' } })
      expect(await attempt('schema'), round).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_INVALID' } })
      const aborted = new AbortController()
      aborted.abort()
      expect(await attempt('value', aborted.signal), round).toEqual({ status: 'cancelled' })
    }
  })
})
