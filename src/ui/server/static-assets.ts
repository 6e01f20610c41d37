/**
 * The page and its assets, all from this package (no CDN; works offline). The assets are read once
 * from the build's folder into memory, by a fixed list of names: no request path ever reaches the
 * file system here.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The files `scripts/build.mjs` writes for the page, with their content types. */
export const ASSET_FILES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'layout-worker.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

export interface Assets {
  readonly files: ReadonlyMap<string, { readonly type: string; readonly body: Buffer }>
  /** The page, with the per-server token in a meta tag (readable by this origin only). */
  indexHtml(csrfToken: string): string
}

/** Loads the built assets; throws naming the folder when they are missing (a build without the UI). */
export async function loadAssets(dir: string): Promise<Assets> {
  const files = new Map<string, { type: string; body: Buffer }>()
  for (const [name, type] of Object.entries(ASSET_FILES)) {
    try {
      files.set(name, { type, body: await readFile(join(dir, name)) })
    } catch {
      throw new Error(`weir ui's page is missing from '${dir}' (${name}); rebuild weir with 'npm run build'.`)
    }
  }
  return { files, indexHtml: (token) => pageHtml(token) }
}

function pageHtml(csrfToken: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="weir-token" content="${csrfToken}">
<title>weir</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="app"></div>
<script type="module" src="/assets/app.js"></script>
</body>
</html>
`
}
