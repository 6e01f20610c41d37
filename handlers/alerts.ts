// A failure handler: runs only when an upstream task failed (trigger: one_failed).
export async function notify(_inputs: unknown, ctx: { runId: string; log: { error(message: string): void } }): Promise<void> {
  ctx.log.error(`run ${ctx.runId} had a failed task`)
}
