import { CliError } from '../errors.ts'

export async function execute(_args: string[]): Promise<number> {
  throw new CliError("'weir execute' is not available yet in this build.")
}
