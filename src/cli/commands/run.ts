import { CliError } from '../errors.ts'

export async function run(_args: string[]): Promise<number> {
  throw new CliError("'weir run' is not available yet in this build.")
}
