import type { Rule } from './types.ts'
import type { SpecView } from '../collect.ts'

interface EdgeRef {
  readonly to: string
  readonly pointer: string
  readonly span?: { start: number; end: number }
}

/** Dependency cycles through data references and `needs`, each reported once with its path. */
export const cycles: Rule = ({ view, report }) => {
  const graph = dependencyGraph(view)
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const reported = new Set<string>()
  const visit = (id: string): void => {
    state.set(id, 'visiting')
    stack.push(id)
    for (const edge of graph.get(id) ?? []) {
      const s = state.get(edge.to)
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(edge.to)), edge.to]
        const key = [...cycle.slice(0, -1)].sort().join(',')
        if (!reported.has(key)) {
          reported.add(key)
          report({ code: 'DEPENDENCY_CYCLE', pointer: edge.pointer, span: edge.span,
            message: `Tasks depend on each other in a cycle: ${cycle.join(' → ')} (each depends on the next); remove one of these dependencies.` })
        }
      } else if (s === undefined) visit(edge.to)
    }
    stack.pop()
    state.set(id, 'done')
  }
  for (const id of view.tasks.keys()) if (!state.has(id)) visit(id)
}

/** downstream task → the upstream tasks it depends on (edges point from a task to what it needs). */
function dependencyGraph(view: SpecView): Map<string, EdgeRef[]> {
  const graph = new Map<string, EdgeRef[]>()
  const add = (from: string, edge: EdgeRef): void => {
    if (from === edge.to || !view.tasks.has(edge.to)) return // reported by unknown-refs
    const list = graph.get(from) ?? []
    list.push(edge)
    graph.set(from, list)
  }
  for (const occ of view.refs)
    if (occ.ref.kind === 'output' || occ.ref.kind === 'value') add(occ.taskId, { to: occ.ref.taskId, pointer: occ.pointer, span: occ.span })
  for (const need of view.needs) add(need.taskId, { to: need.needed, pointer: need.pointer })
  return graph
}
