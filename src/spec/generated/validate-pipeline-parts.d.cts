declare const parts: {
  /** The pipeline schema with `tasks` only required to be a mapping. */
  readonly frame: (data: unknown) => boolean
  /** One task. */
  readonly task: (data: unknown) => boolean
}
export = parts
