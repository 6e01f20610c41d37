/**
 * The three output formats of `weir spec validate`: text for people, JSON for tools (DESIGN.md),
 * GitHub workflow commands for inline annotations on pull requests.
 */
import type { Diagnostic } from '../spec/diagnostics.ts'
import type { Palette } from './colors.ts'
import { escapeControls } from './escape-controls.ts'

export interface FileReport {
  /** The path as the user gave it (or as found under a folder they gave). */
  readonly path: string
  readonly diagnostics: readonly Diagnostic[]
  /** The file's text, for source excerpts; absent when it could not be read. */
  readonly text?: string
}

export function formatText(reports: readonly FileReport[], palette: Palette): string {
  let out = ''
  for (const report of reports) {
    const lines = report.text?.split(/\r?\n/)
    for (const d of report.diagnostics) {
      const label = d.severity === 'error' ? palette.red(palette.bold('error')) : palette.yellow(palette.bold('warning'))
      out += `${palette.bold(`${escapeControls(report.path)}:${d.line}:${d.column}`)}: ${label} ${palette.bold(d.code)}: ${escapeControls(d.message)}\n`
      const source = lines?.[d.line - 1]
      if (source !== undefined) out += excerpt(source, d, palette)
    }
  }
  return out + summaryLine(reports) + '\n'
}

/** A source line longer than this is shown cut around the column, `…` marking the cut sides. */
const EXCERPT_WIDTH = 120
/** Characters of a cut line kept before the column. */
const EXCERPT_LEAD = 40

function excerpt(source: string, d: Diagnostic, palette: Palette): string {
  const gutter = String(d.line)
  const pad = ' '.repeat(gutter.length)
  const start = d.column - 1
  // A long line is cut to a window around the column: shown whole, the caret of column 257 landed
  // where a terminal had wrapped the line, or, past 500 characters, the line was not shown at all.
  const [from, to] = excerptWindow(source, start)
  const end = Math.min(to, d.endLine === d.line && d.endColumn !== undefined && d.endColumn > d.column ? d.endColumn - 1 : source.length)
  // Control characters are shown escaped (escape-controls.ts), so the caret moves with them.
  const show = (part: string): string => escapeControls(part.replace(/\t/g, ' '))
  const before = (from > 0 ? '…' : '') + show(source.slice(from, start)) + ' '.repeat(Math.max(0, start - source.length))
  const inside = show(source.slice(start, Math.max(start, end)))
  const caret = (d.severity === 'error' ? palette.red : palette.yellow)('^'.repeat(Math.max(1, inside.length)))
  const shown = before + inside + show(source.slice(Math.max(start, end), to)) + (to < source.length ? '…' : '')
  return `${palette.dim(`${pad} |`)}\n${palette.dim(`${gutter} |`)} ${shown}\n${palette.dim(`${pad} |`)} ${' '.repeat(before.length)}${caret}\n`
}

/** The part of `source` to show around index `start`: all of it when short, else up to `EXCERPT_WIDTH` characters from a little before it, never splitting a surrogate pair. */
function excerptWindow(source: string, start: number): [number, number] {
  if (source.length <= EXCERPT_WIDTH) return [0, source.length]
  let from = Math.max(0, Math.min(start, source.length) - EXCERPT_LEAD)
  let to = Math.min(source.length, from + EXCERPT_WIDTH)
  if (from > 0 && isLowSurrogate(source.charCodeAt(from))) from--
  if (to < source.length && isLowSurrogate(source.charCodeAt(to))) to++
  return [from, to]
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

export function summaryLine(reports: readonly FileReport[]): string {
  const errors = count(reports, 'error')
  const warnings = count(reports, 'warning')
  const badFiles = reports.filter((r) => r.diagnostics.length > 0).length
  const checked = `${reports.length} file${reports.length === 1 ? '' : 's'} checked`
  if (errors === 0 && warnings === 0) return `No problems (${checked}).`
  const parts = []
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`)
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`)
  return `${parts.join(', ')} in ${badFiles} file${badFiles === 1 ? '' : 's'} (${checked})`
}

function count(reports: readonly FileReport[], severity: Diagnostic['severity']): number {
  return reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === severity).length, 0)
}

/**
 * `{"files":[{"path","valid","diagnostics":[…]}]}`, exactly as DESIGN.md specifies. Under `--strict`
 * (`strict`) a warning fails the check, so a file with one is not valid either.
 */
export function formatJson(reports: readonly FileReport[], strict = false): string {
  return JSON.stringify({
    files: reports.map((r) => ({
      path: r.path,
      valid: !r.diagnostics.some((d) => d.severity === 'error' || strict),
      diagnostics: r.diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        line: d.line,
        column: d.column,
        pointer: d.pointer,
      })),
    })),
  }) + '\n'
}

/** GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`. */
export function formatGithub(reports: readonly FileReport[]): string {
  let out = ''
  for (const r of reports)
    for (const d of r.diagnostics) {
      const props = [`file=${escapeProperty(escapeControls(r.path, '\r\n'))}`, `line=${d.line}`, `col=${d.column}`]
      if (d.endLine !== undefined && d.endColumn !== undefined) props.push(`endLine=${d.endLine}`, `endColumn=${d.endColumn}`)
      props.push(`title=${escapeProperty(`weir ${d.code}`)}`)
      out += `::${d.severity} ${props.join(',')}::${escapeData(escapeControls(d.message, '\r\n'))}\n`
    }
  return out + summaryLine(reports) + '\n'
}

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts escaping rules
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}
