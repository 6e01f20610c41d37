/**
 * Thrown by a target's `generate` when the pipeline holds something the engine cannot express and
 * `check` was not consulted first. Carries the spec pointer so the caller can show a position.
 */
export class TargetError extends Error {
  readonly code = 'TARGET_UNSUPPORTED'
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super(message)
    this.name = 'TargetError'
    this.pointer = pointer
  }
}
