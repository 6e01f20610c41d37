import type { Rule } from './types.ts'
import type { NeedLists, SpecView } from '../collect.ts'
import { forEachNeed, needPointer } from '../collect.ts'

/** An edge: the upstream task and the reference or `needs` entry that makes it (its pointer is made only for a report). */
interface EdgeRef {
  readonly to: string
  readonly source: { readonly pointer: string; readonly span?: { start: number; end: number } }
}

const NO_EDGES: readonly EdgeRef[] = []

/**
 * Dependency cycles through data references and `needs`, each reported once with its path. The
 * depth-first search keeps its own stack: a chain of thousands of tasks must not overflow the
 * call stack.
 */
export const cycles: Rule = ({ view, report }) => {
  // Nearly every spec has no cycle: a cheap count over task numbers says so, and only a spec
  // that has one pays for the search that finds and describes each cycle.
  if (isAcyclic(view)) return
  const graph = dependencyGraph(view)
  const state = new Map<string, 'visiting' | 'done'>()
  const reported = new Set<string>()
  for (const root of view.tasks.keys()) {
    if (state.has(root)) continue
    const path: string[] = [root]
    const next: number[] = [0] // per frame: index of the next edge to follow
    state.set(root, 'visiting')
    while (path.length > 0) {
      const id = path[path.length - 1]!
      const edges = graph.get(id) ?? NO_EDGES
      const i = next[next.length - 1]!
      if (i >= edges.length) {
        state.set(id, 'done')
        path.pop()
        next.pop()
        continue
      }
      next[next.length - 1] = i + 1
      const edge = edges[i]!
      const seen = state.get(edge.to)
      if (seen === 'visiting') {
        const cycle = [...path.slice(path.indexOf(edge.to)), edge.to]
        const key = cycle.slice(0, -1).sort().join(',')
        if (!reported.has(key)) {
          reported.add(key)
          report({ code: 'DEPENDENCY_CYCLE', pointer: edge.source.pointer, span: edge.source.span, message: describeCycle(cycle) })
        }
      } else if (seen === undefined) {
        state.set(edge.to, 'visiting')
        path.push(edge.to)
        next.push(0)
      }
    }
  }
}

/**
 * Whether the dependency edges (the same ones `dependencyGraph` keeps) form no cycle: Kahn's
 * algorithm over task numbers, with the edges in flat arrays. Each loop is a function of its own:
 * this runs once per process, and V8 optimizes a long loop while it runs (on-stack replacement),
 * but code optimized for one loop of a function gives up when it reaches the next loop, which has
 * not run yet; small functions are optimized one by one.
 */
function isAcyclic(view: SpecView): boolean {
  const number = new Map<string, number>()
  view.tasks.forEach((_, id) => number.set(id, number.size))
  // At most one edge per reference and per `needs` entry: typed arrays of that size, no growing.
  const from = new Int32Array(view.refs.length + countEntries(view.needs.lists))
  const to = new Int32Array(from.length)
  const edges = needEdges(view.needs, number, from, to, refEdges(view.refs, number, from, to))
  return kahnCompletes(number.size, from, to, edges)
}

function countEntries(lists: readonly (readonly unknown[])[]): number {
  let count = 0
  for (let i = 0; i < lists.length; i++) count += lists[i]!.length
  return count
}

/** The data edges of references (output and value), from upstream to downstream task number; returns the edge count. */
function refEdges(refs: SpecView['refs'], number: ReadonlyMap<string, number>, from: Int32Array, to: Int32Array): number {
  let edges = 0
  for (let i = 0; i < refs.length; i++) {
    const occ = refs[i]!
    if (occ.ref.kind !== 'output' && occ.ref.kind !== 'value') continue
    const down = number.get(occ.taskId)
    const up = number.get(occ.ref.taskId)
    // Unknown or self: reported by unknown-refs.
    if (down === undefined || up === undefined || down === up) continue
    from[edges] = up
    to[edges++] = down
  }
  return edges
}

/** The `needs` edges, added after the first `edges`; returns the new edge count. */
function needEdges(needs: NeedLists, number: ReadonlyMap<string, number>, from: Int32Array, to: Int32Array, edges: number): number {
  const { taskIds, lists } = needs
  for (let t = 0; t < taskIds.length; t++) {
    // Only tasks that are mappings have a `needs` list here: each has a number.
    const down = number.get(taskIds[t]!)!
    const list = lists[t]!
    for (let i = 0; i < list.length; i++) {
      const needed = list[i]
      const up = typeof needed === 'string' ? number.get(needed) : undefined
      if (up === undefined || down === up) continue
      from[edges] = up
      to[edges++] = down
    }
  }
  return edges
}

/** Whether Kahn's algorithm over `count` tasks and these edges takes every task. */
function kahnCompletes(count: number, from: Int32Array, to: Int32Array, edges: number): boolean {
  // Edges grouped by upstream task (counting sort), and each task's count of unfinished upstream edges.
  const start = new Int32Array(count + 1)
  const waiting = new Int32Array(count)
  for (let e = 0; e < edges; e++) {
    start[from[e]! + 1]!++
    waiting[to[e]!]!++
  }
  for (let i = 0; i < count; i++) start[i + 1]! += start[i]!
  const fill = start.slice(0, count)
  const targets = new Int32Array(edges)
  for (let e = 0; e < edges; e++) targets[fill[from[e]!]!++] = to[e]!
  const ready: number[] = []
  for (let i = 0; i < count; i++) if (waiting[i] === 0) ready.push(i)
  let done = 0
  while (ready.length > 0) {
    const i = ready.pop()!
    done++
    for (let k = start[i]!; k < start[i + 1]!; k++) if (--waiting[targets[k]!]! === 0) ready.push(targets[k]!)
  }
  return done === count
}

/** `a → b → c → a`, shortened in the middle when the cycle is long. */
function describeCycle(cycle: readonly string[]): string {
  const shown = cycle.length > 12 ? [...cycle.slice(0, 6), `… ${cycle.length - 11} more …`, ...cycle.slice(-5)] : cycle
  return `Tasks depend on each other in a cycle: ${shown.join(' → ')} (each depends on the next); remove one of these dependencies.`
}

/** downstream task → the upstream tasks it depends on (edges point from a task to what it needs). */
function dependencyGraph(view: SpecView): Map<string, EdgeRef[]> {
  const graph = new Map<string, EdgeRef[]>()
  const add = (from: string, edge: EdgeRef): void => {
    if (from === edge.to || !view.tasks.has(edge.to)) return // reported by unknown-refs
    const list = graph.get(from)
    if (list === undefined) graph.set(from, [edge])
    else list.push(edge)
  }
  for (const occ of view.refs)
    if (occ.ref.kind === 'output' || occ.ref.kind === 'value') add(occ.taskId, { to: occ.ref.taskId, source: occ })
  forEachNeed(view.needs, (taskId, needed, index) => add(taskId, { to: needed, source: { pointer: needPointer(taskId, index) } }))
  return graph
}
