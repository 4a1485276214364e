/**
 * <gd-plane-panel>: which two quantities the map sweeps, over which ranges, at which grid size, and
 * a button that swaps the two axes. The range fields are the view: zooming the map rewrites them,
 * and typing here moves the map. Every change is one whole edit (src/ui/plane-panel/plane-edits.ts):
 * choosing the quantity the other axis sweeps swaps them instead of being refused. For a
 * bifurcation diagram only the sweep (plane.u) and the number of columns apply.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { fieldErrors } from '../shared/field-errors.ts';
import { formatNumber, quantityChoice, quantityWords } from '../shared/labels.ts';
import { compileSpec, sweepableQuantities } from '../shared/objective.ts';
import { quantityMarkup } from '../shared/quantity-markup.ts';
import { errorLine, numberField, numberInput, type NumberInputOptions } from '../shared/number-field.ts';
import { panelStyles } from '../shared/panel-styles.ts';
import { setAxisQuantity, swapAxes } from './plane-edits.ts';

const FIELD_PATHS = {
  u: ['plane.u'],
  v: ['plane.v'],
  plane: ['plane'],
  size: ['size'],
} as const;
type Field = keyof typeof FIELD_PATHS;

@customElement('gd-plane-panel')
export class PlanePanel extends LitElement {
  static override styles = [
    panelStyles,
    css`
      button.swap {
        font: inherit;
        font-size: 12px;
        margin: 2px 0 4px 98px;
      }
    `,
  ];

  @property({ attribute: false }) spec!: ExperimentSpec;
  @property({ attribute: false }) error: string | null = null;
  /** The field whose edit `error` refused; null: each message goes beside the field of its path. */
  @property({ attribute: false }) errorField: string | null = null;

  private edit(edit: (s: ExperimentSpec) => unknown, field?: Field): void {
    this.dispatchEvent(new SpecEditEvent({ section: 'plane', field, edit }));
  }

  private setRange(key: 'u' | 'v', end: 'min' | 'max', value: number): void {
    this.edit((s) => ({ ...s, plane: { ...s.plane, [key]: { ...s.plane[key], [end]: value } } }), key);
  }

  private renderAxis(key: 'u' | 'v', quantities: string[], vars: readonly string[], errors?: string[]) {
    const a = this.spec.plane[key];
    // A bifurcation diagram sweeps u only; its vertical axis is the observable (ensemble panel).
    const title = this.spec.kind === 'basin' ? (key === 'u' ? 'horizontal' : 'vertical') : 'sweep';
    const span = a.max - a.min;
    const params = Object.keys(this.spec.objective.params);
    // Read aloud: the words of one coordinate's rate, not the 'h_x' of text-only places.
    const name = quantityWords(a.quantity, params);
    return html`<label
        >${title}
        <select
          id="q-${key}"
          @change=${(e: Event) =>
            this.edit((s) => setAxisQuantity(s, key, (e.target as HTMLSelectElement).value), key)}
        >
          ${quantities.map(
            (q) =>
              html`<option value=${q} ?selected=${q === a.quantity}>
                ${quantityChoice(q, vars, params)}
              </option>`,
          )}
        </select></label
      >
      <label
        >range of ${quantityMarkup(a.quantity, params)}
        <span class="pair">
          ${numberInput({
            id: `${key}-min`,
            step: 'any',
            ariaLabel: `${title} axis: lowest ${name}`,
            value: formatNumber(a.min, span),
            holdText: !!errors?.length,
            onChange: (n) => this.setRange(key, 'min', n),
          })}
          ${numberInput({
            id: `${key}-max`,
            step: 'any',
            ariaLabel: `${title} axis: highest ${name}`,
            value: formatNumber(a.max, span),
            holdText: !!errors?.length,
            onChange: (n) => this.setRange(key, 'max', n),
          })}</span
        ></label
      >
      ${errorLine(errors, `${key}-error`)}`;
  }

  /** The grid's width: the columns of a sweep, or the first of a basin map's grid pair. */
  private widthInput(errors: string[] | undefined): NumberInputOptions {
    return {
      id: 'width',
      min: 1,
      max: 4096,
      step: 1,
      ariaLabel: this.spec.kind === 'basin' ? 'grid: pixels across' : 'columns',
      value: this.spec.size[0],
      holdText: !!errors?.length,
      onChange: (n) => this.edit((x) => ({ ...x, size: [n, x.size[1]] }), 'size'),
    };
  }

  protected override render() {
    const s = this.spec;
    let quantities: string[];
    let vars: readonly string[] = [];
    try {
      const obj = compileSpec(s);
      vars = obj.vars;
      quantities = sweepableQuantities(obj, s.optimizer);
    } catch {
      quantities = [s.plane.u.quantity, s.plane.v.quantity];
    }
    const { byField, rest } = fieldErrors(this.error, FIELD_PATHS, this.errorField);
    const foot = [...(byField.plane ?? []), ...rest];
    if (s.kind !== 'basin')
      return html`<fieldset>
        <legend>sweep</legend>
        ${this.renderAxis('u', quantities, vars, byField.u)}
        ${numberField({ ...this.widthInput(byField.size), label: 'columns', errors: { id: 'size-error', lines: byField.size } })}
        <div class="hint">the vertical axis is the ensemble's observable</div>
        ${foot.length ? html`<div class="error" id="plane-error">${foot.join('\n')}</div>` : nothing}
      </fieldset>`;
    return html`<fieldset>
      <legend>plane</legend>
      ${this.renderAxis('u', quantities, vars, byField.u)}
      <button
        class="swap"
        id="swap"
        title="exchange the horizontal and vertical axes"
        @click=${() => this.edit(swapAxes)}
      >
        ⇅ swap axes
      </button>
      ${this.renderAxis('v', quantities, vars, byField.v)}
      <label
        >grid
        <span class="pair">
          ${numberInput(this.widthInput(byField.size))}
          ${numberInput({
            id: 'height',
            min: 1,
            max: 4096,
            step: 1,
            ariaLabel: 'grid: pixels up',
            value: s.size[1],
            holdText: !!byField.size?.length,
            onChange: (n) => this.edit((x) => ({ ...x, size: [x.size[0], n] }), 'size'),
          })}</span
        ></label
      >
      ${errorLine(byField.size, 'size-error')}
      ${foot.length ? html`<div class="error" id="plane-error">${foot.join('\n')}</div>` : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-plane-panel': PlanePanel;
  }
}
