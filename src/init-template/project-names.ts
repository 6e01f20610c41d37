/** Names a new project gets from its folder: a pipeline name and an npm package name. */

/** The spec's limit on a pipeline name's length. */
const MAX_PIPELINE_NAME = 63

/** A pipeline name (`^[a-z][a-z0-9_]*$`, at most 63 characters) from any folder name; `my_pipeline` when nothing is left. */
export function toPipelineName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_PIPELINE_NAME)
    .replace(/_+$/, '')
  return name === '' ? 'my_pipeline' : name
}

/** An npm package name from any folder name; `my-pipelines` when nothing is left. */
export function toPackageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._~-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 214)
  return name === '' ? 'my-pipelines' : name
}

/** Whether `name` may be used as a pipeline name. */
export function isPipelineName(name: string): boolean {
  return name.length <= MAX_PIPELINE_NAME && /^[a-z][a-z0-9_]*$/.test(name)
}
