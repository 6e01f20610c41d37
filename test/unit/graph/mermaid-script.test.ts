import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MERMAID_ASSET, findMermaidScript, findPackageRoot, readMermaidScript } from '../../../src/cli/mermaid-script.ts'

// The graph page's Mermaid bundle ships in dist/assets, so that users need no mermaid package (issue 15).
describe('finding the Mermaid bundle', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-mermaid-'))
    await writeFile(join(dir, 'package.json'), '{"name":"weir-pipelines"}\n')
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('the package root is the nearest folder with a package.json (from dist/chunks as from src/cli)', async () => {
    await mkdir(join(dir, 'dist/chunks'), { recursive: true })
    expect(findPackageRoot(join(dir, 'dist/chunks'))).toBe(dir)
  })

  test('an installed package uses the copy in dist/assets', async () => {
    await mkdir(join(dir, 'dist/assets'), { recursive: true })
    await writeFile(join(dir, MERMAID_ASSET), '/* mermaid */')
    expect(findMermaidScript(dir)).toBe(join(dir, MERMAID_ASSET))
  })

  test('without the copy and without the mermaid package there is none', () => {
    expect(findMermaidScript(dir)).toBeUndefined()
  })

  test('this checkout finds one (dist/assets after a build, else the mermaid dev dependency)', async () => {
    expect(await readMermaidScript()).toMatch(/mermaid/)
  })
})
