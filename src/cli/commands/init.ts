import { CliError } from '../errors.ts'

export async function init(_args: string[]): Promise<number> {
  throw new CliError("'weir init' is not available yet in this build.")
}
