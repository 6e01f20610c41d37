// Installs a packed weir-pipelines tarball into a project without the network, from the npm cache
// that `npm ci` of this repository filled. Used by the pack/init e2e test and by
// scripts/install-footprint.mjs.
//
// Why a lockfile: `npm install --offline` resolves every range with full packuments, which `npm ci`
// does not cache, and would pick the newest matching versions, whose tarballs may not be cached
// either. So the project gets a package-lock.json cut from this repository's own lockfile: the
// tarball, plus exactly the packages (and versions) this repository installs that the project's
// dependencies reach. `npm ci --offline` then needs nothing that is not in the cache, and a package
// the published weir needs but does not declare is missing there, as it would be for a user.
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * Where `name` resolves from the package at `from` in a lockfile's `packages` map (Node's lookup:
 * the nearest node_modules folder upwards), or undefined.
 * @param {Record<string, unknown>} packages
 * @param {string} from location of the depending package ('' for the root)
 * @param {string} name
 * @returns {string | undefined}
 */
export function resolveLocation(packages, from, name) {
  let at = from
  for (;;) {
    const candidate = `${at === '' ? '' : `${at}/`}node_modules/${name}`
    if (packages[candidate] !== undefined) return candidate
    if (at === '') return undefined
    const up = at.lastIndexOf('/node_modules/')
    at = up < 0 ? '' : at.slice(0, up)
  }
}

/** The edges npm installs for a lockfile entry: dependencies, non-optional peers, optional dependencies. */
function edgesOf(entry) {
  const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, meta]) => meta?.optional).map(([name]) => name))
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name)).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
  ]
}

/** Every location reachable from the given root edges, resolved in the repository's lockfile. */
function reachable(packages, roots, neededBy) {
  const seen = new Set()
  const queue = roots.map((edge) => ({ ...edge, from: '', by: neededBy }))
  while (queue.length > 0) {
    const { name, optional, from, by } = queue.shift()
    const location = resolveLocation(packages, from, name)
    if (location === undefined) {
      if (optional) continue
      throw new Error(`${by} needs '${name}', which this repository's package-lock.json does not install; add it to package.json (dependencies) and run npm install.`)
    }
    if (seen.has(location)) continue
    seen.add(location)
    for (const edge of edgesOf(packages[location])) queue.push({ ...edge, from: location, by: location.replace(/^.*node_modules\//, '') })
  }
  return seen
}

/**
 * A package-lock.json for a project that depends on the packed tarball (and on `devDependencies`),
 * with every other package at the version this repository's lockfile pins.
 * @param {{ repoLock: any, tarball: string, projectDir: string, project: { name: string, version?: string, devDependencies?: Record<string, string> } }} options
 */
export function lockfileFor({ repoLock, tarball, projectDir, project }) {
  const packages = repoLock.packages
  const manifest = readPackedManifest(tarball)
  const spec = `file:${relative(projectDir, tarball).split('\\').join('/')}`
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
  const prodRoots = Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false }))
  const devRoots = Object.keys(project.devDependencies ?? {}).map((name) => ({ name, optional: false }))
  const prod = reachable(packages, prodRoots, manifest.name)
  const dev = reachable(packages, devRoots, `${project.name} (devDependencies)`)

  const out = {
    '': {
      name: project.name,
      version: project.version ?? '0.0.0',
      dependencies: { [manifest.name]: spec },
      ...(devRoots.length > 0 && { devDependencies: project.devDependencies }),
    },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      integrity,
      ...(manifest.license && { license: manifest.license }),
      ...(manifest.dependencies && { dependencies: manifest.dependencies }),
      ...(manifest.bin && { bin: manifest.bin }),
      ...(manifest.engines && { engines: manifest.engines }),
    },
  }
  for (const location of [...new Set([...prod, ...dev])].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[location]
    out[location] = prod.has(location) ? entry : { ...entry, dev: true }
  }
  return { name: project.name, version: project.version ?? '0.0.0', lockfileVersion: 3, requires: true, packages: out }
}

/** The package.json inside a packed tarball. */
export function readPackedManifest(tarball) {
  const ran = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })
  if (ran.status !== 0) throw new Error(`cannot read package/package.json from ${tarball}: ${ran.stderr}`)
  return JSON.parse(ran.stdout)
}

/**
 * Makes `projectDir` depend on the tarball (keeping its other package.json fields), writes the
 * lockfile, and runs `npm ci --offline` there. Returns npm's exit status and output.
 * @param {{ repoDir: string, tarball: string, projectDir: string, omitDev?: boolean, env?: NodeJS.ProcessEnv }} options
 */
export function installTarballOffline({ repoDir, tarball, projectDir, omitDev = false, env = process.env }) {
  const pkgPath = join(projectDir, 'package.json')
  const project = JSON.parse(readFileSync(pkgPath, 'utf8'))
  const manifest = readPackedManifest(tarball)
  const others = Object.keys(project.dependencies ?? {}).filter((name) => name !== manifest.name)
  if (others.length > 0) throw new Error(`${pkgPath}: only ${manifest.name} may be a dependency here, not ${others.join(', ')}`)
  const lock = lockfileFor({ repoLock: JSON.parse(readFileSync(join(repoDir, 'package-lock.json'), 'utf8')), tarball, projectDir, project })
  project.dependencies = { ...project.dependencies, [manifest.name]: lock.packages[''].dependencies[manifest.name] }
  writeFileSync(pkgPath, `${JSON.stringify(project, null, 2)}\n`)
  writeFileSync(join(projectDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`)
  const args = ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...(omitDev ? ['--omit=dev'] : [])]
  return spawnSync('npm', args, { cwd: projectDir, encoding: 'utf8', env: { ...env, npm_config_update_notifier: 'false' } })
}
