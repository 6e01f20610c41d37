import { afterEach, expect, test } from 'vitest'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import type { AttemptOutcome, AttemptRequest } from '../../../src/plugins/types.ts'
import { mapIo, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'

// Every running attempt listens to its signal (the subprocess executor does, to kill its process;
// so does a handler passing ctx.signal to fetch). With more than ten attempts at once, Node's
// default limit of ten listeners printed "MaxListenersExceededWarning: Possible EventTarget memory
// leak detected" on stderr in the middle of an ordinary run.
const warnings: Error[] = []
const onWarning = (warning: Error): void => void warnings.push(warning)
afterEach(() => {
  process.off('warning', onWarning)
  warnings.length = 0
})

/** Twelve tasks running at once, each listening to its signal until all twelve have started. */
async function runTwelveListening(taskLines: string): Promise<void> {
  const ids = Array.from({ length: 12 }, (_, n) => `t${n}`)
  const pipeline = await pipelineFromYaml(specText('listeners', Object.fromEntries(ids.map((id) => [id, taskLines]))))
  const started: AttemptRequest[] = []
  let release: () => void = () => undefined
  const allStarted = new Promise<void>((resolve) => (release = resolve))
  const listen = async (request: AttemptRequest): Promise<AttemptOutcome> => {
    request.signal.addEventListener('abort', () => undefined)
    started.push(request)
    if (started.length === ids.length) release()
    await allStarted
    return { status: 'succeeded', values: {} }
  }
  process.on('warning', onWarning)
  const result = await runPipeline(pipeline, {
    executor: scriptedExecutor(Object.fromEntries(ids.map((id) => [id, listen]))),
    ioPlugins: [mapIo()],
    stateDir: await tempDir(),
    concurrency: ids.length,
  })
  expect(result.status).toBe('succeeded')
  expect(started).toHaveLength(12)
  // A warning is emitted on the next turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve))
}

test('twelve attempts at once, each listening to the run signal, print no listener-leak warning', async () => {
  await runTwelveListening('')
  expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
})

test('twelve attempts at once with a timeout (each one follows the run signal) print no listener-leak warning', async () => {
  await runTwelveListening('timeout: 1m')
  expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
})

test("a handler with a timeout listening a dozen times to its own signal (Promise.all of fetches) prints no listener-leak warning", async () => {
  const pipeline = await pipelineFromYaml(specText('own_signal', { t: 'timeout: 1m' }))
  process.on('warning', onWarning)
  const result = await runPipeline(pipeline, {
    executor: scriptedExecutor({
      t: (request) => {
        for (let n = 0; n < 12; n++) request.signal.addEventListener('abort', () => undefined)
        return { status: 'succeeded', values: {} }
      },
    }),
    ioPlugins: [mapIo()],
    stateDir: await tempDir(),
  })
  expect(result.status).toBe('succeeded')
  await new Promise((resolve) => setImmediate(resolve))
  expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
})
