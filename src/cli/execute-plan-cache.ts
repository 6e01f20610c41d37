/**
 * Spec plans that `weir execute` keeps for itself. A subprocess run hands its task processes the
 * plan of the spec it validated (spec/spec-plan.ts); an engine's task has no parent to do that, so
 * every `weir execute` loaded the YAML parsers and the validator and checked the whole spec again:
 * about a sixth of the process. Now the full entry, once it has validated a spec, writes that
 * spec's plan (its text and data as JSON) here, named after the spec's path, and the next
 * `weir execute` of that path (the next task of a job on the same machine, a retry, a run by hand)
 * starts from the plan bundle and reads the plan instead.
 *
 * A plan serves only while the spec file holds exactly the plan's text (compared in full,
 * planned-spec.ts): the same text gets the same verdict, since the validation `weir execute` does
 * reads nothing but the text (each task checks its own handler as it loads it). Anything else (no
 * plan, another text, a damaged file) hands the command over to the full entry, which validates the
 * spec as always and writes its plan again.
 *
 * Where: in a folder beside the plan bundle, as code caches are (code-cache-file.ts), never in a
 * shared folder such as /tmp, where anyone could plant one: the process trusts a plan as validated,
 * and whoever can write beside the bundle can change the bundle itself. The folder is named after
 * the plan bundle, whose name carries a hash of its content, so another build of weir never reads
 * these plans. Best effort: where the folder cannot be written (a read-only install) there are no
 * plans. At most MAX_PLANS are kept, the oldest removed first, and none for a spec over MAX_TEXT.
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { shortHash } from '../spec/short-hash.ts'
import { specPlanText } from '../spec/spec-plan.ts'

/** Plans kept per installation: enough for the specs of a machine's jobs. */
const MAX_PLANS = 32
/** A larger spec's plan is not kept (a plan holds the text and its data: about three times the text). */
const MAX_TEXT = 1 << 20

/** The folder of the plans read by the plan bundle `planBundle` (a path). */
export function planFolderOf(planBundle: string): string {
  return `${planBundle}.plans`
}

/** Where the plan of the spec at `specPath` (as given on the command line) is kept. */
export function cachedPlanPath(folder: string, specPath: string): string {
  return join(folder, `${shortHash(resolve(specPath))}.json`)
}

/**
 * The value of `--spec` in `weir execute`'s arguments, as the entry sees them before anything is
 * loaded; undefined when there is none or it is unclear. Only a guess at which bundle to start:
 * the plan bundle looks up the plan of the spec its own argument parser finds, and hands over when
 * there is none.
 */
export function specArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') return undefined
    if (arg === '--spec') return args[i + 1]
    if (arg.startsWith('--spec=')) return arg.slice('--spec='.length)
  }
  return undefined
}

/**
 * Keeps the plan of the spec at `specPath`, whose text the full validation found valid, with `data`
 * its parsed data. No hash: a task that asks for the spec's hash makes it from the text, and one that
 * does not never loads node:crypto. Never throws, and writes nothing for data JSON cannot carry
 * exactly or a text over MAX_TEXT.
 */
export function keepPlan(folder: string, specPath: string, text: string, data: unknown): void {
  if (text.length > MAX_TEXT) return
  const planText = specPlanText(undefined, text, data)
  if (planText === undefined) return
  const file = cachedPlanPath(folder, specPath)
  // Another process may keep the same plan at the same moment: each has its own temporary file,
  // renamed into place, so that a reader sees a whole plan or none.
  const temp = `${file}.${process.pid}.tmp`
  let fd: number | undefined
  try {
    // Readable by this user only: a plan holds the spec's text (a secret's default, too), which the
    // spec file itself may keep from other users of the machine.
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    fd = openSync(temp, 'wx', 0o600)
    writeFileSync(fd, planText)
    closeSync(fd)
    fd = undefined
    renameSync(temp, file)
    prunePlans(folder)
  } catch {
    try {
      if (fd !== undefined) closeSync(fd)
      rmSync(temp, { force: true })
    } catch {
      // nothing kept; the next full validation tries again
    }
  }
}

/** Removes the oldest plans beyond MAX_PLANS (and temporary files a killed process left). */
function prunePlans(folder: string): void {
  const names = readdirSync(folder)
  if (names.length <= MAX_PLANS) return
  const byAge = names
    .map((name) => ({ name, time: statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.time - a.time)
  for (const { name } of byAge.slice(MAX_PLANS)) rmSync(join(folder, name), { force: true })
}
