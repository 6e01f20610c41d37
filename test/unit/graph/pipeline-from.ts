import { validateSpec } from '../../../src/spec/validate.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'

/** Resolves spec text to a Pipeline without looking at handler files; throws on any error. */
export async function pipelineFrom(yaml: string): Promise<Pipeline> {
  const { pipeline, diagnostics } = await validateSpec(yaml, { path: '/project/pipelines/test.yaml', checkHandlers: false, projectRoot: '/project', plugins: builtinCatalog() })
  if (!pipeline) throw new Error(`invalid test spec: ${JSON.stringify(diagnostics)}`)
  return pipeline
}

/** A spec whose handler paths and description try to break out of Mermaid labels and HTML. */
export const HOSTILE_SPEC = `apiVersion: weir/v1
kind: Pipeline
name: hostile
description: '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'
tasks:
  end:
    handler: '../h/x"]; click end call alert(1); A["<img src=x onerror=window.__pwned=3>.ts#run'
    description: '<b>bold</b> & "quotes"'
  o1:
    handler: '../h/\`**md**\`; %%{init: {"securityLevel":"loose"}}%%.ts'
    needs: [end]
    trigger: all_done
`
