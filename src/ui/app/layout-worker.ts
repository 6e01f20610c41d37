/** The Web Worker that lays the DAG out, so a 1,000-task graph never freezes the page. */
import { layoutGraph } from './layout.ts'
import type { LayoutRequest } from './layout.ts'

const scope = self as unknown as { onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage(message: unknown): void }
scope.onmessage = (event) => {
  try {
    scope.postMessage({ ok: true, layout: layoutGraph(event.data) })
  } catch (error) {
    scope.postMessage({ ok: false, error: String(error) })
  }
}
