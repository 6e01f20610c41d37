/**
 * `weir spec validate` through the built CLI (dist/ must be built: `npm run build`): exit codes,
 * the three formats, colour rules, --strict, usage errors, and no stack traces for bad input.
 */
import { execFile, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const REPO = resolve(import.meta.dirname, '../..')
const WEIR = join(REPO, 'bin/weir.js')
const FIXTURES = join(REPO, 'test/fixtures/pipelines')

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function weir(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env }
  if (!options.env || !('FORCE_COLOR' in options.env)) delete env.FORCE_COLOR
  if (!options.env || !('NO_COLOR' in options.env)) delete env.NO_COLOR
  return new Promise((done) => {
    execFile(process.execPath, [WEIR, 'spec', 'validate', ...args], { cwd: options.cwd ?? dir, env }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

let dir: string

beforeAll(async () => {
  // A project of its own: fixtures and their handlers, and a package.json marking the project root.
  dir = await mkdtemp(join(tmpdir(), 'weir-e2e-validate-'))
  await writeFile(join(dir, 'package.json'), '{ "name": "e2e", "type": "module" }\n')
  await cp(join(FIXTURES, 'handlers'), join(dir, 'handlers'), { recursive: true })
  await mkdir(join(dir, 'specs'))
  for (const file of ['full.yaml', 'minimal.yaml', 'minimal.json']) await cp(join(FIXTURES, 'valid', file), join(dir, 'specs', file))
  await mkdir(join(dir, 'bad'))
  for (const file of ['unknown-task-ref.yaml', 'warning-unused-param.yaml', 'json-unknown-task.json'])
    await cp(join(FIXTURES, 'invalid', file), join(dir, 'bad', file))
  await mkdir(join(dir, 'warn'))
  await cp(join(FIXTURES, 'invalid', 'warning-unused-param.yaml'), join(dir, 'warn', 'unused.yaml'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('exit codes', () => {
  test('0 for valid specs, with a summary', async () => {
    const ran = await weir(['specs'])
    expect(ran).toMatchObject({ code: 0, stderr: '' })
    expect(ran.stdout).toBe('No problems (3 files checked).\n')
  })

  test('the repository examples validate clean', async () => {
    const ran = await weir(['pipelines/'], { cwd: REPO })
    expect(ran.stdout).toMatch(/^No problems \(\d+ files? checked\)\.\n$/)
    expect(ran.code).toBe(0)
  })

  test('1 when any spec has an error', async () => {
    expect((await weir(['specs', 'bad'])).code).toBe(1)
  })

  test('warnings alone pass, and fail under --strict', async () => {
    const ran = await weir(['warn'])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('warning UNUSED_PARAM')
    expect((await weir(['warn', '--strict'])).code).toBe(1)
    // The JSON report agrees with the exit code: under --strict a file with a warning is not valid.
    const json = (out: string) => (JSON.parse(out) as { files: { valid: boolean }[] }).files.map((f) => f.valid)
    expect(json((await weir(['warn', '--format', 'json'])).stdout)).toEqual([true])
    expect(json((await weir(['warn', '--strict', '--format', 'json'])).stdout)).toEqual([false])
  })

  test.each([
    [[], /Usage: weir spec validate/],
    [['--format', 'xml', 'specs'], /--format must be 'text', 'json' or 'github', not 'xml'/],
    [['--fromat', 'json', 'specs'], /Unknown option '--fromat'; did you mean '--format'\?/],
    [['--target', 'argoo', 'specs'], /--target must be 'databricks', 'argo' or 'all', not 'argoo'; did you mean 'argo'\?/],
    [['no/such/path'], /'no\/such\/path' does not exist/],
    // A folder that holds no spec (here: handler modules only): a CI step that checks nothing fails.
    [['handlers'], /no pipeline specs in 'handlers': inside folders, a spec is a \.yaml, \.yml or \.json file/],
  ])('2 for usage errors: %j', async (args, message) => {
    const ran = await weir(args)
    expect(ran.code).toBe(2)
    expect(ran.stderr).toMatch(message)
    expect(ran.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  test('--help prints usage and exits 0', async () => {
    const ran = await weir(['--help'])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('--format')
  })
})

describe('formats', () => {
  test('text: file:line:col, source line, caret, summary; plain when piped', async () => {
    const ran = await weir(['bad/unknown-task-ref.yaml'])
    expect(ran.stdout).toBe(
      [
        "bad/unknown-task-ref.yaml:10:15: error UNKNOWN_TASK: Input 'orders' of task 'summarize' refers to unknown task 'extrct'; did you mean 'extract'?",
        '   |',
        '10 |       orders: ${{ tasks.extrct.output }}',
        '   |               ^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '1 error in 1 file (1 file checked)',
        '',
      ].join('\n'),
    )
  })

  test("a secret param's default is masked in the source lines shown under diagnostics (validation, --target, and weir run's refusal)", async () => {
    await mkdir(join(dir, 'secret'), { recursive: true })
    const spec = 'apiVersion: weir/v1\nkind: Pipeline\nname: sec\nparams:\n  token: { type: string, writeOnly: true, default: hunter2 }\ntasks:\n  a:\n    handler: ../handlers/sales.ts#extract\ntargets:\n  databricks: {}\n'
    await writeFile(join(dir, 'secret/unused.yaml'), spec)
    const unused = await weir(['secret/unused.yaml', '--target', 'databricks'])
    expect(unused.stdout).toContain("warning UNUSED_PARAM: Param 'token'")
    expect(unused.stdout).toContain("warning TARGET_UNSUPPORTED: Param 'token' holds a secret")
    expect(unused.stdout).toContain('  token: { type: string, writeOnly: true, default: ******* }')
    expect(unused.stdout).not.toContain('hunter2')
    await writeFile(join(dir, 'secret/broken.yaml'), spec.replace('#extract', '#nope'))
    const refused = await new Promise<Ran>((done) =>
      execFile(process.execPath, [WEIR, 'run', 'secret/broken.yaml'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
    )
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('HANDLER_EXPORT_MISSING')
    expect(refused.stderr).toContain('default: ******* }')
    expect(refused.stderr + refused.stdout).not.toContain('hunter2')
  })

  test('text is coloured under FORCE_COLOR and plain under NO_COLOR', async () => {
    expect((await weir(['bad/unknown-task-ref.yaml'], { env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[31m')
    expect((await weir(['bad/unknown-task-ref.yaml'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain('\u001b[')
  })

  test('json: exactly {files:[{path,valid,diagnostics:[{severity,code,message,line,column,pointer}]}]}', async () => {
    const ran = await weir(['bad', 'specs/minimal.yaml', '--format', 'json'])
    expect(ran.code).toBe(1)
    const out = JSON.parse(ran.stdout) as { files: { path: string; valid: boolean; diagnostics: Record<string, unknown>[] }[] }
    expect(Object.keys(out)).toEqual(['files'])
    expect(out.files.map((f) => [f.path, f.valid])).toEqual([
      ['bad/json-unknown-task.json', false],
      ['bad/unknown-task-ref.yaml', false],
      ['bad/warning-unused-param.yaml', true],
      ['specs/minimal.yaml', true],
    ])
    for (const file of out.files) {
      expect(Object.keys(file)).toEqual(['path', 'valid', 'diagnostics'])
      for (const d of file.diagnostics) expect(Object.keys(d)).toEqual(['severity', 'code', 'message', 'line', 'column', 'pointer'])
    }
    expect(out.files[0]!.diagnostics).toEqual([
      { severity: 'error', code: 'UNKNOWN_TASK', message: "Input 'orders' of task 'summarize' refers to unknown task 'extrct'; did you mean 'extract'?", line: 9, column: 30, pointer: '/tasks/summarize/inputs/orders' },
    ])
  })

  test('github: one workflow command per diagnostic, with positions', async () => {
    const ran = await weir(['bad', '--format', 'github'])
    const lines = ran.stdout.trimEnd().split('\n')
    expect(lines).toEqual([
      "::error file=bad/json-unknown-task.json,line=9,col=30,endLine=9,endColumn=56,title=weir UNKNOWN_TASK::Input 'orders' of task 'summarize' refers to unknown task 'extrct'; did you mean 'extract'?",
      "::error file=bad/unknown-task-ref.yaml,line=10,col=15,endLine=10,endColumn=41,title=weir UNKNOWN_TASK::Input 'orders' of task 'summarize' refers to unknown task 'extrct'; did you mean 'extract'?",
      "::warning file=bad/warning-unused-param.yaml,line=5,col=3,endLine=5,endColumn=12,title=weir UNUSED_PARAM::Param 'threshold' is declared but never used; pass it to a task with '${{ params.threshold }}' or remove it.",
      '2 errors, 1 warning in 3 files (3 files checked)',
    ])
  })
})

describe('--target: a handler written as an absolute path', () => {
  test('passes plain validation (it works here), and --target all reports it at the handler, with the path to write', async () => {
    await mkdir(join(dir, 'absolute'), { recursive: true })
    const spec = `apiVersion: weir/v1\nkind: Pipeline\nname: abs\ntasks:\n  a:\n    handler: ${join(dir, 'handlers/sales.ts')}#extract\ntargets:\n  argo: { image: "img:1" }\n`
    await writeFile(join(dir, 'absolute/abs.yaml'), spec)
    expect(await weir(['absolute/abs.yaml'])).toMatchObject({ code: 0, stdout: 'No problems (1 file checked).\n' })
    const targeted = await weir(['absolute/abs.yaml', '--target', 'all'])
    expect(targeted.code).toBe(1)
    expect(targeted.stdout).toContain(`absolute/abs.yaml:6:14: error TARGET_UNSUPPORTED: Handler '${join(dir, 'handlers/sales.ts')}#extract' of task 'a' is an absolute path, which resolves on this machine but not on Argo, where the project is at '/app' (targets.argo.projectPath); write it relative to the spec file: '../handlers/sales.ts#extract'.`)
  })
})

describe('--target: a target the spec does not configure', () => {
  test('is a warning that nothing was checked for it, not "No problems" (codegen --target refuses such a spec)', async () => {
    await mkdir(join(dir, 'untargeted'), { recursive: true })
    await writeFile(join(dir, 'untargeted/p.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: plain\ndefaults: { retries: 3 }\ntasks:\n  a: { handler: ../handlers/sales.ts#extract }\n`)
    const argo = await weir(['untargeted/p.yaml', '--target', 'argo'])
    expect(argo.code).toBe(0)
    expect(argo.stdout).toContain("untargeted/p.yaml:1:1: warning TARGET_CONFIG: Pipeline 'plain' has no 'targets.argo' block, so nothing was checked for argo; add 'targets: { argo: { … } }' (docs/targets.md) to check what the engine cannot express, or leave out --target.")
    const all = await weir(['untargeted/p.yaml', '--target', 'all'])
    expect(all.stdout).toContain("warning TARGET_CONFIG: Pipeline 'plain' has no 'targets' block, so nothing was checked for any target")
    expect(all.stdout).not.toContain('No problems')
  })
})

describe('start-up stays light', () => {
  // Ajv's compiler costs more to load than a whole validation; the common path must not load it.
  const loadedPackages = async (args: string[]): Promise<string[]> => {
    const hook = join(dir, 'dump-loaded.cjs')
    await writeFile(hook, "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('node_modules')).map((k) => k.replace(/.*node_modules\\//, ''))) + '\\n'))\n")
    const ran = await new Promise<Ran>((done) =>
      execFile(process.execPath, ['--require', hook, WEIR, 'spec', 'validate', ...args], { cwd: dir }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
    )
    return JSON.parse(/LOADED (.*)/.exec(ran.stderr)![1]!) as string[]
  }

  test('validating clean specs and plain param schemas does not load Ajv', async () => {
    const loaded = await loadedPackages(['specs', 'bad/warning-unused-param.yaml'])
    expect(loaded.filter((p) => p.startsWith('ajv/') && !p.startsWith('ajv/dist/runtime/'))).toEqual([])
  })

  // Node's ES module loader costs ~5 ms to start; the command and its bundle are CommonJS, and
  // validation reads handler modules without importing them.
  test('validating evaluates no ES module (bin/weir.js is CommonJS)', async () => {
    const hook = join(dir, 'dump-internals.cjs')
    await writeFile(hook, "process.on('exit', () => process.stderr.write('INTERNALS ' + JSON.stringify(process.moduleLoadList) + '\\n'))\n")
    const internals = async (entry: string, args: string[]): Promise<string[]> => {
      const ran = await new Promise<Ran>((done) =>
        execFile(process.execPath, ['--require', hook, entry, ...args], { cwd: dir }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
      )
      expect(ran.code, ran.stderr).toBe(0)
      return JSON.parse(/INTERNALS (.*)/.exec(ran.stderr)![1]!) as string[]
    }
    const esModuleJob = 'NativeModule internal/modules/esm/module_job'
    expect(await internals(WEIR, ['spec', 'validate', 'specs/minimal.yaml'])).not.toContain(esModuleJob)
    // The probe sees one when there is one: `weir --version` imports the ES module main entry.
    expect(await internals(WEIR, ['--version'])).toContain(esModuleJob)
  })

  test('a schema outside the simple subset does load it (the check above can see Ajv)', async () => {
    await writeFile(join(dir, 'anyof.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: anyof\nparams:\n  p: { anyOf: [{ type: string }, { type: number }], default: true }\ntasks:\n  a: { handler: ./handlers/sales.ts#extract, inputs: { p: "${{ params.p }}" } }\n')
    expect(await loadedPackages(['anyof.yaml'])).toContain('ajv/dist/2020.js')
  })
})

describe('big folders', () => {
  test('many files are validated (in threads) with the same results, in the same order, as one by one', async () => {
    await mkdir(join(dir, 'many'), { recursive: true })
    const sources = ['specs/minimal.yaml', 'bad/unknown-task-ref.yaml', 'bad/warning-unused-param.yaml', 'specs/full.yaml']
    const files: string[] = []
    for (let i = 0; i < 40; i++) {
      const file = `many/spec_${String(i).padStart(2, '0')}.yaml`
      await cp(join(dir, sources[i % sources.length]!), join(dir, file))
      files.push(file)
    }
    type Report = { path: string; valid: boolean; diagnostics: unknown[] }
    const ran = await weir(['many', '--format', 'json'])
    // A validation thread once ran the command as well, without arguments, and printed the usage here.
    expect(ran.stderr).toBe('')
    const together = JSON.parse(ran.stdout) as { files: Report[] }
    const alone = await Promise.all(files.slice(0, 4).map(async (f) => (JSON.parse((await weir([f, '--format', 'json'])).stdout) as { files: Report[] }).files[0]!))
    expect(together.files.map((f) => f.path)).toEqual(files)
    for (let i = 0; i < 40; i++) expect({ ...together.files[i]!, path: '' }).toEqual({ ...alone[i % 4]!, path: '' })
    expect(together.files.filter((f) => !f.valid)).toHaveLength(10)
  })
})

describe('folders with symbolic links', () => {
  test('a linked spec is checked; a linked folder is not entered, and stderr names it once (probe findings: "no pipeline specs in"; a link to /usr searched all of it)', async () => {
    await mkdir(join(dir, 'linked'))
    await symlink('../specs/minimal.yaml', join(dir, 'linked/one.yaml'))
    await symlink('../warn', join(dir, 'linked/warned'))
    await symlink('../handlers', join(dir, 'linked/handlers'))
    await symlink('..', join(dir, 'linked/up'))
    const ran = await weir(['linked/', '--format', 'json'])
    expect(ran.stderr).toBe(`spec validate: '${join('linked', 'handlers')}', '${join('linked', 'up')}', '${join('linked', 'warned')}' are symbolic links to folders, which are not searched; name one to check the specs in it.\n`)
    const files = (JSON.parse(ran.stdout) as { files: { path: string; valid: boolean; diagnostics: { code: string }[] }[] }).files
    expect(files.map((f) => [f.path, f.valid, f.diagnostics.map((d) => d.code)])).toEqual([[join('linked', 'one.yaml'), true, []]])

    // Named itself, a linked folder is searched.
    const named = await weir(['linked/warned', '--format', 'json'])
    expect(named.stderr).toBe('')
    expect((JSON.parse(named.stdout) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual([join('linked', 'warned', 'unused.yaml')])
  })
})

describe('output written straight to a file or a pipe', () => {
  // A report far larger than a pipe's buffer (64 KB): 3,000 tasks, each needing a task that is not there.
  const bigSpec = async (): Promise<string> => {
    let text = 'apiVersion: weir/v1\nkind: Pipeline\nname: big_report\ntasks:\n'
    for (let i = 0; i < 3000; i++) text += `  t${i}:\n    handler: ./handlers/sales.ts#extract\n    needs: [missing_${i}]\n`
    await writeFile(join(dir, 'big-report.yaml'), text)
    return 'big-report.yaml'
  }

  test('a report larger than the pipe buffer arrives whole through a pipe and into a file', async () => {
    const file = await bigSpec()
    const piped = await weir([file, '--format', 'json'])
    expect(piped.code).toBe(1)
    const report = JSON.parse(piped.stdout) as { files: { diagnostics: { code: string }[] }[] }
    expect(report.files[0]!.diagnostics.filter((d) => d.code === 'UNKNOWN_TASK')).toHaveLength(3000)
    expect(piped.stdout.length).toBeGreaterThan(256 * 1024)

    const outFile = join(dir, 'report.json')
    const out = await open(outFile, 'w')
    const code = await new Promise<number | null>((done) =>
      spawn(process.execPath, [WEIR, 'spec', 'validate', file, '--format', 'json'], { cwd: dir, stdio: ['ignore', out.fd, 'ignore'] }).on('close', done),
    )
    await out.close()
    expect(code).toBe(1)
    expect(await readFile(outFile, 'utf8')).toBe(piped.stdout)
  })

  test('a reader that goes away early (| head) gets no stack trace, and the exit code is kept', async () => {
    const file = await bigSpec()
    const child = spawn(process.execPath, [WEIR, 'spec', 'validate', file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(stderr).toBe('')
    expect(code).toBe(1)
  })
})

describe('hostile files never crash the CLI', () => {
  test('binary, huge, empty and broken files are diagnostics with exit 1, never stack traces', async () => {
    await mkdir(join(dir, 'hostile'), { recursive: true })
    await writeFile(join(dir, 'hostile/binary.yaml'), Buffer.from([0, 1, 2, 3, 255, 254]))
    await writeFile(join(dir, 'hostile/huge.yaml'), 'a: ' + 'x'.repeat(3 * 1024 * 1024))
    await writeFile(join(dir, 'hostile/empty.yaml'), '')
    await writeFile(join(dir, 'hostile/broken.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\ntasks: [\n')
    const ran = await weir(['hostile/binary.yaml', 'hostile/huge.yaml', 'hostile/empty.yaml', 'hostile/broken.yaml', '--format', 'json'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toBe('')
    const codes = (JSON.parse(ran.stdout) as { files: { diagnostics: { code: string }[] }[] }).files.map((f) => f.diagnostics[0]!.code)
    expect(codes).toEqual(['NOT_TEXT', 'FILE_TOO_LARGE', 'NOT_A_PIPELINE', 'YAML_SYNTAX'])
  })

  test('a UTF-16 file is told to be saved as UTF-8, without a source line of its bytes (probe finding)', async () => {
    await mkdir(join(dir, 'hostile'), { recursive: true })
    await writeFile(join(dir, 'hostile/utf16.yaml'), Buffer.from('\ufeffapiVersion: weir/v1\nkind: Pipeline\n', 'utf16le'))
    const ran = await weir(['hostile/utf16.yaml'])
    expect(ran).toMatchObject({ code: 1, stderr: '' })
    expect(ran.stdout).toBe(`${join('hostile', 'utf16.yaml')}:1:1: error INVALID_ENCODING: The file is UTF-16 (little-endian) text, not UTF-8; save it as UTF-8 (in most editors: "Save with encoding").\n1 error in 1 file (1 file checked)\n`)
  })
})
