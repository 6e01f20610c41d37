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
import { pipelineOf, readSpecTextAgainst } from './planned-spec.ts'
import type { ValidatedSpecFile } from './planned-spec.ts'
import { specPlanData } from './spec-plan.ts'

export type { ValidatedSpecFile } from './planned-spec.ts'

/**
 * The resolved Pipeline of the spec at `path` if its text has the sha256 `expectedHash` (hex).
 * `planPath`: the run's spec plan, read instead of parsing the YAML when it is the plan of that text.
 */
export async function loadValidatedSpecFile(path: string, expectedHash: string, planPath?: string): Promise<ValidatedSpecFile> {
  const now = await readSpecTextAgainst(path, expectedHash)
  if (now === undefined || now.changed) return now
  const planned = planPath === undefined ? undefined : specPlanData(await readFile(planPath, 'utf8').catch(() => ''), expectedHash)
  // Loaded only without a plan: the YAML parser is most of what this module would cost to load.
  return pipelineOf(path, now.text, planned ?? (await import('./fast-parse.ts')).parseFast(now.text)?.data)
}
