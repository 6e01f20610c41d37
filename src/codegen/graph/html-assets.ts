/** The graph page's stylesheet and boot script, kept apart from the markup that uses them. */
import { STATE_STYLES } from './render-mermaid.ts'
import type { NodeState } from './run-view.ts'

const chipRules = (Object.keys(STATE_STYLES) as NodeState[])
  .map((s) => {
    const st = STATE_STYLES[s]
    return `.st-${s}{background:${st.fill};border:1px ${st.dashed ? 'dashed' : 'solid'} ${st.stroke};color:${st.color}}`
  })
  .join('\n')

/** Page CSS: readable without the graph (the table carries the same facts). */
export const GRAPH_PAGE_CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#fff}
body{margin:0 auto;max-width:1200px;padding:24px}
h1{margin:0 0 4px;font-size:1.6rem}
p{margin:4px 0}
.description{color:#374151}
.meta,.legend,.muted{color:#6b7280;font-size:.9rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
.run{font-size:1.05rem}
.run-status{font-weight:700;text-transform:uppercase;font-size:.85rem;padding:1px 8px;border-radius:10px;border:1px solid #9ca3af}
.run-failed,.run-interrupted{background:#fee2e2;border-color:#b91c1c;color:#7f1d1d}
.run-succeeded{background:#dcfce7;border-color:#15803d;color:#14532d}
.run-cancelled{background:#ffedd5;border-color:#c2410c;color:#7c2d12}
.chip{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85rem;white-space:nowrap}
${chipRules}
.edge-key{display:inline-block;width:28px;height:0;border-top:2px solid #333;vertical-align:middle;margin:0 4px 0 12px}
.edge-key.dotted{border-top-style:dotted}
.edge-key:first-child{margin-left:0}
.graph{margin:8px 0 16px;padding:12px;border:1px solid #e5e7eb;border-radius:8px;overflow:auto;min-height:80px;max-height:80vh}
.graph svg{max-width:none;height:auto}
.graph.fit svg{max-width:100%}
.toolbar{margin-top:12px;font-size:.85rem}
.toolbar button{font:inherit;padding:2px 10px;border:1px solid #9ca3af;border-radius:6px;background:#f9fafb;cursor:pointer}
.graph .error{color:#b91c1c;white-space:pre-wrap}
.pending{color:#6b7280}
table.tasks{border-collapse:collapse;width:100%;font-size:.9rem}
table.tasks th,table.tasks td{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;vertical-align:top}
table.tasks th{color:#374151;font-weight:600}
.task-description{color:#6b7280;font-size:.85rem}
`

/**
 * Draws the diagram from the JSON data block. `securityLevel: 'strict'` makes Mermaid sanitise
 * labels; the limits are raised because a large pipeline is still a legitimate graph.
 */
export const GRAPH_PAGE_SCRIPT = `
(async function () {
  var target = document.getElementById('graph');
  try {
    var data = JSON.parse(document.getElementById('weir-data').textContent);
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', maxTextSize: 10000000, maxEdges: 100000,
      flowchart: { htmlLabels: true, useMaxWidth: false, curve: 'basis', wrappingWidth: 400 } });
    var result = await mermaid.render('weir-graph-svg', data.diagram);
    target.innerHTML = result.svg;
    setUpFitButton(target);
    document.body.setAttribute('data-rendered', 'true');
  } catch (error) {
    var box = document.createElement('p');
    box.className = 'error';
    box.textContent = 'Could not draw the graph: ' + (error && error.message ? error.message : String(error));
    target.replaceChildren(box);
    document.body.setAttribute('data-rendered', 'error');
    console.error(error);
  }
})();

// A graph up to twice as wide as the box is shrunk to fit; a larger one would be unreadable shrunk,
// so it keeps its natural size in a scrolling box, scrolled to the first failed task (or the first
// task). The button switches between the two.
function setUpFitButton(target) {
  var button = document.getElementById('fit');
  var svg = target.querySelector('svg');
  if (!button || !svg) return;
  var naturalWidth = svg.getBoundingClientRect().width;
  if (naturalWidth <= target.clientWidth) return;
  var fit = naturalWidth <= 2 * target.clientWidth;
  var show = function () {
    target.classList.toggle('fit', fit);
    button.textContent = fit ? 'Actual size' : 'Fit to width';
    if (!fit) scrollToNode(target, target.querySelector('g.node.st_failed') || target.querySelector('g.node'));
  };
  button.hidden = false;
  button.addEventListener('click', function () { fit = !fit; show(); });
  show();
}

function scrollToNode(box, node) {
  if (!node) return;
  var b = box.getBoundingClientRect();
  var n = node.getBoundingClientRect();
  box.scrollLeft += n.left - b.left - (box.clientWidth - n.width) / 2;
  box.scrollTop += n.top - b.top - (box.clientHeight - n.height) / 2;
}
`
