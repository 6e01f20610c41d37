import { describe, expect, test } from 'vitest'
import { join } from 'node:path'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { parseParamArgs } from '../../../src/runtime/params.ts'
import { loadRun } from '../../../src/runtime/run-store/read-runs.ts'
import { fail, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir } from './helpers.ts'

const HEAD = 'params:\n  token: { type: string, writeOnly: true }\n  retries_left: { type: integer, writeOnly: true, default: 1 }\n  region: { type: string, default: eu }\n'

describe('secret params (writeOnly: true)', () => {
  test('reach the handler but are never recorded in the run store', async () => {
    const dir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('secrets', { use: 'inputs: { token: "${{ params.token }}", n: "${{ params.retries_left }}" }' }, HEAD))
    const executor = scriptedExecutor()
    const result = await runPipeline(pipeline, { executor, stateDir: join(dir, 'state'), params: { token: 's3cr3t' } })
    expect(result.status).toBe('succeeded')
    expect(executor.calls[0]!.params).toEqual({ token: 's3cr3t', retries_left: 1, region: 'eu' })
    const run = await loadRun(join(dir, 'state'), result.runId)
    expect(run?.params).toEqual({ token: '[redacted]', retries_left: '[redacted]', region: 'eu' })
    expect(JSON.stringify(run)).not.toContain('s3cr3t')
  })

  test('a resume must be given the secret again, and says so', async () => {
    const dir = await tempDir()
    const pipeline = await pipelineFromYaml(specText('secrets', { use: 'inputs: { token: "${{ params.token }}" }' }, HEAD))
    const stateDir = join(dir, 'state')
    const first = await runPipeline(pipeline, { executor: scriptedExecutor({ use: () => fail() }), stateDir, params: { token: 'one' } })
    expect(first.status).toBe('failed')
    await expect(runPipeline(pipeline, { executor: scriptedExecutor(), stateDir, resumeFrom: first.runId })).rejects.toThrow(
      /Param 'token' has no default; pass it with --param token=VALUE \(it is a secret/,
    )
    const executor = scriptedExecutor({ use: ok })
    const resumed = await runPipeline(pipeline, { executor, stateDir, resumeFrom: first.runId, params: { token: 'two' } })
    expect(resumed.status).toBe('succeeded')
    expect(executor.calls[0]!.params.token).toBe('two')
  })

  test('a malformed secret is not echoed in the error', async () => {
    const pipeline = await pipelineFromYaml(specText('secrets', { use: '' }, HEAD))
    expect(() => parseParamArgs(pipeline, ['retries_left=hunter2'])).toThrow("Param 'retries_left' must be an integer, not a secret value.")
    expect(() => parseParamArgs(pipeline, ['region=x'])).not.toThrow()
  })
})
