/**
 * A swept quantity's symbol as markup, for labels in the panels: one coordinate's rate is h with
 * the coordinate as a subscript, h<sub>x</sub>, in the plane panel as in the optimizer panel, which
 * wrote it so while the plane panel wrote "h_x". Text-only places (an <option>, an aria-label)
 * cannot hold a subscript and keep quantityLabel's words (src/ui/shared/labels.ts); a canvas draws
 * one (src/ui/shared/canvas-text.ts).
 */
import { html, type TemplateResult } from 'lit';
import { quantityLabel } from './labels.ts';

/** The rate of coordinate `v` alone. */
export function rateMarkup(v: string): TemplateResult {
  return html`h<sub>${v}</sub>`;
}

/** `q` as the lab writes it beside a field: h<sub>x</sub> for `lr.x`, quantityLabel otherwise. */
export function quantityMarkup(q: string, params: readonly string[] = []): TemplateResult | string {
  return q.startsWith('lr.') ? rateMarkup(q.slice(3)) : quantityLabel(q, params);
}
