/** A status word in its colour: the same palette as the graph nodes (and `weir graph`). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge st-${status}`}>{status}</span>
}
