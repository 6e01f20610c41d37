/**
 * `weir run --json` promises one JSON object on stdout and nothing else, but handlers run in this
 * process (the default executor) and whatever they print (`console.log`, `process.stdout.write`)
 * would land in that stdout, where `weir run --json | jq` cannot parse it. (A task process of
 * `--executor subprocess` has its own stdout, kept in the task log.) From the call on, everything
 * written to process.stdout goes to stderr instead, where a person still sees it; the returned
 * function writes to the real stdout, for the one object.
 */
export function divertStdoutToStderr(): (text: string) => void {
  const stdout = process.stdout
  const writeStdout = stdout.write.bind(stdout)
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write
  return (text) => void writeStdout(text)
}
