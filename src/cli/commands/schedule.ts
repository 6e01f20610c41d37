import { CliError } from '../errors.ts'

export async function schedule(_args: string[]): Promise<number> {
  throw new CliError("'weir schedule' is not available yet in this build.")
}
