import { describe, expect, test } from 'vitest'
import { resolveGcsCredentials, type CredentialsEnv } from '../../../src/plugins/io/gcs/gcs-credentials.ts'
import type { GcsIoConfig } from '../../../src/plugins/io/gcs/index.ts'

const config: GcsIoConfig = { bucket: 'acme-lake' }

function machine(env: NodeJS.ProcessEnv, files: string[] = [], platform: NodeJS.Platform = 'linux'): CredentialsEnv {
  return { env, isReadableFile: (path) => files.includes(path), platform }
}

describe('which credentials the gcs IoManager uses (issue 15)', () => {
  test('an emulator (endpoint or STORAGE_EMULATOR_HOST) needs none, whatever else is set', () => {
    expect(resolveGcsCredentials({ ...config, endpoint: 'http://127.0.0.1:9023' }, machine({ GOOGLE_APPLICATION_CREDENTIALS: '/nope' }))).toEqual({ kind: 'none' })
    expect(resolveGcsCredentials(config, machine({ STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9023' }))).toEqual({ kind: 'none' })
  })

  test('GOOGLE_APPLICATION_CREDENTIALS comes first, and must be a readable file', () => {
    const home = '/home/u/.config/gcloud/application_default_credentials.json'
    expect(resolveGcsCredentials(config, machine({ GOOGLE_APPLICATION_CREDENTIALS: '/k.json', HOME: '/home/u' }, ['/k.json', home]))).toEqual({ kind: 'file', path: '/k.json' })
    expect(() => resolveGcsCredentials(config, machine({ GOOGLE_APPLICATION_CREDENTIALS: '/gone.json', HOME: '/home/u' }, [home]))).toThrow(
      expect.objectContaining({ code: 'IO_NO_CREDENTIALS', message: expect.stringContaining("GOOGLE_APPLICATION_CREDENTIALS names '/gone.json', which is not a readable file") }),
    )
  })

  test("then gcloud's application-default file: $CLOUDSDK_CONFIG, ~/.config/gcloud, %APPDATA%\\gcloud", () => {
    expect(resolveGcsCredentials(config, machine({ HOME: '/home/u' }, ['/home/u/.config/gcloud/application_default_credentials.json']))).toEqual({
      kind: 'file',
      path: '/home/u/.config/gcloud/application_default_credentials.json',
    })
    expect(resolveGcsCredentials(config, machine({ HOME: '/home/u', CLOUDSDK_CONFIG: '/cfg' }, ['/cfg/application_default_credentials.json']))).toEqual({
      kind: 'file',
      path: '/cfg/application_default_credentials.json',
    })
    const appData = machine({ APPDATA: 'C:/Users/u/AppData/Roaming' }, ['C:/Users/u/AppData/Roaming/gcloud/application_default_credentials.json'], 'win32')
    expect(resolveGcsCredentials(config, appData)).toMatchObject({ kind: 'file' })
  })

  test('the metadata server only when the user opts in, even with GCE_METADATA_HOST set', () => {
    expect(() => resolveGcsCredentials(config, machine({ HOME: '/home/u', GCE_METADATA_HOST: '169.254.169.254' }))).toThrow(
      expect.objectContaining({ code: 'IO_NO_CREDENTIALS', message: expect.stringContaining("found no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS") }),
    )
    expect(resolveGcsCredentials({ ...config, metadata: true }, machine({}))).toEqual({ kind: 'metadata' })
    expect(resolveGcsCredentials(config, machine({ WEIR_GCS_ALLOW_METADATA: '1' }))).toEqual({ kind: 'metadata' })
    expect(resolveGcsCredentials(config, machine({ WEIR_GCS_ALLOW_METADATA: 'true' }))).toEqual({ kind: 'metadata' })
    expect(() => resolveGcsCredentials(config, machine({ WEIR_GCS_ALLOW_METADATA: '0' }))).toThrow(/found no Google credentials/)
    // A credentials file still wins over the metadata server.
    expect(resolveGcsCredentials({ ...config, metadata: true }, machine({ GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }, ['/k.json']))).toEqual({ kind: 'file', path: '/k.json' })
  })
})
