/** A closed stdout or stderr (EPIPE) is ignored, and the stream is not made before something uses it (src/cli/ignore-closed-output.ts). */
import { EventEmitter } from 'node:events'
import { describe, expect, test } from 'vitest'
import { ignoreClosedOutput, outputStreamsMade } from '../../../src/cli/ignore-closed-output.ts'

/** An object with a `stdout` getter like Node's: it makes the stream on first use and keeps it. */
function fakeProcess() {
  let made: EventEmitter | undefined
  let gets = 0
  const owner = {} as { stdout: EventEmitter; stderr: EventEmitter }
  Object.defineProperty(owner, 'stdout', {
    configurable: true,
    enumerable: true,
    get: () => {
      gets++
      return (made ??= new EventEmitter())
    },
  })
  return { owner, gets: () => gets, made: () => made }
}

const epipe = () => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })

describe('ignoreClosedOutput', () => {
  test('makes no stream until one is used, then ignores EPIPE on it and throws any other error', () => {
    const fake = fakeProcess()
    ignoreClosedOutput('stdout', fake.owner as unknown as NodeJS.Process)
    expect(fake.gets()).toBe(0)
    expect(fake.made()).toBeUndefined()
    const stream = fake.owner.stdout
    expect(stream).toBe(fake.made())
    expect(() => stream.emit('error', epipe())).not.toThrow()
    expect(() => stream.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' }))).toThrow('write EIO')
  })

  test('listens once: later uses go straight to the original getter', () => {
    const fake = fakeProcess()
    ignoreClosedOutput('stdout', fake.owner as unknown as NodeJS.Process)
    const first = fake.owner.stdout
    expect(fake.owner.stdout).toBe(first)
    expect(fake.gets()).toBe(2)
    expect(first.listenerCount('error')).toBe(1)
  })

  test('a stream that is a plain property gets its listener at once', () => {
    const stream = new EventEmitter()
    ignoreClosedOutput('stderr', { stderr: stream } as unknown as NodeJS.Process)
    expect(stream.listenerCount('error')).toBe(1)
    expect(() => stream.emit('error', epipe())).not.toThrow()
  })

  test('outputStreamsMade lists a stream once something used it, without making the others (weir execute flushes those before it exits)', () => {
    const fake = fakeProcess()
    ignoreClosedOutput('stdout', fake.owner as unknown as NodeJS.Process)
    expect(outputStreamsMade()).not.toContain(fake.made())
    expect(fake.gets()).toBe(0)
    const stream = fake.owner.stdout
    expect(outputStreamsMade()).toContain(stream)
  })
})
