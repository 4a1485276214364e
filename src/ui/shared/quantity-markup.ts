/**
 * A swept quantity's symbol as markup, for labels in the panels and the readouts under the map and
 * the diagram: one coordinate's rate is h with the coordinate as a subscript, h<sub>x</sub>, in the
 * plane panel as in the optimizer panel, which wrote it so while the plane panel (and the readouts)
 * wrote "h_x". Text-only places cannot hold a subscript: an <option> and an aria-label say it in
 * words (quantityChoice, quantityWords), the PNG's text keeps quantityLabel's "h_x"
 * (src/ui/shared/labels.ts); a canvas draws one (src/ui/shared/canvas-text.ts).
 */
import { html, type TemplateResult } from 'lit';
import { labelRuns, type CanvasLabel } from './canvas-text.ts';
import { quantityLabel } from './labels.ts';

/** The rate of coordinate `v` alone. */
export function rateMarkup(v: string): TemplateResult {
  return html`h<sub>${v}</sub>`;
}

/** `q` as the lab writes it beside a field: h<sub>x</sub> for `lr.x`, quantityLabel otherwise. */
export function quantityMarkup(q: string, params: readonly string[] = []): TemplateResult | string {
  return q.startsWith('lr.') ? rateMarkup(q.slice(3)) : quantityLabel(q, params);
}

/**
 * A label's runs as markup, each subscript in a <sub>: what a readout built from runs (appendText)
 * shows in HTML, where labelText would write "h_x". Lit escapes every run, so no text becomes markup.
 */
export function runsMarkup(label: CanvasLabel): TemplateResult | string {
  if (typeof label === 'string') return label;
  return html`${labelRuns(label).map((r) => (r.sub ? html`<sub>${r.text}</sub>` : r.text))}`;
}

/**
 * A readout's parts on one line, `sep` between them, subscripts as <sub>. One template without
 * line breaks: a .readout keeps white-space (pre), and a break in the template would show.
 */
export function readoutMarkup(parts: readonly CanvasLabel[], sep = '   '): TemplateResult {
  return html`${parts.map((p, k) => html`${k > 0 ? sep : ''}${runsMarkup(p)}`)}`;
}
