/**
 * weir is published as `weir-pipelines` (the npm name `weir` belongs to an unrelated package; issue
 * 15), and its command stays `weir`. Everything a user copies (install commands, imports, the editor
 * schema path, the default CLI path of generated remote jobs) must name the package that installs it.
 */
import { describe, expect, test } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { argoLayout } from '../../../src/plugins/targets/argo/workflow.ts'
import { databricksLayout } from '../../../src/plugins/targets/databricks/job.ts'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; bin: Record<string, string> }
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { name: string; packages: Record<string, { name?: string }> }
const DOCS = [...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f)), 'README.md']

/** Lines that name the package `weir` where a user would install, import or find it. */
const WRONG_NAME = [
  /from ['"]weir(\/[\w.]+)?['"]/, // an import
  /npm (i|install|add)\b[^`\n&|;#]*\sweir(@[^\s`]*)?(\s|`|$)/, // an install command
  /npx weir init\b/, // npx resolves the package name `weir`: a stranger's package
  /node_modules\/weir\//, // a path into the installed package
  /"weir":\s*"/, // a dependency
  /npmjs\.com\/package\/weir(?![\w-])/,
]

function wrongNames(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => (WRONG_NAME.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []))
}

describe('the npm package is weir-pipelines, the command weir', () => {
  test('package.json and package-lock.json', () => {
    expect(pkg.name).toBe('weir-pipelines')
    expect(Object.keys(pkg.bin)).toEqual(['weir'])
    expect(lock.name).toBe('weir-pipelines')
    expect(lock.packages['']?.name).toBe('weir-pipelines')
  })

  test('no doc tells a user to install, import or find the package as `weir`', () => {
    expect(DOCS.flatMap(wrongNames)).toEqual([])
  })

  test('getting started installs weir-pipelines and scaffolds with npx weir-pipelines init', () => {
    const page = readFileSync('docs/getting-started.md', 'utf8')
    expect(page).toContain('npm install --save-dev weir-pipelines')
    expect(page).toContain('npx weir-pipelines init my-project')
  })

  test('generated remote jobs start the CLI of the installed package', () => {
    expect(argoLayout({ image: 'i' } as never).cli).toEqual(['node', '/app/node_modules/weir-pipelines/bin/weir.js'])
    expect(databricksLayout({} as never).cli).toEqual(['${workspace.file_path}/node_modules/weir-pipelines/bin/weir.js'])
  })
})
