/**
 * The places `weir execute` reads and writes: a path, a `file://` URI, or a `gs://` URI with a
 * bucket and an object name Cloud Storage keeps as written. `weir execute` checks its `--inputs`
 * and `--output-prefix` with it (src/cli/execute-args.ts), and the targets check their `storage`
 * setting, which every task's `--output-prefix` is made of (src/plugins/targets/shared-checks.ts),
 * so a spec is refused where it is validated rather than in every deployed task. Both sides need
 * the same verdict, so it lives in the bottom layer.
 */
import { fileURLToPath } from 'node:url'

/** What is wrong with a location and what to write instead: clauses, to follow its name. */
export interface LocationProblem {
  /** E.g. `names no bucket`. */
  readonly problem: string
  /** E.g. `write gs://BUCKET/path`; absent when the problem says what is accepted. */
  readonly fix?: string
}

/**
 * Whether an object name has an empty, `.` or `..` segment: Cloud Storage keeps such names
 * literally, where gcsfuse, gsutil and the console read them as paths.
 */
export function hasUnusableSegment(name: string): boolean {
  return name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
}

/**
 * What `weir execute` would refuse in a location, or undefined when it takes it. `paths`: whether a
 * plain path is accepted (a flag takes one; a target's `storage` is a URI).
 */
export function locationProblem(value: string, paths: boolean): LocationProblem | undefined {
  if (value.startsWith('gs://')) {
    if (!/^gs:\/\/[^/]+/.test(value)) return { problem: 'names no bucket', fix: 'write gs://BUCKET/path' }
    // Trailing slashes are dropped where a prefix is joined with a name (joinObjectName), so only they may be empty.
    const name = value.replace(/^gs:\/\/[^/]+\/?/, '').replace(/\/+$/, '')
    if (name !== '' && hasUnusableSegment(name))
      return { problem: "has an empty, '.' or '..' segment (Cloud Storage would keep it in the object names literally)", fix: 'write gs://BUCKET/a/b' }
    return undefined
  }
  if (value.startsWith('file:')) {
    try {
      fileURLToPath(value)
      return undefined
    } catch {
      return { problem: 'is not a valid file:// URI', fix: `write file:///absolute/path${paths ? ' or a path' : ''}` }
    }
  }
  if (paths && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined
  return paths
    ? { problem: 'must be a path, a file:// URI or a gs:// URI; weir execute reads and writes no other scheme' }
    : { problem: 'must be a gs:// or file:// URI', fix: 'write gs://BUCKET/path' }
}
