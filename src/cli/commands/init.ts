import { existsSync, statSync } from 'node:fs'
import { rm, rmdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { parseCommandArgs } from '../args.ts'
import { findPackage } from '../package-root.ts'
import { printHelp } from '../help/format-help.ts'
import { INIT_HELP } from '../help/init.ts'
import { CliError, EXIT } from '../errors.ts'
import { GENERATED_DIR, projectCommands, scaffoldFiles, specPathOf } from '../../init-template/scaffold-files.ts'
import type { ScaffoldFile } from '../../init-template/scaffold-files.ts'
import { isPipelineName, toPackageName, toPipelineName } from '../../init-template/project-names.ts'
import { validateSpec } from '../../spec/validate.ts'
import { builtinCatalog } from '../../plugins/catalog.ts'
import { shellWord } from '../shell-word.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

export async function init(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('init', args, {
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(INIT_HELP)
  if (positionals.length > 1) throw new CliError(`init: pass at most one folder, not ${positionals.length}; run 'weir init --help' for usage.`)
  const dirArg = positionals[0] ?? '.'
  const dir = resolve(dirArg)
  const pipelineName = values.name ?? toPipelineName(basename(dir))
  if (!isPipelineName(pipelineName))
    throw new CliError(`init: --name '${pipelineName}' is not a pipeline name; use lower case letters, digits and _, starting with a letter, at most 63 characters (e.g. 'daily_sales').`)
  const files = scaffoldFiles({ pipelineName, packageName: toPackageName(basename(dir)), weirVersion: weirVersion() })
  // The generated types go right after the handlers that import them (the order of the listing).
  files.splice(2, 0, await generatedTypes(files, pipelineName, dir))
  // ENOTDIR (a file on the way to it) is not this check's to report: the write names the path.
  const kind = statOrUndefined(dir)
  if (kind && !kind.isDirectory()) throw new CliError(`init: '${dirArg}' is a file, not a folder; choose a folder (weir init my-pipelines).`)
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path)
  if (existing.length > 0)
    throw new CliError(`init: ${existing.length === 1 ? 'a file already exists' : `${existing.length} files already exist`} in '${dirArg}': ${existing.join(', ')}; nothing was written. Choose an empty folder (weir init my-pipelines).`)
  await writeAllOrNone(dir, dirArg, files)
  process.stdout.write(nextSteps(dirArg, dir, pipelineName, files))
  return EXIT.ok
}

/**
 * Writes the scaffold's files, or none: when one cannot be written (no permission, a full disk), the
 * files and folders written before it are removed again, so that `weir init` can simply be run again
 * once the cause is fixed (a file left behind would make it refuse: it never overwrites).
 */
async function writeAllOrNone(dir: string, dirArg: string, files: readonly ScaffoldFile[]): Promise<void> {
  const written: string[] = []
  const madeDirs: string[] = []
  try {
    for (const file of files) {
      const path = join(dir, file.path)
      // Folders this command makes, outermost first (removed innermost first on failure).
      const missing: string[] = []
      for (let folder = dirname(path); !existsSync(folder) && dirname(folder) !== folder; folder = dirname(folder)) missing.unshift(folder)
      await makeDirs(dirname(path))
      madeDirs.push(...missing.filter((folder) => !madeDirs.includes(folder)))
      // 'wx' refuses to replace a file that appeared since the check above.
      await writeFile(path, file.contents, { flag: 'wx' })
      written.push(path)
    }
  } catch (error) {
    for (const path of written.reverse()) await rm(path, { force: true }).catch(() => {})
    for (const folder of madeDirs.reverse()) await rmdir(folder).catch(() => {})
    const e = error as { code?: string; path?: string; message?: string }
    const where = typeof e.path === 'string' ? relative(process.cwd(), e.path) || '.' : dirArg
    throw new CliError(`init: cannot write '${where}' (${e.code ?? e.message}); nothing was left in '${dirArg}'. Check that folder's permissions and free space, or choose another folder.`, EXIT.failed)
  }
}

/** Handler types for the new spec, exactly as `weir codegen --target types` would write them. */
async function generatedTypes(files: readonly ScaffoldFile[], pipelineName: string, dir: string): Promise<ScaffoldFile> {
  const specPath = specPathOf(pipelineName)
  const text = files.find((f) => f.path === specPath)!.contents
  const { pipeline, diagnostics } = await validateSpec(text, { path: join(dir, specPath), checkHandlers: false, plugins: builtinCatalog() })
  if (!pipeline) throw new Error(`the init template is invalid: ${diagnostics.map((d) => d.message).join('; ')}`)
  const { generateTypes } = await import('../../codegen/generate-types.ts')
  // The header names the spec relative to the output folder, as `weir codegen` does.
  const file = await generateTypes(pipeline, { specPath: relative(join(dir, GENERATED_DIR), join(dir, specPath)).replace(/\\/g, '/') })
  return { path: `${GENERATED_DIR}/${file.path}`, contents: file.contents }
}

function nextSteps(dirArg: string, dir: string, pipelineName: string, files: readonly ScaffoldFile[]): string {
  const width = Math.max(...files.map((f) => f.path.length))
  // To paste: quoted for a shell, and a leading '-' not read as an option of cd.
  const cd = dir === process.cwd() ? '' : `  cd ${shellWord(dirArg.startsWith('-') ? `./${dirArg}` : dirArg)}\n`
  return `Created pipeline '${pipelineName}' in ${dirArg === '.' ? 'this folder' : `'${dirArg}'`}:
${files.map((f) => `  ${f.path.padEnd(width)}  ${describe(f.path)}`).join('\n')}

Next:
${cd}  npm install
  npm test                 # runs the pipeline in-process
  npx ${projectCommands(pipelineName).run}
`
}

function describe(path: string): string {
  if (path.startsWith('pipelines/')) return 'the pipeline spec'
  if (path === 'src/handlers.ts') return 'its handlers'
  if (path.startsWith(GENERATED_DIR)) return 'handler types (npm run codegen rewrites them)'
  if (path.startsWith('test/')) return 'a test that runs the pipeline'
  if (path.startsWith('.github/')) return 'CI: validate, codegen --check, typecheck, test'
  if (path === 'package.json') return 'scripts: validate, codegen, typecheck, test, start, graph, check'
  if (path === 'tsconfig.json') return 'TypeScript settings for handlers and tests'
  if (path === '.gitignore') return 'keeps node_modules and .weir (local runs) out of git'
  return 'how to work on this project'
}

/** This weir's version, for the new project's dependency. */
function weirVersion(): string {
  return findPackage().version ?? '0.1.0'
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}
