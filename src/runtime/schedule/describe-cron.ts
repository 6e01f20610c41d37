/**
 * A cron expression in words ("At 02:30"), for `--preview`. cronstrue is loaded only here, so the
 * daemon and the rest of the CLI never pay for it.
 */

/** Describes `cron` in English with 24-hour times; falls back to the expression itself. */
export async function describeCron(cron: string): Promise<string> {
  try {
    const { default: cronstrue } = await import('cronstrue')
    return cronstrue.toString(cron.trim(), { use24HourTimeFormat: true, throwExceptionOnParseError: true })
  } catch {
    return cron
  }
}
