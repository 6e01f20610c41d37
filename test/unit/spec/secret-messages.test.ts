/**
 * spec.md: "messages about a param holding a secret never echo its value". The checks of a secret
 * param's default and of the schedule's value of it say where the value fails its schema, never the
 * value, its length or its numbers (they did: "is 'hunter2', which does not match the pattern").
 */
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: s
types:
  Pin: { type: string, writeOnly: true, pattern: "^[0-9]+$" }
params:
  t1: { type: string, writeOnly: true, pattern: "^x", default: DEFSECRETA }
  t2: { type: string, writeOnly: true, enum: [a, b], default: DEFSECRETB }
  t4: { type: integer, writeOnly: true, multipleOf: 7, default: 987654321 }
  t8: { type: array, items: { type: integer, maximum: 1, writeOnly: true }, default: [424242] }
  t9: { type: string, writeOnly: true, minLength: 20, default: DEFSECRETC }
  pin: { $ref: "#/types/Pin", default: PINSECRETD }
  plain: { type: string, pattern: "^x", default: visible }
schedule:
  cron: "0 3 * * *"
  params: { t1: SCHEDSECRETZ, plain: shown }
tasks:
  a:
    handler: ./h.js#h
    inputs: { t1: "\${{ params.t1 }}", t2: "\${{ params.t2 }}", t4: "\${{ params.t4 }}", t8: "\${{ params.t8 }}", t9: "\${{ params.t9 }}", pin: "\${{ params.pin }}", plain: "\${{ params.plain }}" }
`

describe('diagnostics about the value of a secret param', () => {
  test('say where it fails its schema, and never quote it', async () => {
    const { diagnostics } = await validateSpec(SPEC, { path: 'p.yaml', checkHandlers: false })
    const messages = diagnostics.map((d) => `${d.code} ${d.pointer}: ${d.message}`)
    for (const secret of ['DEFSECRET', 'SCHEDSECRET', 'PINSECRET', '987654321', '424242', ' 10.', 'not 10']) expect(messages.join('\n')).not.toContain(secret)
    for (const pointer of ['/params/t1/default', '/params/t2/default', '/params/t4/default', '/params/t8/default/0', '/params/t9/default', '/params/pin/default'])
      expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^INVALID_DEFAULT ${pointer}: .*does not fit its schema \\(the value holds a secret, so it is not shown\\)\\.$`)))
    expect(messages).toContainEqual("INVALID_VALUE /schedule/params/t1: Schedule param 't1' does not fit its schema (the value holds a secret, so it is not shown).")
    // Values that are no secret are still quoted, which helps fix them.
    expect(messages).toContainEqual(expect.stringContaining("INVALID_DEFAULT /params/plain/default: The default of param 'plain' is 'visible'"))
    expect(messages).toContainEqual(expect.stringContaining("INVALID_VALUE /schedule/params/plain: Schedule param 'plain' is 'shown'"))
  })
})

describe('a tag that does not fit the value of a secret', () => {
  test('is reported without quoting the value: a default, a type property, a $ref default and a schedule param', async () => {
    const spec = `apiVersion: weir/v1
kind: Pipeline
name: s
types:
  Login:
    type: object
    properties:
      user: { type: string }
      password: { type: string, writeOnly: true, default: !custom TYPESECRET1 }
params:
  tok: { type: string, writeOnly: true, default: !!int TAGSECRET8 }
  login: { $ref: "#/types/Login", default: { user: u, password: !custom REFSECRET2 } }
  num: { type: number, writeOnly: true }
  plain: { type: string, default: !!int visible }
schedule:
  cron: "0 3 * * *"
  params: { num: !!float SCHEDSECRET4 }
tasks:
  a:
    handler: ./h.js#h
    inputs: { t: "\${{ params.tok }}", l: "\${{ params.login }}", n: "\${{ params.num }}", p: "\${{ params.plain }}" }
`
    const { diagnostics } = await validateSpec(spec, { path: 'p.yaml', checkHandlers: false })
    const messages = diagnostics.filter((d) => d.code === 'NOT_JSON').map((d) => `${d.pointer}: ${d.message}`)
    expect(messages.join('\n')).not.toMatch(/SECRET/)
    expect(messages).toContainEqual("/params/tok/default: Tag '!!int' cannot be applied to this secret value, which would be read as a string; remove the tag and write the value as plain YAML (quoted, if a string is meant).")
    expect(messages).toContainEqual("/schedule/params/num: Tag '!!float' cannot be applied to this secret value, which would be read as a string; remove the tag and write the value as plain YAML (quoted, if a string is meant).")
    expect(messages).toContainEqual(expect.stringMatching(/^\/params\/login\/default\/password: Tag '!custom' is not one weir knows, so this secret value would be read as a string/))
    expect(messages).toContainEqual(expect.stringMatching(/^\/types\/Login\/properties\/password\/default: Tag '!custom' is not one weir knows, so this secret value/))
    // A value that is no secret is still quoted.
    expect(messages).toContainEqual(expect.stringContaining("/params/plain/default: Tag '!!int' cannot be applied to the value 'visible'"))
  })
})
