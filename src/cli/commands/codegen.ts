import { CliError } from '../errors.ts'

export async function codegen(_args: string[]): Promise<number> {
  throw new CliError("'weir codegen' is not available yet in this build.")
}
