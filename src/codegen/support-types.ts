/**
 * The fixed part of every generated handler-types file: the handler context and two helper types.
 * Generated files are self-contained (they import nothing from weir), so they compile wherever the
 * handlers live, with only `apache-arrow` needed when a task outputs a table.
 */

/** `Logger` and `TaskContext<T>`: what every handler's `ctx` is. */
export const CONTEXT_TYPES = `/** Where a handler's log lines go: the task's log. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The second argument of the handler of task \`T\`. */
export interface TaskContext<T extends keyof TaskValues> {
  /** Id of the run this attempt belongs to. */
  readonly runId: string;
  /** Attempt number, 1-based; each retry adds one. */
  readonly attempt: number;
  /** The run's params, with defaults filled in. */
  readonly params: Frozen<Params>;
  /** Writes to this task's log. */
  readonly log: Logger;
  /** Aborts on timeout or cancellation; pass it on to anything that waits. */
  readonly signal: AbortSignal;
  readonly values: {
    /** Sets one of the values task \`T\` declares under \`values:\`. */
    set<K extends keyof TaskValues[T]>(name: K, value: TaskValues[T][K]): void;
    /** Reads a value another task set; undefined when that task did not set it. A mapped task's is the list of its items' values. */
    get<U extends keyof ReadValues, K extends keyof ReadValues[U]>(
      task: U,
      name: K,
    ): ReadValues[U][K] | undefined;
  };
}

/** \`ctx.params\` is frozen, to any depth: a write throws at run time, so the type refuses it. */
export type Frozen<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;
`

/**
 * `At<T, P>`: the type of `\${{ tasks.x.output.a.b }}`, a path into an output, as
 * src/runtime/read-field-path.ts reads it: properties of objects only, nothing where a field is not.
 */
export const PATH_TYPES = `/** The type at a path inside \`T\`, as \`\${{ tasks.x.output.a.b }}\` reads it. */
export type At<T, P extends readonly string[]> = P extends readonly [
  infer H extends string,
  ...infer R extends readonly string[],
]
  ? At<AtStep<T, H>, R>
  : T;

/**
 * One step of \`At\`: a field of an object. Anything else on the way (a missing key, null, a string,
 * an array: \`length\` is not a field) gives undefined; an object that declares no keys, unknown.
 */
export type AtStep<T, K extends string> = unknown extends T
  ? unknown
  : T extends null | undefined | readonly unknown[]
    ? undefined
    : T extends object
      ? [keyof T] extends [never]
        ? unknown
        : K extends keyof T
          ? string extends keyof T
            ? OwnField<T[K], K> | undefined
            : OwnField<T[K], K>
          : undefined
      : undefined;

/**
 * A field \`K\` of type \`V\` as a path reads it: own properties only, so not the Object.prototype
 * member that the type of an optional \`toString\` or \`valueOf\` also admits.
 */
export type OwnField<V, K extends string> = V extends (K extends keyof Object ? Object[K] : never) ? never : V;
`

/** \`ItemOf<L>\`: the type of one item of a foreach list (docs/fan-out.md). */
export const MAP_TYPES = `/** The type of one item of a mapped task's foreach list \`L\`: \`\${{ item }}\`. */
export type ItemOf<L> = NonNullable<L> extends readonly (infer I)[] ? I : unknown;
`

/**
 * \`TableResult<C>\`: what a table task's handler returns. Arrow's \`Table<T>\` is invariant in \`T\`,
 * so an exact type would refuse \`tableFromArrays\` (it dictionary-encodes strings); this checks
 * column names and value types, and weir checks the exact Arrow types when it stores the table.
 * Row objects are typed as src/plugins/io/table/rows-to-table.ts converts them (one table, kept in
 * step by test/fixtures/codegen/cases/table-rows.ts): null or a missing property is a null cell,
 * 64-bit integers take a number or a BigInt, dates and timestamps a Date, an ISO string or epoch
 * milliseconds, binary a Uint8Array; an undeclared property is refused.
 */
export const TABLE_TYPES = `/**
 * What the handler of a \`table\` task returns: an Arrow table whose rows have (at least) these
 * columns with these value types, or an array of row objects, which weir turns into an Arrow
 * table of exactly these columns. weir checks the exact Arrow types when it stores the table.
 */
export type TableResult<C extends arrow.TypeMap> =
  | arrow.Table<C>
  | (arrow.Table & { get(index: number): { [K in keyof C]: C[K]["TValue"] } | null })
  | readonly TableRow<C>[];

/**
 * One row object of a table with columns \`C\`: a plain object with only declared columns; a
 * missing property, \`null\` or \`undefined\` is a null cell. (A column named like an
 * Object.prototype member, \`toString\`, also admits that member's type: TypeScript gives it to
 * every row object that lacks the column, which is a null cell like any missing property.)
 */
export type TableRow<C extends arrow.TypeMap> = {
  [K in keyof C]?: TableCell<C[K]> | null | undefined | (K extends keyof Object ? Object[K] : never);
};

/** What a row object's cell may hold for a column of Arrow type \`T\`. */
export type TableCell<T extends arrow.DataType> = T extends arrow.Date_ | arrow.Timestamp
  ? Date | string | number
  : T["TValue"] extends bigint
    ? bigint | number
    : T["TValue"];
`
