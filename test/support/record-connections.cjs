/**
 * Preload (`node --require`, or NODE_OPTIONS so child processes get it too) that records every
 * outgoing connection and DNS lookup of the process to the file named by $WEIR_TEST_CONNECT_LOG, one
 * JSON line each: {"kind":"connect","host","port"} or {"kind":"lookup","host"}. Connections to
 * anything but loopback are refused (ECONNREFUSED) and lookups of other names fail (ENOTFOUND), so a
 * test that uses it never reaches the network, whatever the code under test tries.
 */
'use strict'
const fs = require('node:fs')
const net = require('node:net')
const dns = require('node:dns')

const LOG = process.env.WEIR_TEST_CONNECT_LOG
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1'])

function record(entry) {
  if (LOG) fs.appendFileSync(LOG, `${JSON.stringify({ ...entry, pid: process.pid })}\n`)
}

/** host/port (or path) of any of net's connect signatures, including its internal normalized [options, cb]. */
function targetOf(args) {
  let first = args[0]
  if (Array.isArray(first)) first = first[0]
  if (typeof first === 'object' && first !== null) {
    if (typeof first.path === 'string') return { path: first.path }
    return { host: first.host ?? 'localhost', port: Number(first.port) }
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first }
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) }
}

const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function recordedConnect(...args) {
  const target = targetOf(args)
  if (target.path !== undefined) return connect.apply(this, args)
  record({ kind: 'connect', host: target.host, port: target.port })
  if (LOOPBACK.has(target.host)) return connect.apply(this, args)
  process.nextTick(() => this.destroy(Object.assign(new Error(`connect ECONNREFUSED ${target.host}:${target.port} (refused by record-connections)`), { code: 'ECONNREFUSED' })))
  return this
}

const lookup = dns.lookup
dns.lookup = function recordedLookup(hostname, options, callback) {
  record({ kind: 'lookup', host: hostname })
  if (LOOPBACK.has(hostname)) return lookup.call(this, hostname, options, callback)
  const cb = typeof options === 'function' ? options : callback
  process.nextTick(() => cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (refused by record-connections)`), { code: 'ENOTFOUND', hostname })))
  return {}
}
const lookupPromise = dns.promises.lookup
dns.promises.lookup = async function recordedLookupPromise(hostname, options) {
  record({ kind: 'lookup', host: hostname })
  if (LOOPBACK.has(hostname)) return lookupPromise.call(this, hostname, options)
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (refused by record-connections)`), { code: 'ENOTFOUND', hostname })
}
