import type { Palette } from '../colors.ts'
import type { BoardStatus } from './task-board.ts'

/** One mark and colour per status, shared by the live view, plain lines and the summary. */
export function markOf(status: BoardStatus, p: Palette): string {
  switch (status) {
    case 'pending':
      return p.dim('·')
    case 'running':
      return p.cyan('▶')
    case 'retrying':
      return p.yellow('↻')
    case 'succeeded':
      return p.green('✓')
    case 'reused':
    case 'cached':
      return p.green('=')
    case 'failed':
      return p.red('✗')
    case 'skipped':
      return p.dim('-')
    case 'cancelled':
      return p.yellow('■')
  }
}
