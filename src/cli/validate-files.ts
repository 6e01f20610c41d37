/**
 * Validates many spec files, in parallel threads when it pays: parsing dominates the cost of a big
 * folder, and each thread parses its share. A thread costs tens of milliseconds to start, so small
 * runs, single-core machines and unbundled runs (tests load .ts sources, which a bare worker cannot)
 * stay on the main thread. A thread starts the module this code was bundled into (dist/cli/main.js's
 * chunk, or the dedicated entry dist/cli/validate.cjs, whose `import.meta.url` is that entry's). Results come back in the order of the files.
 */
import type { Diagnostic } from '../spec/diagnostics.ts'
import type { PluginCatalog } from '../spec/validate.ts'
import { validateSpecFile } from '../spec/validate.ts'

/** Below this many files one thread is faster than starting others. */
const MIN_FILES_FOR_THREADS = 24
const MAX_THREADS = 4

/**
 * The argument a validation thread is started with. It tells this module, as it loads, that it is
 * a thread's entry without loading node:worker_threads (~6M instructions, 2 ms) to ask: validating one
 * file never starts a thread, and `weir spec validate` is started far more often than it threads.
 */
const THREAD_ARGUMENT = 'weir:validate-files'

/** True inside a validation thread (which runs the entry that bundled this module). */
export function isValidationThread(): boolean {
  return process.argv[2] === THREAD_ARGUMENT && !process.getBuiltinModule('node:worker_threads').isMainThread
}

interface Job {
  readonly kind: 'weir:validate-files'
  readonly files: readonly string[]
  readonly catalog: PluginCatalog
}

/** Diagnostics of each file, in order. */
export async function validateFiles(files: readonly string[], catalog: PluginCatalog): Promise<Diagnostic[][]> {
  if (files.length < MIN_FILES_FOR_THREADS || !/\.c?js$/.test(import.meta.url)) return validateHere(files, catalog)
  const threads = Math.min(MAX_THREADS, process.getBuiltinModule('node:os').availableParallelism(), Math.floor(files.length / (MIN_FILES_FOR_THREADS / 2)))
  if (threads < 2) return validateHere(files, catalog)
  // Interleaved shares balance big and small specs; the main thread takes share 0 itself.
  const shares = Array.from({ length: threads }, (_, t) => files.filter((_, i) => i % threads === t))
  const results = await Promise.all(shares.map((share, t) => (t === 0 ? validateHere(share, catalog) : validateInThread(share, catalog))))
  return files.map((_, i) => results[i % threads]![Math.floor(i / threads)]!)
}

async function validateHere(files: readonly string[], catalog: PluginCatalog): Promise<Diagnostic[][]> {
  return Promise.all(files.map(async (path) => (await validateSpecFile(path, { plugins: catalog, resolve: false })).diagnostics))
}

function validateInThread(files: readonly string[], catalog: PluginCatalog): Promise<Diagnostic[][]> {
  return new Promise((resolve, reject) => {
    const job: Job = { kind: 'weir:validate-files', files, catalog }
    // A larger young generation: parsing makes many short-lived objects, and scavenges cost more than the memory.
    const { Worker } = process.getBuiltinModule('node:worker_threads')
    const worker = new Worker(new URL(import.meta.url), { argv: [THREAD_ARGUMENT], workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    worker.once('message', (result: Diagnostic[][]) => resolve(result))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a validation thread exited with code ${code}`))
    })
  })
}

// Inside a validation thread this module is the entry point: validate the share, post the results.
if (isValidationThread()) {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads')
  const job = workerData as Job
  void validateHere(job.files, job.catalog).then((result) => parentPort!.postMessage(result))
}
