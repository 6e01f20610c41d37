/**
 * The DAG's layout with dagre, shared by the Web Worker (the page never blocks on a large graph) and
 * the bench. Small graphs get dagre's default ranker (network simplex: the most compact drawing);
 * above LONGEST_PATH_FROM tasks, 'longest-path', which is ~5× faster on dense graphs (1,000 tasks,
 * 2,000 edges: 1.5 s instead of 7 s) at the price of longer edges. From FAST_ORDER_FROM tasks, dagre's
 * crossing-reduction sweeps are skipped too (another ~40%): a graph that size is read by searching and
 * panning, not by following edges. See docs/ui.md.
 */
import dagre from '@dagrejs/dagre'

export const NODE_WIDTH = 170
export const NODE_HEIGHT = 40
export const LONGEST_PATH_FROM = 300
export const FAST_ORDER_FROM = 500

export interface LayoutRequest {
  readonly tasks: readonly string[]
  readonly edges: readonly { readonly from: string; readonly to: string }[]
}

export interface LayoutResult {
  readonly width: number
  readonly height: number
  /** Top-left corner of each task's box, by task id. */
  readonly nodes: Readonly<Record<string, { readonly x: number; readonly y: number }>>
  /** One polyline per edge, in the request's order. */
  readonly edges: readonly (readonly { readonly x: number; readonly y: number }[])[]
  readonly ranker: string
  readonly ms: number
}

export function layoutGraph(request: LayoutRequest): LayoutResult {
  const started = performance.now()
  const ranker = request.tasks.length >= LONGEST_PATH_FROM ? 'longest-path' : 'network-simplex'
  const g = new dagre.graphlib.Graph({ multigraph: true })
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 50, edgesep: 6, marginx: 10, marginy: 10, ranker })
  g.setDefaultEdgeLabel(() => ({}))
  for (const id of request.tasks) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT })
  request.edges.forEach((e, i) => {
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, {}, String(i))
  })
  dagre.layout(g, request.tasks.length >= FAST_ORDER_FROM ? { disableOptimalOrderHeuristic: true } : {})
  const nodes: Record<string, { x: number; y: number }> = {}
  for (const id of request.tasks) {
    const n = g.node(id) as { x: number; y: number }
    nodes[id] = { x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 }
  }
  const edges = request.edges.map((e, i) => ((g.edge({ v: e.from, w: e.to, name: String(i) }) as { points?: { x: number; y: number }[] } | undefined)?.points ?? []))
  const graph = g.graph() as { width?: number; height?: number }
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges, ranker, ms: performance.now() - started }
}
