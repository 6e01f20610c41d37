// Stands in for `prettier` inside dist/ (scripts/build.mjs points every `import 'prettier'` here):
// prettier's standalone build with only the TypeScript parser and the estree printer, which is all
// weir formats (generated handler types, through json-schema-to-typescript and directly). The same
// prettier version formats the same way; the full package is 12 MB of parsers for other languages.
import { format as formatStandalone } from 'prettier/standalone'
import * as estree from 'prettier/plugins/estree'
import * as typescript from 'prettier/plugins/typescript'

/** prettier's `format`, with the TypeScript plugins. */
export function format(source, options = {}) {
  return formatStandalone(source, { ...options, plugins: [estree, typescript] })
}

export default { format }
