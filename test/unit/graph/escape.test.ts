import { describe, expect, test } from 'vitest'
import { escapeHtml, escapeMermaidText, jsonForScript, scriptForInline } from '../../../src/codegen/graph/escape.ts'
import { formatDuration } from '../../../src/spec/duration.ts'

describe('escapeMermaidText', () => {
  test('keeps paths readable', () => {
    expect(escapeMermaidText('../handlers/sales-v2.ts')).toBe('../handlers/sales-v2.ts')
  })

  test('writes every other character as a decimal entity code', () => {
    expect(escapeMermaidText('a#b"c<d>e`f;g&h')).toBe('a#35;b#34;c#60;d#62;e#96;f#59;g#38;h')
    expect(escapeMermaidText('ü 😀')).toBe('#252; #128512;')
  })

  test('turns line breaks into spaces: a label is one line of Mermaid', () => {
    expect(escapeMermaidText('a\nb\r\nc')).toBe('a b  c')
  })
})

describe('HTML escaping', () => {
  test('escapeHtml covers content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  })

  test('jsonForScript cannot close its script element and still parses to the same value', () => {
    const value = { s: '</script><!-- & \u2028' }
    const json = jsonForScript(value)
    expect(json).not.toMatch(/[<>&\u2028]/)
    expect(JSON.parse(json)).toEqual(value)
  })

  test('scriptForInline hides </script, <script and <!-- inside literals', () => {
    const source = 'var a="</script>",b=/<!--/,c=\'<SCRIPT>\''
    const inlined = scriptForInline(source)
    expect(inlined).not.toMatch(/<\/?script|<!--/i)
    // the same program: every literal still means the same text
    const run = (code: string) => new Function(`${code}; return [a, b.source, c]`)() as unknown[]
    expect(run(inlined)).toEqual(['</script>', '\\x3C!--', '<SCRIPT>'])
    expect(new RegExp(String(run(inlined)[1])).test('<!--')).toBe(true)
  })
})

describe('formatDuration', () => {
  test.each([
    [0, '0ms'],
    [999, '999ms'],
    [999.7, '999ms'],
    [1000, '1.0s'],
    [1250, '1.2s'],
    [9999, '9.9s'],
    [45_000, '45s'],
    [59_999, '59s'],
    [119_700, '1m 59s'],
    [125_000, '2m 05s'],
    [3_780_000, '1h 03m'],
    [-1, '?'],
  ])('%i ms reads %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want)
  })
})
