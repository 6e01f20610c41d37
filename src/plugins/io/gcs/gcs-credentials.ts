/**
 * Which Google credentials the gcs IoManager uses, decided by weir before the client library makes
 * any request. Left to itself, the library's Application Default Credentials end by probing the
 * cloud metadata server (169.254.169.254, metadata.google.internal), which off Google Cloud hangs
 * for minutes and prints a raw MetadataLookupWarning. So weir takes, in order:
 *
 * 1. no credentials, for an emulator (`endpoint`, or `STORAGE_EMULATOR_HOST`);
 * 2. the key file `GOOGLE_APPLICATION_CREDENTIALS` names (it must exist);
 * 3. the file `gcloud auth application-default login` writes;
 * 4. the metadata server (the VM's or pod's service account), only when the user opts in with
 *    `metadata: true` in the io config or `WEIR_GCS_ALLOW_METADATA=1`;
 *
 * and otherwise fails at once with IO_NO_CREDENTIALS, which no retry can fix.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { join } from 'node:path'
import { IoError } from '../io-error.ts'
import type { GcsIoConfig } from './index.ts'

/** The environment variable that lets every gcs IoManager use the metadata server (`1` or `true`). */
export const ALLOW_METADATA_ENV = 'WEIR_GCS_ALLOW_METADATA'

/** How the client authenticates. */
export type GcsCredentials =
  /** An emulator: requests carry no credentials. */
  | { readonly kind: 'none' }
  /** A credentials file (service-account key, `gcloud` user credentials, workload identity config). */
  | { readonly kind: 'file'; readonly path: string }
  /** The library's Application Default Credentials, metadata server included (the user opted in). */
  | { readonly kind: 'metadata' }

/** What resolveGcsCredentials reads from the machine (tests pass their own). */
export interface CredentialsEnv {
  readonly env: NodeJS.ProcessEnv
  readonly isReadableFile: (path: string) => boolean
  readonly platform: NodeJS.Platform
}

const MACHINE: CredentialsEnv = { env: process.env, isReadableFile, platform: process.platform }

/** The credentials for `config`; throws IO_NO_CREDENTIALS (saying how to provide them) when there are none. */
export function resolveGcsCredentials(config: GcsIoConfig, machine: CredentialsEnv = MACHINE): GcsCredentials {
  const { env } = machine
  if (config.endpoint !== undefined || (env.STORAGE_EMULATOR_HOST ?? '') !== '') return { kind: 'none' }
  const named = env.GOOGLE_APPLICATION_CREDENTIALS || env.google_application_credentials
  if (named) {
    if (machine.isReadableFile(named)) return { kind: 'file', path: named }
    throw new IoError(
      'IO_NO_CREDENTIALS',
      `The gcs IoManager (bucket '${config.bucket}') cannot use its Google credentials: GOOGLE_APPLICATION_CREDENTIALS names '${named}', which is not a readable file; point it at a service-account key file, or unset it and run 'gcloud auth application-default login'.`,
    )
  }
  const gcloud = gcloudCredentialsFiles(machine).find((path) => machine.isReadableFile(path))
  if (gcloud !== undefined) return { kind: 'file', path: gcloud }
  if (config.metadata === true || isOptIn(env[ALLOW_METADATA_ENV])) return { kind: 'metadata' }
  throw noCredentials(config.bucket)
}

/**
 * The error for a client without credentials: none found, or (`cause` given) the opted-in metadata
 * server had none either.
 */
export function noCredentials(bucket: string, cause?: unknown): IoError {
  const ways = "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file or run 'gcloud auth application-default login'; for an emulator set the io's 'endpoint' (or STORAGE_EMULATOR_HOST)"
  if (cause !== undefined)
    return new IoError('IO_NO_CREDENTIALS', `The gcs IoManager (bucket '${bucket}') found no Google credentials, and the metadata server gave none: ${ways}.`, { cause })
  return new IoError(
    'IO_NO_CREDENTIALS',
    `The gcs IoManager (bucket '${bucket}') found no Google credentials: ${ways}; on Google Cloud, let weir ask the metadata server with 'metadata: true' in the io config or ${ALLOW_METADATA_ENV}=1.`,
  )
}

/** Where `gcloud auth application-default login` writes: $CLOUDSDK_CONFIG, else the gcloud config folder. */
function gcloudCredentialsFiles({ env, platform }: CredentialsEnv): string[] {
  const file = 'application_default_credentials.json'
  const folders = [env.CLOUDSDK_CONFIG, platform === 'win32' ? env.APPDATA && join(env.APPDATA, 'gcloud') : env.HOME && join(env.HOME, '.config', 'gcloud')]
  return folders.filter((f): f is string => typeof f === 'string' && f !== '').map((f) => join(f, file))
}

function isOptIn(value: string | undefined): boolean {
  return value === '1' || value?.toLowerCase() === 'true'
}

function isReadableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.R_OK)
    return true
  } catch {
    return false
  }
}
