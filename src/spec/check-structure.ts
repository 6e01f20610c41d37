/**
 * Checks a parsed YAML document's node tree before it is turned into data: an alias that names no
 * anchor before it, an alias inside the collection its anchor names would make the data contain itself (and every later walk recurse
 * forever), and collections nested past `MAX_NESTING` (counting what aliases expand to) would
 * overflow the stack of some later walk. The walk keeps its own stack, so any depth is safe here.
 */
import { isAlias, isCollection, isPair } from 'yaml'
import type { CST, Document, Node as YamlNode } from 'yaml'
import { MAX_NESTING } from './nesting.ts'

/**
 * Values that aliases may expand to, all aliases together: an anchored list of a million items,
 * aliased 199 times (under the alias count limit), made every later walk over the data visit
 * 200 million values (15 s and 1.2 GB to validate). Far more than any real spec repeats.
 */
export const MAX_ALIAS_EXPANSION = 100_000

export interface StructureProblem {
  readonly code: 'RECURSIVE_ALIAS' | 'NESTING_TOO_DEEP' | 'ALIAS_LIMIT' | 'YAML_SYNTAX'
  readonly message: string
  readonly offset: number
  /** Where the offending alias ends, for carets under exactly it. */
  readonly end?: number
}

interface Frame {
  readonly node: YamlNode
  /** Collections from the top down to this node, this one included when it is a collection. */
  readonly depth: number
  readonly children: YamlNode[]
  next: number
  /** Collections nested below and including this node, aliases counted as what they expand to. */
  height: number
  /** Values (collections and scalars) in this node, itself included, aliases counted as what they expand to. */
  size: number
}

/** The first undefined or recursive alias or too-deep collection, in document order; undefined when there is none. */
export function checkStructure(doc: Document.Parsed): StructureProblem | undefined {
  const root = doc.contents
  if (!root) return undefined
  const anchors = new Map<string, YamlNode>()
  const heights = new Map<YamlNode, number>()
  const sizes = new Map<YamlNode, number>()
  let expanded = 0
  const open = new Set<YamlNode>()
  const stack: Frame[] = []
  const enter = (node: YamlNode, parentDepth: number): StructureProblem | undefined => {
    if (node.anchor) anchors.set(node.anchor, node)
    if (isAlias(node)) {
      const target = anchors.get(node.source)
      // (yaml, reading the data, said so in words that read like the alias limit's.)
      if (target === undefined)
        return {
          code: 'YAML_SYNTAX',
          offset: node.range?.[0] ?? 0,
          ...(node.range && { end: node.range[1] }),
          message: `Alias '*${node.source}' names no anchor defined before it; put the anchor ('&${node.source}') on a value above the alias, or write the value out.`,
        }
      if (open.has(target))
        return {
          code: 'RECURSIVE_ALIAS',
          offset: node.range?.[0] ?? 0,
          ...(node.range && { end: node.range[1] }),
          message: `Alias '*${node.source}' sits inside the value its anchor '&${node.source}' names, so that value would contain itself without end; write the value out instead of the alias.`,
        }
      const height = heights.get(target) ?? 0
      if (parentDepth + height > MAX_NESTING)
        return {
          code: 'NESTING_TOO_DEEP',
          offset: node.range?.[0] ?? 0,
          ...(node.range && { end: node.range[1] }),
          message: `Alias '*${node.source}' expands to collections nested more than ${MAX_NESTING} levels deep; write the value out with less nesting.`,
        }
      heights.set(node, height)
      const size = sizes.get(target) ?? 1
      sizes.set(node, size)
      expanded += size
      if (expanded > MAX_ALIAS_EXPANSION)
        return {
          code: 'ALIAS_LIMIT',
          offset: node.range?.[0] ?? 0,
          ...(node.range && { end: node.range[1] }),
          message: `Alias '*${node.source}' brings the values the document's aliases expand to past ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')}; write the repeated values out once, or repeat less.`,
        }
      return undefined
    }
    if (!isCollection(node)) return undefined
    const depth = parentDepth + 1
    if (depth > MAX_NESTING) return tooDeep(node)
    const children: YamlNode[] = []
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (item.key) children.push(item.key as YamlNode)
        if (item.value) children.push(item.value as YamlNode)
      } else children.push(item as YamlNode)
    }
    open.add(node)
    stack.push({ node, depth, children, next: 0, height: 1, size: 1 })
    return undefined
  }
  const first = enter(root, 0)
  if (first) return first
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    const child = frame.children[frame.next++]
    if (child === undefined) {
      stack.pop()
      open.delete(frame.node)
      heights.set(frame.node, frame.height)
      sizes.set(frame.node, frame.size)
      const parent = stack[stack.length - 1]
      if (parent) {
        parent.height = Math.max(parent.height, frame.height + 1)
        parent.size += frame.size
      }
      continue
    }
    const problem = enter(child, frame.depth)
    if (problem) return problem
    // Scalars and aliases have no frame of their own: fold an alias's expansion into its parent now.
    if (isAlias(child)) {
      frame.height = Math.max(frame.height, (heights.get(child) ?? 0) + 1)
      frame.size += sizes.get(child) ?? 1
    } else if (!isCollection(child)) frame.size += 1
  }
  return undefined
}

/**
 * The offset of the first collection nested past `MAX_NESTING` in yaml's concrete syntax tree, checked
 * before the tree is composed into nodes: composing recurses, and where a very deep document overflows
 * the stack would depend on how much stack the caller used.
 */
export function findTooDeepToken(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }))
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { token, depth } = top
    if (!token) continue
    if (token.type === 'document') stack.push({ token: token.value, depth })
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING) return token.offset
      for (const item of token.items as CST.CollectionItem[]) {
        stack.push({ token: item.value, depth: depth + 1 })
        stack.push({ token: item.key, depth: depth + 1 })
      }
    }
  }
  return undefined
}

function tooDeep(node: YamlNode): StructureProblem {
  return {
    code: 'NESTING_TOO_DEEP',
    offset: node.range?.[0] ?? 0,
    message: TOO_DEEP_MESSAGE,
  }
}

export const TOO_DEEP_MESSAGE = `Collections are nested more than ${MAX_NESTING} levels deep here; a pipeline spec needs only a few levels of nesting, so flatten this value.`
