/**
 * What a handler sees as `ctx.params`: a deeply frozen copy of the run's params, made once per params
 * object. In process every task of a run shares the params, so one handler that changed them would
 * change what later tasks see, which a subprocess or an engine task never would: frozen, the change
 * throws in every executor alike.
 */
const frozen = new WeakMap<object, Readonly<Record<string, unknown>>>()

/** The read-only view of `params` handed to handlers. */
export function frozenParams(params: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  // A run without params (each run resolves a new object) shares one empty view: no copy per run.
  if (isPlainEmpty(params)) return NO_PARAMS
  let view = frozen.get(params)
  if (!view) {
    try {
      view = deepFreeze(structuredClone(params))
    } catch {
      // Params that cannot be copied (a function passed through the API): hand them over as they are.
      view = params
    }
    frozen.set(params, view)
  }
  return view
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key])
  return Object.freeze(value)
}

const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({})

function isPlainEmpty(params: object): boolean {
  if (Object.getPrototypeOf(params) !== Object.prototype) return false
  for (const _ in params) return false
  return Reflect.ownKeys(params).length === 0
}
