/**
 * Thrown by a target's `generate` when the pipeline holds something the engine cannot express and
 * `check` was not consulted first. Carries the spec pointer so the caller can show a position.
 */
import { WeirError } from '../../spec/weir-error.ts'

export class TargetError extends WeirError {
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super('TARGET_UNSUPPORTED', message, { details: { pointer } })
    this.name = 'TargetError'
    this.pointer = pointer
  }
}
