/**
 * `weir ui`: serves the local web UI until Ctrl-C. The server (src/ui/server) is loaded only here, so
 * no other command pays for it.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { parseCommandArgs } from '../args.ts'
import { printHelp } from '../help/format-help.ts'
import { UI_HELP } from '../help/ui.ts'
import { CliError, EXIT } from '../errors.ts'
import { findPackage } from '../package-root.ts'
import { findSpecFiles } from '../find-specs.ts'
import { builtinCatalog } from '../../plugins/catalog.ts'

export async function ui(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('ui', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    open: { type: 'boolean' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(UI_HELP)
  const port = parsePort(values.port)
  const paths = positionals.length > 0 ? positionals : ['.']
  // Fail on a wrong path now, with the usual message, rather than on the first page load.
  await findSpecFiles(paths, 'ui')
  const { startUiServer, isLoopback } = await import('../../ui/server/start-server.ts')
  const host = values.host ?? '127.0.0.1'
  // Node binds every interface for an empty host; say so rather than print 'http://:PORT/'.
  if (host.trim() === '') throw new CliError("ui: --host needs an address, e.g. '--host 0.0.0.0' for every interface; leave it out for 127.0.0.1.")
  const root = findPackage().root
  let server
  try {
    server = await startUiServer({
      paths,
      findSpecFiles: (p) => findSpecFiles(p, 'ui'),
      plugins: builtinCatalog(),
      stateDir: values['state-dir'] ?? '.weir',
      host,
      port,
      // On loopback too: every user and process of this machine can reach 127.0.0.1.
      accessToken: accessToken(),
      assetsDir: join(root, 'dist', 'ui'),
      weirCommand: [process.execPath, join(root, 'bin', 'weir.js')],
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new CliError(`ui: port ${port} is in use; pick another with --port, or leave it out for a free one.`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new CliError(`ui: cannot bind '${host}' (${code}); use an address of this machine, or leave --host out for 127.0.0.1.`)
    if (code === 'EACCES') throw new CliError(`ui: not allowed to listen on port ${port}; use a port above 1023.`)
    if (error instanceof Error && /dist\/ui|access token/.test(error.message)) throw new CliError(`ui: ${error.message}`)
    throw error
  }
  process.stdout.write(
    `weir ui: ${server.url}\n${isLoopback(host) ? 'weir ui: open that URL (the token in it keeps other users of this machine out).\n' : `weir ui: listening on ${host}: anyone who can reach it needs the token in that URL.\n`}Press Ctrl-C to stop.\n`,
  )
  // A one-time ticket, not the token: the browser's command line is readable by every user of the machine.
  if (values.open) openBrowser(server.openUrl(), server.url)
  const started = server
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void started.close().then(done, done)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return EXIT.ok
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`ui: --port must be a port number from 0 to 65535, not '${text}'.`)
  return port
}

/** Opens the URL with the platform's opener (argv array, no shell); failing to is not an error. */
function openBrowser(url: string, printed: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' })
    child.on('error', () => process.stderr.write(`weir ui: could not open a browser (${command}); open ${printed} yourself.\n`))
    child.unref()
  } catch {
    process.stderr.write(`weir ui: could not open a browser; open ${printed} yourself.\n`)
  }
}

/** WEIR_UI_TOKEN when set (16 characters or more, to be worth its name), else a fresh random one. */
function accessToken(): string {
  const given = process.env.WEIR_UI_TOKEN
  if (given === undefined || given === '') return randomBytes(24).toString('hex')
  if (given.length < 16 || !/^[A-Za-z0-9._~-]+$/.test(given)) throw new CliError("ui: WEIR_UI_TOKEN must be 16 or more letters, digits or the characters . _ ~ -; unset it for a random one.")
  return given
}
