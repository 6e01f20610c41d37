import { describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { COMMANDS } from '../../src/cli/commands.ts'

// docs/cli.md documents every command and every flag the built CLI's help shows.
const CLI_DOC = readFileSync(resolve('docs/cli.md'), 'utf8')

function helpOf(command: string): string | undefined {
  try {
    return execFileSync(process.execPath, [resolve('bin/weir.js'), ...command.split(' '), '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  } catch {
    return undefined // a command not built yet has no help to compare
  }
}

describe('docs/cli.md', () => {
  test.each(COMMANDS.map((c) => [c.name]))('has a section for weir %s', (name) => {
    expect(CLI_DOC).toContain(`## \`weir ${name}\``)
  })

  test.each(COMMANDS.map((c) => [c.name]))('names every flag of weir %s', (name) => {
    const help = helpOf(name)
    if (help === undefined) return
    const flags = [...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].filter((f) => f !== '--help')
    const section = sectionOf(name)
    expect(flags.filter((flag) => !section.includes(flag))).toEqual([])
  })

  test.each(COMMANDS.map((c) => [c.name]))('shows the examples of weir %s --help', (name) => {
    const help = helpOf(name)
    if (help === undefined) return
    const examples = (help.split('\nExamples:\n')[1] ?? '').split('\n\n')[0]!.split('\n').map((e) => e.replace(/#.*$/, '').trim())
    expect(examples.length).toBeGreaterThan(0)
    const section = sectionOf(name)
    expect(section).toContain('Examples:')
    expect(examples.filter((e) => !section.includes(e))).toEqual([])
  })

  test.each(COMMANDS.map((c) => [c.name]))('gives the exit codes of weir %s', (name) => {
    const row = CLI_DOC.split('\n').find((line) => line.startsWith(`| [\`weir ${name}\`]`)) ?? ''
    expect(row).toMatch(/\| [^|]*\b0\b[^|]*\|$/)
    expect(sectionOf(name)).toMatch(/[Ee]xit/)
  })

  test('lists the exit codes every command shares, internal errors included', () => {
    for (const code of ['| 0 |', '| 1 |', '| 2 |', '| 70 |', '| 130 / 143 |']) expect(CLI_DOC).toContain(code)
  })

  test('names the npm package and how to install it', () => {
    expect(CLI_DOC).toContain('npm install --save-dev weir-pipelines')
    expect(CLI_DOC).toContain('npx weir-pipelines init my-project')
    // `npx weir init` outside a project would fetch an unrelated npm package named `weir`.
    expect(CLI_DOC).not.toMatch(/install (--save-dev )?weir\b(?!-)|npx weir init/)
  })
})

function sectionOf(name: string): string {
  return CLI_DOC.split(/^## /m).find((s) => s.startsWith(`\`weir ${name}\``)) ?? ''
}
