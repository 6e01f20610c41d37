import type { Finding } from '../diagnostics.ts'
import type { SpecView } from '../collect.ts'
import type { JsonSchema } from '../model.ts'

/** What `validateSpec` knows about the installed plugins: their `type`s and config schemas. */
export interface PluginCatalog {
  /** IoManager type → its config JSON Schema (without `type`). */
  readonly io: ReadonlyMap<string, JsonSchema>
  /** Target name (`argo`, `databricks`) → its config JSON Schema. */
  readonly targets: ReadonlyMap<string, JsonSchema>
}

export interface RuleContext {
  readonly view: SpecView
  /** Absolute path of the spec file. */
  readonly sourcePath: string
  /** Handler modules must resolve inside this folder. */
  readonly projectRoot: string
  readonly plugins: PluginCatalog
  /** Whether to look at handler files on disk (off for in-memory validation of text). */
  readonly checkHandlers: boolean
  /** Collects the files and folders besides the spec that the verdict rests on; see `ValidateOptions.dependsOn`. */
  readonly dependsOn?: Set<string>
  readonly report: (finding: Finding) => void
}

/** A rule checks one kind of meaning and reports findings; rules never throw on odd shapes. */
export type Rule = (ctx: RuleContext) => void | Promise<void>
