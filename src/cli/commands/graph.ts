import { CliError } from '../errors.ts'

export async function graph(_args: string[]): Promise<number> {
  throw new CliError("'weir graph' is not available yet in this build.")
}
