/** Names a new project gets from its folder: a pipeline name and an npm package name. */

/** A pipeline name (`^[a-z][a-z0-9_]*$`) from any folder name; `my_pipeline` when nothing is left. */
export function toPipelineName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 64)
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
  return /^[a-z][a-z0-9_]*$/.test(name)
}
