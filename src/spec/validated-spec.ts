/**
 * A spec file that a parent process has already validated, read again without validating it: the
 * `weir execute` processes of `weir run --executor subprocess` get the sha256 of the spec text the
 * run validated (`WEIR_SPEC_SHA256`), and when the file still holds exactly that text, the checks
 * (schema, rules) would find what they found for the parent: nothing. Parsing and normalizing is all
 * that is left, and with the run's spec plan (spec-plan.ts, planned-spec.ts) not even parsing YAML.
 * A file whose text has another hash changed since the run started: `changed`, and the caller
 * refuses to run a task of a spec other than the run's. Any other surprise (a file that cannot be
 * read or decoded, text only the careful parser reads) gives undefined, and the caller validates it
 * in full as it would without a hash.
 */
import { readFile } from 'node:fs/promises'
import { pipelineOf, readSpecFileText } from './planned-spec.ts'
import type { ValidatedSpecFile } from './planned-spec.ts'
import { specHashOf } from './spec-hash.ts'
import { specPlanData } from './spec-plan.ts'

export type { ValidatedSpecFile } from './planned-spec.ts'

/**
 * The resolved Pipeline of the spec at `path` if its text has the sha256 `expectedHash` (hex).
 * `planPath`: the run's spec plan, read instead of parsing the YAML when it is the plan of that text.
 */
export async function loadValidatedSpecFile(path: string, expectedHash: string, planPath?: string): Promise<ValidatedSpecFile> {
  const text = await readSpecFileText(path)
  if (text === undefined) return undefined
  const hash = specHashOf(text)
  if (hash !== expectedHash) return { changed: true, hash }
  const plan = planPath === undefined ? undefined : specPlanData(await readFile(planPath, 'utf8').catch(() => ''), hash)
  // Loaded only without a plan: the YAML parser is most of what this module would cost to load.
  return pipelineOf(path, hash, plan?.specText === text ? plan.data : (await (await import('./fast-parse.ts')).parseFast(text))?.data)
}
