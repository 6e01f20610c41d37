import type { Rule } from './types.ts'
import type { SpecView } from '../collect.ts'

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
 * algorithm over task numbers, with the edges in flat arrays.
 */
function isAcyclic(view: SpecView): boolean {
  const number = new Map<string, number>()
  for (const id of view.tasks.keys()) number.set(id, number.size)
  const count = number.size
  // At most one edge per reference and per `needs` entry: typed arrays of that size, no growing.
  const from = new Int32Array(view.refs.length + view.needs.length)
  const to = new Int32Array(from.length)
  let edges = 0
  for (const occ of view.refs) {
    if (occ.ref.kind !== 'output' && occ.ref.kind !== 'value') continue
    const down = number.get(occ.taskId)
    const up = number.get(occ.ref.taskId)
    // Unknown or self: reported by unknown-refs.
    if (down === undefined || up === undefined || down === up) continue
    from[edges] = up
    to[edges++] = down
  }
  // A task's `needs` entries come one after the other: its number is looked up once, not per entry.
  let lastTask: string | undefined
  let down = -1
  for (const need of view.needs) {
    const up = number.get(need.needed)
    if (need.taskId !== lastTask) {
      lastTask = need.taskId
      down = number.get(lastTask)!
    }
    if (up === undefined || down === up) continue
    from[edges] = up
    to[edges++] = down
  }
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
  for (const need of view.needs) add(need.taskId, { to: need.needed, source: need })
  return graph
}
