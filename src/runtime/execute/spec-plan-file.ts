/**
 * The parent's side of the spec plan (spec/spec-plan.ts): once per run and spec text, the subprocess
 * executor writes the data of the spec its run validated as JSON, under the state dir beside the
 * attempts' inputs.json files, and every `weir execute` it starts reads that instead of parsing the
 * YAML. The spec file is read again here; when its text is no longer the one the run validated, or
 * JSON cannot carry its data exactly, or the plan cannot be written, there is no plan: the task
 * processes parse the spec themselves (and refuse a changed one), as they would without it.
 */
import { createHash } from 'node:crypto'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Pipeline } from '../../spec/model.ts'
import { readSpecBytes } from '../../spec/read-spec-file.ts'
import { checkSpecBytes, decodeSpecBytes } from '../../spec/spec-bytes.ts'
import { parseFast } from '../../spec/fast-parse.ts'
import { specPlanText } from '../../spec/spec-plan.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

/** Plans being written or written, by state dir, run and spec hash: one file per run and spec text. */
const plans = new Map<string, Promise<string | undefined>>()

/** The path of the run's spec plan for `pipeline`, written on first use; undefined when there is none. */
export function specPlanFile(pipeline: Pipeline, stateDir: string, runId: string): Promise<string | undefined> {
  const key = `${stateDir}\0${runId}\0${pipeline.specHash}`
  let plan = plans.get(key)
  if (!plan) {
    plan = writeSpecPlan(pipeline, join(stateDir, 'execute', runId)).catch(() => undefined)
    plans.set(key, plan)
  }
  return plan
}

async function writeSpecPlan(pipeline: Pipeline, folder: string): Promise<string | undefined> {
  const read = await readSpecBytes(pipeline.sourcePath)
  if (!read.ok || checkSpecBytes(read.bytes)) return undefined
  const decoded = decodeSpecBytes(read.bytes)
  if (!decoded.ok || createHash('sha256').update(decoded.text).digest('hex') !== pipeline.specHash) return undefined
  const parsed = await parseFast(decoded.text)
  const text = parsed && specPlanText(pipeline.specHash, decoded.text, parsed.data)
  if (text === undefined) return undefined
  await makeDirs(folder)
  const file = join(folder, `spec-plan-${pipeline.specHash.slice(0, 16)}.json`)
  // Written whole, then renamed into place: a task process never reads half a plan.
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, text)
  await rename(temp, file)
  return file
}
