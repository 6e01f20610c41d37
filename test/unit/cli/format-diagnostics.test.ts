/** The three output formats of `weir spec validate`, and when text gets colour. */
import { describe, expect, test } from 'vitest'
import { formatGithub, formatJson, formatText, summaryLine } from '../../../src/cli/format-diagnostics.ts'
import type { FileReport } from '../../../src/cli/format-diagnostics.ts'
import { createPalette, shouldColor } from '../../../src/cli/colors.ts'
import type { Diagnostic } from '../../../src/spec/diagnostics.ts'

const SOURCE = ['tasks:', '  summarize:', '    inputs:', '      orders: ${{ tasks.extrct.output }}', ''].join('\n')
const UNKNOWN_TASK: Diagnostic = {
  severity: 'error',
  code: 'UNKNOWN_TASK',
  message: "Input 'orders' of task 'summarize' refers to unknown task 'extrct'; did you mean 'extract'?",
  pointer: '/tasks/summarize/inputs/orders',
  line: 4,
  column: 15,
  endLine: 4,
  endColumn: 41,
}
const UNUSED: Diagnostic = { severity: 'warning', code: 'UNUSED_PARAM', message: "Param 'x' is declared but never used; remove it.", pointer: '/params/x', line: 1, column: 1 }
const reports: FileReport[] = [
  { path: 'pipelines/daily_sales.yaml', diagnostics: [UNKNOWN_TASK], text: SOURCE },
  { path: 'pipelines/clean.yaml', diagnostics: [] },
  { path: 'pipelines/other.yaml', diagnostics: [UNUSED], text: 'params:\n' },
]

describe('text', () => {
  test('file:line:col, the source line and a caret under the node, then a summary', () => {
    expect(formatText(reports.slice(0, 2), createPalette(false))).toBe(
      [
        "pipelines/daily_sales.yaml:4:15: error UNKNOWN_TASK: Input 'orders' of task 'summarize' refers to unknown task 'extrct'; did you mean 'extract'?",
        '  |',
        '4 |       orders: ${{ tasks.extrct.output }}',
        '  |               ^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '1 error in 1 file (2 files checked)',
        '',
      ].join('\n'),
    )
  })

  test('a long line is cut around the column, with … on the cut sides, so the caret is on screen (probe finding)', () => {
    const deep: Diagnostic = { ...UNKNOWN_TASK, code: 'NESTING_TOO_DEEP', message: 'Too deep.', line: 2, column: 257, endLine: 2, endColumn: 262 }
    const text = formatText([{ path: 'deep.yaml', diagnostics: [deep], text: `a:\n${' '.repeat(256)}k125: ${'y'.repeat(100)}\n` }], createPalette(false))
    expect(text.split('\n').slice(1, 4)).toEqual(['  |', `2 | …${' '.repeat(40)}k125: ${'y'.repeat(74)}…`, `  | ${' '.repeat(41)}^^^^^`])
    // Past 500 characters the line was not shown at all; near its end the window ends with it.
    const far: Diagnostic = { ...UNKNOWN_TASK, line: 1, column: 990, endLine: 1, endColumn: 991 }
    const lines = formatText([{ path: 'long.yaml', diagnostics: [far], text: 'a'.repeat(1000) }], createPalette(false)).split('\n')
    expect(lines.slice(2, 4)).toEqual([`1 | …${'a'.repeat(51)}`, `  | ${' '.repeat(41)}^`])
  })

  test('no colour codes without a palette, ANSI codes with one', () => {
    expect(formatText(reports, createPalette(false))).not.toContain('\u001b[')
    const coloured = formatText(reports, createPalette(true))
    expect(coloured).toContain('\u001b[31m') // red error
    expect(coloured).toContain('\u001b[33m') // yellow warning
  })

  test('summaries count errors, warnings, files with problems and files checked', () => {
    expect(summaryLine(reports)).toBe('1 error, 1 warning in 2 files (3 files checked)')
    expect(summaryLine([reports[1]!])).toBe('No problems (1 file checked).')
  })

  test('a diagnostic without source text (an unreadable file) is still one clear line', () => {
    const out = formatText([{ path: 'gone.yaml', diagnostics: [{ ...UNKNOWN_TASK, code: 'FILE_UNREADABLE', message: "Cannot read 'gone.yaml': the file does not exist; check the path.", line: 1, column: 1 }] }], createPalette(false))
    expect(out.split('\n')[0]).toBe("gone.yaml:1:1: error FILE_UNREADABLE: Cannot read 'gone.yaml': the file does not exist; check the path.")
  })
})

describe('control characters from a spec never reach the terminal as they are', () => {
  // A spec can hold ESC, BEL, CR or NUL in a quoted string or a comment; written out raw they clear
  // lines, hide text or set the window title, so a hostile spec could hide its own errors.
  const hostile = 'tasks:  # \u001b[2K\u001b[1A\n  a: { handler: "h/\u001b]0;PWNED\u0007\u001b[8mx.ts\r\u202e#a" }\n'
  const diagnostic: Diagnostic = { ...UNKNOWN_TASK, code: 'HANDLER_NOT_FOUND', message: "Handler module 'h/\u001b]0;PWNED\u0007\u001b[8mx.ts\r\u202e' does not exist.\nNo problems", line: 2, column: 17, endLine: 2, endColumn: 43 }
  const report: FileReport = { path: 'hostile.yaml', diagnostics: [diagnostic, { ...UNUSED, line: 1, column: 11 }], text: hostile }

  test('text: the message and the source line show them as escapes, the caret still under the node', () => {
    const out = formatText([report], createPalette(false))
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/)
    const lines = out.split('\n')
    expect(lines[0]).toBe("hostile.yaml:2:17: error HANDLER_NOT_FOUND: Handler module 'h/\\u001b]0;PWNED\\u0007\\u001b[8mx.ts\\r\\u202e' does not exist.\\nNo problems")
    expect(lines[2]).toBe('2 |   a: { handler: "h/\\u001b]0;PWNED\\u0007\\u001b[8mx.ts\\r\\u202e#a" }')
    expect(lines[3]).toBe(`  | ${' '.repeat(16)}${'^'.repeat('"h/\\u001b]0;PWNED\\u0007\\u001b[8mx.ts\\r\\u202e#a"'.length)}`)
    expect(lines[6]).toBe('1 | tasks:  # \\u001b[2K\\u001b[1A')
    expect(lines[7]).toBe(`  | ${' '.repeat(10)}${'^'.repeat('\\u001b[2K\\u001b[1A'.length)}`)
  })

  test('github: ESC and BEL as escapes, CR and LF as the workflow-command encoding', () => {
    const line = formatGithub([report]).split('\n')[0]!
    expect(line).toContain("::Handler module 'h/\\u001b]0;PWNED\\u0007\\u001b[8mx.ts%0D\\u202e' does not exist.%0ANo problems")
  })
})

describe('json', () => {
  test('exactly the shape DESIGN.md specifies', () => {
    const parsed = JSON.parse(formatJson(reports)) as unknown
    expect(parsed).toEqual({
      files: [
        {
          path: 'pipelines/daily_sales.yaml',
          valid: false,
          diagnostics: [{ severity: 'error', code: 'UNKNOWN_TASK', message: UNKNOWN_TASK.message, line: 4, column: 15, pointer: '/tasks/summarize/inputs/orders' }],
        },
        { path: 'pipelines/clean.yaml', valid: true, diagnostics: [] },
        { path: 'pipelines/other.yaml', valid: true, diagnostics: [{ severity: 'warning', code: 'UNUSED_PARAM', message: UNUSED.message, line: 1, column: 1, pointer: '/params/x' }] },
      ],
    })
    expect(formatJson(reports).endsWith('}\n')).toBe(true)
  })
})

describe('github', () => {
  test('one workflow command per diagnostic, then the summary', () => {
    const lines = formatGithub(reports).trimEnd().split('\n')
    expect(lines).toEqual([
      `::error file=pipelines/daily_sales.yaml,line=4,col=15,endLine=4,endColumn=41,title=weir UNKNOWN_TASK::${UNKNOWN_TASK.message}`,
      `::warning file=pipelines/other.yaml,line=1,col=1,title=weir UNUSED_PARAM::${UNUSED.message}`,
      '1 error, 1 warning in 2 files (3 files checked)',
    ])
  })

  test('escapes %, CR and LF in messages, and also : and , in properties', () => {
    const odd: FileReport = {
      path: 'dir,with:odd%chars/spec.yaml',
      diagnostics: [{ ...UNUSED, severity: 'error', message: '100% wrong:\r\nsecond line, really' }],
    }
    expect(formatGithub([odd]).split('\n')[0]).toBe(
      '::error file=dir%2Cwith%3Aodd%25chars/spec.yaml,line=1,col=1,title=weir UNUSED_PARAM::100%25 wrong:%0D%0Asecond line, really',
    )
  })
})

describe('shouldColor', () => {
  const tty = { isTTY: true }
  const pipe = { isTTY: false }
  test.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['NO_COLOR on a terminal', tty, { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR (ignored)', tty, { NO_COLOR: '' }, true],
    ['FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['an empty FORCE_COLOR', pipe, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false', tty, { FORCE_COLOR: 'false' }, false],
    ['NO_COLOR beats FORCE_COLOR', pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['a dumb terminal', tty, { TERM: 'dumb' }, false],
  ])('%s', (_name, stream, env, want) => {
    expect(shouldColor(stream, env)).toBe(want)
  })
})
