/** Exit codes of the command line contract (DESIGN.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/** An error for the user: printed as one line, no stack, with its exit code (usage by default). */
export class CliError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}
