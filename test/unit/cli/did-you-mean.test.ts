/** Did-you-mean for commands and options of the command line (issue 15). */
import { describe, expect, test } from 'vitest'
import { findCommand } from '../../../src/cli/find-command.ts'
import { COMMANDS } from '../../../src/cli/commands.ts'
import { choice, parseCommandArgs } from '../../../src/cli/args.ts'

const messageOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (error) {
    return (error as Error).message
  }
  return ''
}

describe('findCommand', () => {
  test.each([
    [['run', 'a.yaml'], 'run', ['a.yaml']],
    [['spec', 'validate', 'p/'], 'spec validate', ['p/']],
    [['runs', 'show', 'r1'], 'runs', ['show', 'r1']],
  ])('%j is %s', (args, name, rest) => {
    expect(findCommand(args, COMMANDS)).toMatchObject({ kind: 'command', entry: { name }, rest })
  })

  test('a group word alone is the group', () => {
    expect(findCommand(['spec'], COMMANDS)).toMatchObject({ kind: 'group', group: 'spec' })
    expect(findCommand(['spec', '--help'], COMMANDS)).toMatchObject({ kind: 'group', group: 'spec' })
  })

  test.each([
    ['runn', "Unknown command 'runn'; did you mean 'run'?"],
    ['rn', "Unknown command 'rn'; did you mean 'run'?"],
    ['grpah', "Unknown command 'grpah'; did you mean 'graph'?"],
    ['codgen', "Unknown command 'codgen'; did you mean 'codegen'?"],
    ['exec', "Unknown command 'exec'; did you mean 'execute'?"],
    ['schedul', "Unknown command 'schedul'; did you mean 'schedule'?"],
    ['validate', "Unknown command 'validate'; did you mean 'spec validate'?"],
    ['valdiate', "Unknown command 'valdiate'; did you mean 'spec validate'?"],
    ['frobnicate', "Unknown command 'frobnicate'; 'weir --help' lists the commands."],
    ['orders.yaml', "Unknown command 'orders.yaml'; to run that spec: weir run orders.yaml"],
    ['--verbose', "Unknown option '--verbose'; options go after the command ('weir --help' lists the commands)."],
  ])('%s: %s', (word, message) => {
    expect(messageOf(() => findCommand([word, 'pipelines/secret-arg.yaml'], COMMANDS))).toBe(message)
  })

  test('an unknown second word of a group names both words, and nothing after them', () => {
    expect(messageOf(() => findCommand(['spec', 'check', '--token', 's3cr3t'], COMMANDS))).toBe("Unknown command 'spec check'; 'weir --help' lists the commands.")
    expect(messageOf(() => findCommand(['spec', 'validat', 'x'], COMMANDS))).toBe("Unknown command 'spec validat'; did you mean 'spec validate'?")
  })
})

describe('parseCommandArgs', () => {
  const options = { param: { type: 'string', multiple: true }, concurrency: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' } } as const

  test.each([
    [['--parm', 'a=1'], "run: Unknown option '--parm'; did you mean '--param'?"],
    [['--jsno'], "run: Unknown option '--jsno'; did you mean '--json'?"],
    [['--Param=a'], "run: Unknown option '--Param'; did you mean '--param'?"],
    [['-x'], "run: Unknown option '-x'; 'weir run --help' lists the options."],
    [['--concurrency'], "run: --concurrency needs a value; 'weir run --help' lists the options."],
    [['-o'], "run: --out needs a value; 'weir run --help' lists the options."],
    [['--param', '--json'], "run: --param needs a value (write a value that starts with '-' as --param=-…); 'weir run --help' lists the options."],
    [['--json=yes'], 'run: --json takes no value; write just --json.'],
  ])('%j', (args, message) => {
    expect(messageOf(() => parseCommandArgs('run', args, options))).toBe(message)
  })

  test('a choice outside the list names a close one', () => {
    expect(messageOf(() => choice('graph', 'format', 'htm', ['mermaid', 'html'], 'mermaid'))).toBe("graph: --format must be 'mermaid' or 'html', not 'htm'; did you mean 'html'?")
    expect(messageOf(() => choice('graph', 'format', 'svg', ['mermaid', 'html'], 'mermaid'))).toBe("graph: --format must be 'mermaid' or 'html', not 'svg'.")
  })
})
