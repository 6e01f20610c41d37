import type { Rule } from './types.ts'

/** `${{ … }}` expressions that do not parse. */
export const referenceSyntax: Rule = ({ view, report }) => {
  for (const bad of view.badExpressions)
    report({ code: 'INVALID_REFERENCE', pointer: bad.pointer, span: bad.span, message: bad.message })
}
