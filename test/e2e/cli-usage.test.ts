/**
 * Usage errors of the built CLI (issue 15): exit 2, one line that names the flag or file and says
 * what was expected, and never the contents of a file the user pointed at.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { COMMANDS } from '../../src/cli/commands.ts'

const BIN = resolve('bin/weir.js')
const EXECUTE_SPEC = resolve('test/fixtures/targets/execute_cases.yaml')
/** Looks like a file nobody should see echoed. */
const PRIVATE = 'root:x:0:0:SECRET-CONTENT:/root:/bin/bash\n'
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-cli-usage-'))
  await writeFile(join(dir, 'passwd'), PRIVATE)
  await writeFile(join(dir, 'broken.json'), `{"outputs": {"make": SECRET-CONTENT}}`)
  await writeFile(join(dir, 'list.json'), '[1, 2]')
  await writeFile(join(dir, 'bad-ref.json'), JSON.stringify({ outputs: { make: 5 }, values: {} }))
  await writeFile(join(dir, 'big.json'), '')
  await truncate(join(dir, 'big.json'), 40 * 1024 * 1024) // sparse: costs no disk
  await mkdir(join(dir, 'folder'))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, killSignal: 'SIGKILL' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const execute = (args: string[]) => weir(['execute', '--spec', EXECUTE_SPEC, '--task', 'use', '--run-id', 'r1', ...args])

describe('weir execute: usage errors exit 2, name the flag and never echo a file (issue 15)', () => {
  test.each([
    [['--inputs', 'passwd'], /--inputs 'passwd' is not valid JSON \(line 1, column 1\); expected an inputs\.json/],
    [['--inputs', 'broken.json'], /--inputs 'broken\.json' is not valid JSON \(line 1, column 22\)/],
    [['--inputs', 'list.json'], /--inputs 'list\.json' is not an inputs\.json: expected a JSON object/],
    [['--inputs', 'bad-ref.json'], /--inputs 'bad-ref\.json' is not an inputs\.json: outputs\.make must be a stored output/],
    [['--inputs', 'big.json'], /--inputs 'big\.json' is 40 MiB; an inputs\.json is at most 16 MiB/],
    [['--inputs', 'folder'], /--inputs 'folder' is a folder; expected an inputs\.json file/],
    [['--inputs', 'missing.json'], /--inputs 'missing\.json' does not exist/],
    [['--inputs', '{"outputs":{}}'], /--inputs takes the path or URI of an inputs\.json file, not inline JSON/],
    [['--inputs', 'http://127.0.0.1:1/inputs.json'], /--inputs 'http:\/\/127\.0\.0\.1:1\/inputs\.json' must be a path, a file:\/\/ URI or a gs:\/\/ URI/],
    [['--output-prefix', 'http://127.0.0.1:1/out'], /--output-prefix 'http:\/\/127\.0\.0\.1:1\/out' must be a path, a file:\/\/ URI or a gs:\/\/ URI/],
    [['--output-prefix', 'passwd'], /--output-prefix 'passwd' is a file; expected a folder/],
    [['--output-prefix', 'gs://'], /--output-prefix 'gs:\/\/' names no bucket/],
    [['--state-dir', 'passwd'], /--state-dir 'passwd' is a file; expected a folder/],
    [['--scheduled-at', 'yesterday'], /--scheduled-at must be an ISO 8601 date-time/],
    [['--scheduled-at', '2027-02-30T03:00:00Z'], /--scheduled-at must be an ISO 8601 date-time/],
    // Milliseconds since 1970 are 13 digits (Databricks' timestamp_ms); a basic-format date is not one.
    [['--scheduled-at', '20270328'], /--scheduled-at must be an ISO 8601 date-time .* or 13-digit milliseconds/],
    [['--output-prefix', 'gs://lake/../../x'], /--output-prefix 'gs:\/\/lake\/\.\.\/\.\.\/x' has an empty, '\.' or '\.\.' segment/],
    [['--attempt', '1.5'], /--attempt must be a whole number from 1, not '1\.5'/],
  ])('%j', (args, message) => {
    const r = execute(args)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toContain('SECRET-CONTENT')
    expect(r.stderr).not.toContain('internal error')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  test.each([['../x'], ['a/b'], ['.hidden'], ['']])('--run-id %j is a usage error (exit 2), not a system error', (runId) => {
    const r = weir(['execute', '--spec', EXECUTE_SPEC, '--task', 'use', '--run-id', runId])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toContain('--run-id')
  })

  test('an empty --scheduled-at (an engine without a schedule) counts as not given', () => {
    const r = weir(['execute', '--spec', EXECUTE_SPEC, '--task', 'make', '--run-id', 'r2', '--scheduled-at', ''])
    expect(r.code, r.stderr).toBe(0)
  })
})

describe('a folder weir cannot make: one line naming it, exit 1, never a hang or an internal error', () => {
  beforeAll(async () => {
    await mkdir(join(dir, 'specs'), { recursive: true })
    await writeFile(join(dir, 'specs', 'tick.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: tick\ntasks:\n  a:\n    handler: ./h.ts#a\nschedule:\n  cron: "0 3 * * *"\n')
    await writeFile(join(dir, 'specs', 'h.ts'), 'export const a = async () => 1\n')
    await writeFile(join(dir, 'a-file'), '')
    await symlink(join(dir, 'unmounted'), join(dir, 'dangling'))
  })

  test.each([
    [['run', 'specs/tick.yaml', '--state-dir', 'a-file'], 'a-file'],
    [['run', 'specs/tick.yaml', '--state-dir', 'dangling/weir'], 'dangling'],
    [['schedule', 'specs', '--state-dir', 'a-file'], 'a-file'],
    [['init', 'a-file/project'], 'a-file'],
    // Node's recursive mkdir spins forever here (the parent exists but cannot hold children).
    ...(existsSync('/proc/self') ? [[['run', 'specs/tick.yaml', '--state-dir', '/proc/weir-state'], '/proc/weir-state']] : []),
  ] as [string[], string][])('%j', (args, named) => {
    const r = weir(args)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/^weir: (run: |init: )?cannot (mkdir|write)/)
    expect(r.stderr).toContain(named)
    expect(r.stderr).not.toContain('internal error')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

test('schedule --preview --from refuses a day that is not in the calendar (Date would move it to the next month)', async () => {
  await mkdir(join(dir, 'specs'), { recursive: true })
  await writeFile(join(dir, 'specs', 'tick.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: tick\ntasks:\n  a:\n    handler: ./h.ts#a\nschedule:\n  cron: "0 3 * * *"\n')
  await writeFile(join(dir, 'specs', 'h.ts'), 'export const a = async () => 1\n')
  const r = weir(['schedule', 'specs/tick.yaml', '--preview', '2', '--from', '2027-02-30'])
  expect(r.code, r.stderr).toBe(2)
  expect(r.stderr).toMatch(/--from must be an ISO 8601 date/)
  const ok = weir(['schedule', 'specs/tick.yaml', '--preview', '2', '--from', '2027-02-28'])
  expect(ok.code, ok.stderr).toBe(0)
  expect(ok.stdout).toContain('2027-02-28')
})

describe('a spec path that is not a spec file: one wording in every command (issue 15)', () => {
  beforeAll(async () => {
    await mkdir(join(dir, 'pipelines'), { recursive: true })
    const spec = (name: string) => `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\ntasks:\n  a:\n    handler: ../h.ts#a\n`
    await writeFile(join(dir, 'pipelines', 'orders.yaml'), spec('orders'))
    await writeFile(join(dir, 'pipelines', 'daily.yaml'), spec('daily'))
    await mkdir(join(dir, 'empty'), { recursive: true })
  })

  test.each([
    [['run', 'nope.yaml']],
    [['graph', 'nope.yaml']],
    [['codegen', 'nope.yaml', '--out', 'gen']],
    [['schedule', 'nope.yaml']],
    [['spec', 'validate', 'nope.yaml']],
    [['execute', '--spec', 'nope.yaml', '--task', 'a', '--run-id', 'r1']],
  ])('%j says the file does not exist, and nothing else', (args) => {
    const r = weir(args)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/^weir: [a-z ]+: (--spec )?'nope\.yaml' does not exist; pass /)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  test('a misspelt file name gets a suggestion', () => {
    expect(weir(['run', 'pipelines/order.yaml']).stderr).toContain("'pipelines/order.yaml' does not exist; did you mean 'pipelines/orders.yaml'?")
  })

  test.each([['run'], ['graph']])('%s of a folder says it takes one spec file, and lists the specs in it', (command) => {
    const r = weir([command, 'pipelines/'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr.trim()).toBe(
      `weir: ${command}: 'pipelines/' is a folder; ${command} takes one spec file, such as 'pipelines/daily.yaml' or 'pipelines/orders.yaml' ('weir spec validate pipelines/' checks them all).`,
    )
  })

  test('run of a folder without specs says so', () => {
    expect(weir(['run', 'empty']).stderr.trim()).toBe("weir: run: 'empty' is a folder with no pipeline specs in it; run takes one spec file.")
  })

  test('run of a device is refused without reading it', () => {
    const r = weir(['run', '/dev/zero'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("weir: run: '/dev/zero' is not a regular file; pass a spec file.")
  })
})

describe('unknown commands and flags, help for one command (issue 15)', () => {
  test.each([
    [['runn', 'pipelines/orders.yaml'], "weir: Unknown command 'runn'; did you mean 'run'?"],
    [['valdate', 'pipelines/'], "weir: Unknown command 'valdate'; did you mean 'spec validate'?"],
    [['spec', 'validat', 'pipelines/'], "weir: Unknown command 'spec validat'; did you mean 'spec validate'?"],
    [['xyzzy', '--secret-arg'], "weir: Unknown command 'xyzzy'; 'weir --help' lists the commands."],
    [['pipelines/orders.yaml'], "weir: Unknown command 'pipelines/orders.yaml'; to run that spec: weir run pipelines/orders.yaml"],
    [['--verbose', 'run'], "weir: Unknown option '--verbose'; options go after the command ('weir --help' lists the commands)."],
    [['help', 'runn'], "weir: Unknown command 'runn'; did you mean 'run'?"],
  ])('%j', (args, message) => {
    const r = weir(args)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(message)
  })

  test.each([
    [['run', '--parm', 'a=1', 'pipelines/orders.yaml'], "weir: run: Unknown option '--parm'; did you mean '--param'?"],
    [['graph', 'pipelines/orders.yaml', '--run-id', 'x'], "weir: graph: Unknown option '--run-id'; did you mean '--run'?"],
    [['spec', 'validate', '--formt', 'json', 'pipelines/'], "weir: spec validate: Unknown option '--formt'; did you mean '--format'?"],
    [['runs', '--zzz'], "weir: runs: Unknown option '--zzz'; 'weir runs --help' lists the options."],
    [['run', 'pipelines/orders.yaml', '--concurrency'], "weir: run: --concurrency needs a value; 'weir run --help' lists the options."],
    [['run', 'pipelines/orders.yaml', '--json=yes'], "weir: run: --json takes no value; write just --json."],
  ])('%j', (args, message) => {
    const r = weir(args)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(message)
  })

  test.each([
    [['help', 'run'], /^Usage: weir run SPEC/],
    [['help', 'spec', 'validate'], /^Usage: weir spec validate PATH/],
    [['help', 'spec'], /^Usage: weir spec validate PATH…/m],
    [['spec', '--help'], /^Usage: weir spec validate PATH…/m],
    [['help'], /^weir: declarative pipelines/],
    [['help', '--help'], /^weir: declarative pipelines/],
    [['help', 'help'], /^weir: declarative pipelines/],
  ])('%j shows the help asked for', (args, help) => {
    const r = weir(args)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(help)
  })

  test('weir spec alone shows the spec commands (a usage error: exit 2)', () => {
    const r = weir(['spec'])
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('weir spec validate PATH…')
  })

  test('run without a spec says what to pass, with an example', () => {
    expect(weir(['run']).stderr.trim()).toBe("weir: run: pass the spec file to run, e.g. 'weir run pipelines/orders.yaml'; 'weir run --help' lists the options.")
    expect(weir(['run', 'a.yaml', 'b.yaml'])).toMatchObject({ code: 2, stderr: 'weir: run: takes one spec file, not 2; run them one at a time.\n' })
  })

  test('codegen without --out says that --out is missing, with an example', () => {
    const r = weir(['codegen', 'pipelines/orders.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("weir: codegen: --out is missing: the folder to write into, e.g. 'weir codegen pipelines/orders.yaml --out src/generated'.")
  })

  test('codegen without a spec says so, with an example', () => {
    const r = weir(['codegen', '--out', 'gen'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("weir: codegen: pass the spec files or folders to generate from, e.g. 'weir codegen pipelines/ --out gen'.")
  })
})

describe('weir run --resume latest (issue 15)', () => {
  let project: string
  beforeAll(async () => {
    project = await mkdtemp(join(dir, 'resume-'))
    await mkdir(join(project, 'pipelines'))
    await writeFile(join(project, 'package.json'), '{"type": "module"}\n')
    await writeFile(join(project, 'h.ts'), 'export function a() { return 1 }\nexport function b(inputs: { x: number }) { if (process.env.FAIL_B) throw new Error("b failed"); return inputs.x + 1 }\n')
    await writeFile(
      join(project, 'pipelines', 'resumable.yaml'),
      'apiVersion: weir/v1\nkind: Pipeline\nname: resumable\ntasks:\n  a:\n    handler: ../h.ts#a\n  b:\n    handler: ../h.ts#b\n    inputs: { x: "${{ tasks.a.output }}" }\n',
    )
  })
  const run = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, 'run', 'pipelines/resumable.yaml', ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  test('with no run of the pipeline yet, it is a usage error that says so', () => {
    const r = run(['--resume', 'latest'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("weir: run: no runs of pipeline 'resumable' in the run store '.weir' to resume; run it first (weir run pipelines/resumable.yaml) or pass --state-dir.")
  })

  test('resumes the newest run of the pipeline', () => {
    const failed = run(['--json'], { FAIL_B: '1' })
    expect(failed.code, failed.stderr).toBe(1)
    const first = JSON.parse(failed.stdout) as { runId: string }
    const resumed = run(['--resume', 'latest', '--json'])
    expect(resumed.code, resumed.stderr).toBe(0)
    const second = JSON.parse(resumed.stdout) as { runId: string; tasks: Record<string, { status: string; attempts: number }> }
    expect(second.runId).not.toBe(first.runId)
    const shown = spawnSync(process.execPath, [BIN, 'runs', 'show', second.runId, '--json'], { cwd: project, encoding: 'utf8' })
    expect(JSON.parse(shown.stdout)).toMatchObject({ resumedFrom: first.runId, tasks: { a: { reusedFrom: first.runId } } })
  })
})

describe('--help of every command (issue 15)', () => {
  const helpOf = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

  test.each(COMMANDS.map((c) => [c.name]))('weir %s --help has usage, options, examples, exit codes and docs that exist', (name) => {
    const r = helpOf(name.split(' '))
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^Usage: weir ${name}`))
    for (const section of ['\nOptions:\n', '\nExamples:\n  weir ', '\nExit: ', '\nDocs: ']) expect(r.stdout).toContain(section)
    const examples = r.stdout.split('\nExamples:\n')[1]!.split('\n\n')[0]!.split('\n')
    expect(examples.every((e) => e.startsWith(`  weir ${name}`))).toBe(true)
    const docs = [...r.stdout.split('\nDocs: ')[1]!.matchAll(/(\S+\.md)/g)].map((m) => m[1]!)
    expect(docs.length).toBeGreaterThan(0)
    for (const doc of docs) {
      expect(isAbsolute(doc), doc).toBe(true)
      expect(existsSync(doc), doc).toBe(true)
    }
  })

  test.each(COMMANDS.map((c) => [c.name]))('weir %s --help writes every default as (default: …)', (name) => {
    const help = helpOf(name.split(' ')).stdout
    expect(help.match(/default/gi)?.length ?? 0).toBe(help.match(/\(default: /g)?.length ?? 0)
  })

  test('the general help says how to install weir-pipelines and where the docs are', () => {
    const r = helpOf([])
    expect(r.stdout).toContain('npx weir-pipelines init my-project')
    expect(r.stdout).toContain('npm install --save-dev weir-pipelines')
    expect(r.stdout).not.toMatch(/install (--save-dev )?weir\b(?!-)/)
    expect(r.stdout).toContain(`Docs: ${resolve('docs', 'getting-started.md')}`)
  })

  test('docs paths point into the installed package, wherever it is installed', async () => {
    const installed = join(dir, 'app', 'node_modules', 'weir-pipelines')
    await mkdir(installed, { recursive: true })
    for (const part of ['bin', 'dist', 'docs', 'package.json']) await cp(resolve(part), join(installed, part), { recursive: true })
    await symlink(resolve('node_modules'), join(installed, 'node_modules'))
    const r = spawnSync(process.execPath, [join(installed, 'bin', 'weir.js'), 'help', 'run'], { cwd: join(dir, 'app'), encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(join(installed, 'docs', 'running.md'))
  })
})

describe('weir execute --task (issue 15)', () => {
  test('an unknown task gets a close task id', () => {
    const r = weir(['execute', '--spec', EXECUTE_SPEC, '--task', 'mak', '--run-id', 'r1'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("weir: execute: Pipeline 'execute_cases' has no task 'mak'; did you mean 'make'?")
  })
})
