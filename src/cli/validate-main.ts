/**
 * The dedicated entry of `weir spec validate` (bin/weir.js picks it for `spec validate`): bundled
 * into one file, so that an editor's or a pre-commit hook's check starts almost as fast as Node. It
 * behaves exactly as `weir spec validate` through the main entry.
 */
import { runCli } from './run-cli.ts'
import { specValidate } from './commands/spec-validate.ts'
import { isValidationThread } from './validate-files.ts'

// A validation thread (validate-files.ts) starts this entry too, to validate its share: it must not
// run the command as well (it has no arguments: it printed the usage on stderr).
if (!isValidationThread()) runCli(() => specValidate(process.argv.slice(4).filter((a) => a !== '--debug')))
