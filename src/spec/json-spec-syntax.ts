/**
 * A `.json` spec is held to JSON. The `yaml` parser reads JSON as the YAML it is a subset of, so
 * without this a `.json` file with comments, trailing commas or single quotes was either accepted
 * (a file other JSON tools refuse) or refused in YAML's words ("Flow map in block collection must be
 * sufficiently indented", a `// comment` read as a key), which mean nothing to someone writing JSON.
 */
import { locateJsonError } from './locate-json-error.ts'

/** Whether a spec path names a JSON file. */
export function isJsonSpecPath(path: string): boolean {
  return /\.json$/i.test(path)
}

/** Where and why a `.json` spec's text is not JSON, or undefined when it parses. */
export function jsonSyntaxProblem(text: string): { readonly message: string; readonly line: number; readonly column: number } | undefined {
  let reason: string
  try {
    JSON.parse(text)
    return undefined
  } catch (error) {
    reason = describeJsonError((error as Error).message)
  }
  const at = locateJsonError(text) ?? { line: 1, column: 1 }
  return {
    ...at,
    message:
      `The file is not valid JSON here (${reason}): a .json spec must be strict JSON, without comments, trailing ` +
      'commas, single quotes or unquoted keys; write the spec as YAML in a .yaml file to use those.',
  }
}

/**
 * V8's message without the part that quotes the text (`Unexpected token 'N', "{"a": NaN}" is not
 * valid JSON`) or states an offset the diagnostic already gives as line and column.
 */
function describeJsonError(message: string): string {
  const reason = message
    .replace(/, (?:\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ of JSON input$/, ' of the file')
  return reason.charAt(0).toLowerCase() + reason.slice(1)
}
