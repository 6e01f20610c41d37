import { dirname } from 'node:path'
import type { Rule } from './types.ts'
import { loadModuleLexer } from '../module-exports.ts'
import { toPointer } from '../pointer.ts'
import { projectMarkerPaths } from '../project-root.ts'
import { findHandlerFacts, handlerProblem, type HandlerFacts } from '../handler-problems.ts'

const HANDLER_FORM = /^[^#\s][^#]*(#[A-Za-z_$][A-Za-z0-9_$]*)?$/

/** Each `handler:` names an existing module inside the project that has the named export. */
export const handlers: Rule = async ({ view, sourcePath, projectRoot, checkHandlers, dependsOn, report }) => {
  if (!checkHandlers || view.tasks.size === 0) return
  // Whether a handler is inside the project rests on where the project's package.json is too.
  if (dependsOn) for (const marker of projectMarkerPaths(sourcePath)) dependsOn.add(marker)
  await loadModuleLexer()
  // What the disk says of each handler as written, found once: thousands of tasks may name one.
  const facts = new Map<string, HandlerFacts>()
  // Tasks next to each other mostly name the same handler: comparing with the last good one is cheaper than a lookup.
  let lastGood: string | undefined
  for (const [id, task] of view.tasks) {
    // A handler that does not have the `path#export` form is reported by the shape check.
    if (typeof task.handler !== 'string') continue
    if (task.handler === lastGood) continue
    let fact = facts.get(task.handler)
    if (fact === undefined) {
      if (!HANDLER_FORM.test(task.handler)) continue
      facts.set(task.handler, (fact = findHandlerFacts(task.handler, sourcePath, projectRoot)))
      if (dependsOn) noteDependencies(fact, dependsOn)
    }
    if (fact.ok) {
      lastGood = task.handler
      continue
    }
    const problem = handlerProblem(fact, id, sourcePath, projectRoot)
    if (problem) report({ ...problem, pointer: toPointer(['tasks', id, 'handler']) })
  }
}

/** What a verdict on this handler rests on: the module files read, or the folder a missing module would appear in (or its index file). */
function noteDependencies(fact: HandlerFacts, dependsOn: Set<string>): void {
  if (fact.resolved.file === undefined) {
    dependsOn.add(dirname(fact.resolved.absolute))
    dependsOn.add(fact.resolved.absolute)
  } else dependsOn.add(fact.resolved.file)
  for (const file of fact.exports?.files ?? []) dependsOn.add(file)
}
