/**
 * The run's task graph: laid out once in a Web Worker, drawn as SVG, coloured by status as the run
 * changes. Drag to pan, wheel to zoom, and search by task id (Enter centres the first match).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { UiGraph, UiTask } from '../api-types.ts'
import type { LayoutResult } from './layout.ts'
import { NODE_HEIGHT, NODE_WIDTH } from './layout.ts'
import { TaskNode } from './task-node.tsx'

interface View {
  readonly x: number
  readonly y: number
  readonly k: number
}

function useLayout(graph: UiGraph): { layout?: LayoutResult; error?: string } {
  const [state, setState] = useState<{ layout?: LayoutResult; error?: string }>({})
  const key = useMemo(() => JSON.stringify(graph), [graph.tasks.length, graph.edges.length])
  useEffect(() => {
    const worker = new Worker('/assets/layout-worker.js')
    worker.onmessage = (e: MessageEvent<{ ok: boolean; layout?: LayoutResult; error?: string }>) => {
      setState(e.data.ok ? { layout: e.data.layout! } : { error: e.data.error ?? 'layout failed' })
      worker.terminate()
      document.body.dataset.layoutMs = String(Math.round(e.data.layout?.ms ?? -1))
    }
    worker.postMessage({ tasks: graph.tasks, edges: graph.edges.map((e) => ({ from: e.from, to: e.to })) })
    return () => worker.terminate()
  }, [key])
  return state
}

export interface DagViewProps {
  readonly graph: UiGraph
  readonly tasks: ReadonlyMap<string, UiTask>
  readonly selected: string | undefined
  readonly onSelect: (id: string) => void
}

export function DagView({ graph, tasks, selected, onSelect }: DagViewProps) {
  const { layout, error } = useLayout(graph)
  const box = useRef<HTMLDivElement>(null)
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 })
  const [search, setSearch] = useState('')
  const drag = useRef<{ x: number; y: number; view: View } | undefined>(undefined)

  // Fit to the box once laid out (never larger than natural size).
  useEffect(() => {
    if (!layout || !box.current) return
    const { clientWidth: w, clientHeight: h } = box.current
    const k = Math.min(1, w / Math.max(1, layout.width), h / Math.max(1, layout.height))
    const fit = Math.max(k, 0.05)
    setView({ x: (w - layout.width * fit) / 2, y: (h - layout.height * fit) / 2, k: fit })
    document.body.dataset.dagReady = 'true'
  }, [layout])

  const matches = useMemo(() => (search.trim() === '' ? new Set<string>() : new Set(graph.tasks.filter((id) => id.includes(search.trim())))), [search, graph.tasks])

  const centre = (id: string): void => {
    const n = layout?.nodes[id]
    if (!n || !box.current) return
    const k = Math.max(view.k, 0.8)
    setView({ k, x: box.current.clientWidth / 2 - (n.x + NODE_WIDTH / 2) * k, y: box.current.clientHeight / 2 - (n.y + NODE_HEIGHT / 2) * k })
    onSelect(id)
  }

  const onWheel = (e: WheelEvent): void => {
    e.preventDefault()
    const rect = box.current!.getBoundingClientRect()
    const px = e.clientX - rect.left
    const py = e.clientY - rect.top
    const k = Math.min(4, Math.max(0.02, view.k * Math.exp(-e.deltaY * 0.0015)))
    setView({ k, x: px - ((px - view.x) * k) / view.k, y: py - ((py - view.y) * k) / view.k })
  }

  return (
    <div class="dag">
      <div class="dag-tools">
        <input
          type="search"
          id="task-search"
          placeholder="search task id"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              const first = graph.tasks.find((id) => matches.has(id))
              if (first) centre(first)
            }
          }}
        />
        {search && <span class="small muted">{matches.size} match{matches.size === 1 ? '' : 'es'}</span>}
        <span class="small muted">{graph.tasks.length} tasks{layout ? ` · drag to pan, wheel to zoom` : ''}</span>
      </div>
      <div
        class="dag-box"
        ref={box}
        onWheel={onWheel}
        onPointerDown={(e) => {
          if ((e.target as Element).closest('g.node')) return
          drag.current = { x: e.clientX, y: e.clientY, view }
          ;(e.currentTarget as HTMLElement).setPointerCapture(e.pointerId)
        }}
        onPointerMove={(e) => {
          const d = drag.current
          if (d) setView({ ...d.view, x: d.view.x + e.clientX - d.x, y: d.view.y + e.clientY - d.y })
        }}
        onPointerUp={() => (drag.current = undefined)}
      >
        {error && <p class="problem">Layout failed: {error}</p>}
        {!layout && !error && <p class="muted">Laying out {graph.tasks.length} tasks…</p>}
        {layout && (
          <svg id="dag" width="100%" height="100%">
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
              </marker>
            </defs>
            <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
              {graph.edges.map((e, i) => {
                const pts = layout.edges[i] ?? []
                if (pts.length === 0) return null
                return <path key={i} class={`edge ${e.kind}`} d={`M${pts.map((p) => `${p.x},${p.y}`).join(' L')}`} marker-end="url(#arrow)" />
              })}
              {graph.tasks.map((id) => {
                const n = layout.nodes[id]
                const task = tasks.get(id)
                if (!n || !task) return null
                return <TaskNode key={id} task={task} x={n.x} y={n.y} selected={selected === id} matched={matches.has(id)} onSelect={onSelect} />
              })}
            </g>
          </svg>
        )}
      </div>
    </div>
  )
}
