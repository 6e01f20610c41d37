/** Which files `weir spec validate PATH…` checks, and usage errors for paths. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findSpecFiles, headLooksLikePipeline } from '../../../src/cli/find-specs.ts'
import { choice, parseCommandArgs } from '../../../src/cli/args.ts'

let dir: string
const SPEC = 'apiVersion: weir/v1\nkind: Pipeline\nname: x\ntasks: {}\n'

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-find-'))
  await mkdir(join(dir, 'nested/deeper'), { recursive: true })
  await mkdir(join(dir, 'node_modules/pkg'), { recursive: true })
  await writeFile(join(dir, 'b.yaml'), SPEC)
  await writeFile(join(dir, 'a.yml'), SPEC)
  await writeFile(join(dir, 'nested/deeper/c.json'), JSON.stringify({ apiVersion: 'weir/v1', kind: 'Pipeline' }))
  await writeFile(join(dir, 'docker-compose.yaml'), 'services: {}\n') // other YAML in the repo
  await writeFile(join(dir, 'package.json'), '{}\n')
  await writeFile(join(dir, 'node_modules/pkg/spec.yaml'), SPEC)
  await writeFile(join(dir, 'notes.txt'), SPEC)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('findSpecFiles', () => {
  test('folders are searched recursively for YAML and JSON pipelines, in a stable order, skipping node_modules and other YAML', async () => {
    expect(await findSpecFiles([dir], 'spec validate')).toEqual([join(dir, 'a.yml'), join(dir, 'b.yaml'), join(dir, 'nested/deeper/c.json')])
  })

  test('a file named explicitly is always checked, even when it does not look like a pipeline', async () => {
    expect(await findSpecFiles([join(dir, 'docker-compose.yaml')], 'spec validate')).toEqual([join(dir, 'docker-compose.yaml')])
  })

  test('the same file given twice is checked once', async () => {
    expect(await findSpecFiles([join(dir, 'a.yml'), join(dir, 'a.yml')], 'spec validate')).toHaveLength(1)
  })

  test('a path that does not exist is a usage error that names it', async () => {
    await expect(findSpecFiles([join(dir, 'missing')], 'spec validate')).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("'" + join(dir, 'missing') + "' does not exist") })
  })
})

describe('the sniff of a file in a folder (probe finding: valid specs written these ways were skipped, and CI passed without checking them)', () => {
  const REST = 'kind: Pipeline\nname: x\ntasks: {}\n'
  test.each([
    ['an anchor before the value', 'apiVersion: &v weir/v1\nname: x\n'],
    ['a tag before the value', 'apiVersion: !!str weir/v1\nname: x\n'],
    ['a verbatim tag and an anchor', 'apiVersion: !<tag:yaml.org,2002:str> &v "weir/v1"\n'],
    ['a folded block scalar', 'apiVersion: >-\n  weir/v1\nname: x\n'],
    ['a literal block scalar with a comment', 'apiVersion: |-  # the version\n  weir/v1\n'],
    ['a plain value on the next line', 'apiVersion:\n  weir/v1\n'],
    ['a comment before the value on the next line', 'apiVersion: # the version\n  weir/v1\n'],
    ['a JSON escape in the value', '{"apiVersion": "weir\\u002Fv1", "name": "x"}'],
    ['a JSON escaped solidus', '{"apiVersion": "weir\\/v1"}'],
    ['an escape in the key', '{"\\u0061piVersion": "weir/v1"}'],
    ['a YAML \\x escape', 'apiVersion: "weir\\x2Fv1"\n'],
    ['an escaped line break in double quotes', 'apiVersion: "weir\\\n  /v1"\nkind: "Pipe\\\r\n  line"\n'],
    ['an alias of an anchor that names weir/', 'x-version: &v weir/v1\napiVersion: *v\n'],
    ['kind with a tag', 'kind: !!str Pipeline\n'],
    ['kind as a block scalar', 'kind: >-\n  Pipeline\n'],
    ['kind escaped in JSON', '{"kind": "Pipelin\\u0065"}'],
    ['the plain form', `apiVersion: weir/v1\n${REST}`],
    ['flow style', '{ apiVersion: weir/v1, kind: Pipeline }'],
  ])('finds a spec with %s', (_what, text) => {
    expect(headLooksLikePipeline(text)).toBe(true)
  })

  test.each([
    ['another apiVersion', 'apiVersion: v1\nkind: ConfigMap\ndata: { weir: "weir/v1" }\n'],
    ['weir/ in a later value', 'apiVersion: v1\nnote: weir/v1\n'],
    ['a block scalar of something else', 'apiVersion: >-\n  apps/v1\nkind: Deployment\n'],
    ['an alias of an anchor that names something else', 'x: &v apps/v1\ny: weir/v1\napiVersion: *v\n'],
    ['another kind', 'kind: PipelineRun2\n'],
  ])('leaves alone a file with %s', (_what, text) => {
    expect(headLooksLikePipeline(text)).toBe(false)
  })

  test('a folder search finds such specs', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'weir-find-sniff-'))
    try {
      await writeFile(join(folder, 'anchor.yaml'), `apiVersion: &v weir/v1\n${REST}`.replace('kind: Pipeline\n', ''))
      await writeFile(join(folder, 'escaped.json'), JSON.stringify({ name: 'x' }).replace('{', '{"apiVersion": "weir\\u002Fv1", '))
      await writeFile(join(folder, 'folded.yaml'), 'apiVersion: >-\n  weir/v1\nname: x\ntasks: {}\n')
      await writeFile(join(folder, 'other.yaml'), 'apiVersion: v1\nkind: ConfigMap\n')
      expect(await findSpecFiles([folder], 'spec validate')).toEqual([join(folder, 'anchor.yaml'), join(folder, 'escaped.json'), join(folder, 'folded.yaml')])
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })
})

describe('symbolic links in a folder (probe finding: they were skipped without a word)', () => {
  let root: string
  let outside: string
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'weir-find-outside-'))
    await mkdir(join(outside, 'folder'))
    await writeFile(join(outside, 'spec.yaml'), SPEC)
    await writeFile(join(outside, 'folder/s.yaml'), SPEC)
    root = join(outside, 'root')
    await mkdir(join(root, 'real'), { recursive: true })
    await writeFile(join(root, 'a.yaml'), SPEC)
    await writeFile(join(root, 'real/x.yaml'), SPEC)
    await symlink('../spec.yaml', join(root, 'linked.yaml')) // a spec outside the folder
    await symlink('../folder', join(root, 'sub')) // a folder outside it, holding a spec
    await symlink('real', join(root, 'alias')) // a folder searched anyway
    await symlink('a.yaml', join(root, 'same.yaml')) // a spec found anyway
    await symlink('.', join(root, 'real/loop')) // back to the folder that holds it
    await symlink('..', join(root, 'real/up')) // and to the one above
    await symlink('missing.yaml', join(root, 'dangling.yaml'))
    await symlink('a.yaml', join(root, 'notes.txt'))
  })
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true })
  })

  test('links to spec files are followed wherever they lead, each spec listed once by its path without links; links to folders are not entered', async () => {
    expect(await findSpecFiles([root], 'spec validate')).toEqual([
      join(root, 'a.yaml'),
      join(root, 'dangling.yaml'), // listed, so that its check says it cannot be read
      join(root, 'linked.yaml'),
      join(root, 'real/x.yaml'),
    ])
  })

  test('the links to folders that were not entered are told, once per call', async () => {
    const told: (readonly string[])[] = []
    await findSpecFiles([root, join(root, 'real')], 'spec validate', (links) => told.push(links))
    expect(told).toEqual([[join(root, 'alias'), join(root, 'real/loop'), join(root, 'real/up'), join(root, 'sub')]])
  })

  test('a folder given as a link is searched', async () => {
    expect(await findSpecFiles([join(root, 'sub')], 'schedule')).toEqual([join(root, 'sub/s.yaml')])
  })
})

describe('argument parsing', () => {
  test('unknown flags are usage errors with a close flag or a pointer to --help, not stack traces', () => {
    expect(() => parseCommandArgs('spec validate', ['--fromat', 'json'], { format: { type: 'string' } })).toThrow(
      expect.objectContaining({ exitCode: 2, message: "spec validate: Unknown option '--fromat'; did you mean '--format'?" }),
    )
    expect(() => parseCommandArgs('spec validate', ['--zzz'], { format: { type: 'string' } })).toThrow(
      expect.objectContaining({ exitCode: 2, message: "spec validate: Unknown option '--zzz'; 'weir spec validate --help' lists the options." }),
    )
  })

  test('choices are checked and listed', () => {
    expect(choice('spec validate', 'format', undefined, ['text', 'json'], 'text')).toBe('text')
    expect(choice('spec validate', 'format', 'json', ['text', 'json'], 'text')).toBe('json')
    expect(() => choice('spec validate', 'format', 'xml', ['text', 'json'], 'text')).toThrow("spec validate: --format must be 'text' or 'json', not 'xml'.")
  })
})

describe('findSpecFiles refuses what is not a file or folder', () => {
  test('a device is a usage error, never read', async () => {
    await expect(findSpecFiles(['/dev/zero'], 'codegen')).rejects.toMatchObject({ exitCode: 2, message: "codegen: '/dev/zero' is not a regular file; pass spec files or folders that contain them." })
  })

  test('a misspelt path gets a close name from its folder', async () => {
    await expect(findSpecFiles([join(dir, 'nestd')], 'schedule')).rejects.toMatchObject({ message: `schedule: '${join(dir, 'nestd')}' does not exist; did you mean '${join(dir, 'nested')}'?` })
  })
})
