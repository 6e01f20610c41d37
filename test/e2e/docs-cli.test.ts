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
    const section = CLI_DOC.split(/^## /m).find((s) => s.startsWith(`\`weir ${name}\``)) ?? ''
    expect(flags.filter((flag) => !section.includes(flag))).toEqual([])
  })
})
