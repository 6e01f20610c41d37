/**
 * A `require` that hands out some built-in modules on first use instead of at once. jiti's core
 * requires `node:assert`, `node:fs/promises` and `node:v8` as it loads, and uses them only on rare
 * paths (assert and v8 in the making of some errors, the promises API in a fallback for ES modules);
 * loading them was ~3 ms of every process that imports a TypeScript handler (`node:assert` brings
 * its error class, its colours and so `process.stderr`, which brings the stream modules).
 *
 * A deferred module is a Proxy whose property reads, calls and `in` load the real module first and
 * are then done on it; `__esModule`, which bundlers read at once to decide how to import, is
 * answered without loading (no built-in module has it). Only what jiti does with these modules is
 * forwarded: no `new` of the module itself, no listing of its keys.
 */

type Require = (id: string) => unknown

export function deferBuiltins(require: Require, ids: readonly string[]): Require {
  const deferred = new Set(ids)
  return (id) => (deferred.has(id) ? deferredModule(() => require(id)) : require(id))
}

function deferredModule(load: () => unknown): unknown {
  let loaded: object | undefined
  const real = (): object => (loaded ??= load() as object)
  // An arrow function as the target: callable, for a module that is a function (node:assert), and
  // without a `prototype` of its own, which a Proxy would have to report whatever the module has.
  return new Proxy(() => {}, {
    get: (_, key) => (key === '__esModule' ? undefined : Reflect.get(real(), key)),
    has: (_, key) => Reflect.has(real(), key),
    apply: (_, self, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, self, args),
  })
}
