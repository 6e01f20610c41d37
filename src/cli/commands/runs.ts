import { CliError } from '../errors.ts'

export async function runs(_args: string[]): Promise<number> {
  throw new CliError("'weir runs' is not available yet in this build.")
}
