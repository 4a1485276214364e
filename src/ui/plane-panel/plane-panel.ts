/**
 * <gd-plane-panel>: which two quantities the map sweeps, over which ranges, at which grid size.
 * The range fields are the view: zooming the map rewrites them, and typing here moves the map.
 * For a bifurcation diagram only the sweep (plane.u) and the number of columns apply.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AxisRange, ExperimentSpec } from '../../experiment/spec.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { compileSpec, sweepableQuantities } from '../shared/objective.ts';
import { numberField, numberInput, type NumberInputOptions } from '../shared/number-field.ts';
import { panelStyles } from '../shared/panel-styles.ts';

/** A sensible first range for a quantity that was just chosen. */
function defaultRange(spec: ExperimentSpec, quantity: string): [number, number] {
  if (quantity === 'lr' || quantity.startsWith('lr.')) return [Math.max(1e-3, spec.lr * 0.1), spec.lr * 2.2];
  if (quantity in spec.objective.params) {
    const p = spec.objective.params[quantity];
    return p === 0 ? [-1, 1] : [Math.min(0, 2 * p), Math.max(0, 2 * p)];
  }
  return [-3, 3];
}

@customElement('gd-plane-panel')
export class PlanePanel extends LitElement {
  static override styles = panelStyles;

  @property({ attribute: false }) spec!: ExperimentSpec;
  @property({ attribute: false }) error: string | null = null;

  private edit(edit: (s: ExperimentSpec) => unknown): void {
    this.dispatchEvent(new SpecEditEvent({ section: 'plane', edit }));
  }

  private setAxis(key: 'u' | 'v', patch: Partial<AxisRange>): void {
    this.edit((s) => {
      let axis = { ...s.plane[key], ...patch };
      if (patch.quantity) {
        const [min, max] = defaultRange(s, patch.quantity);
        axis = { quantity: patch.quantity, min, max };
      }
      return { ...s, plane: { ...s.plane, [key]: axis } };
    });
  }

  private renderAxis(key: 'u' | 'v', quantities: string[]) {
    const a = this.spec.plane[key];
    // A bifurcation diagram sweeps u only; its vertical axis is the observable (ensemble panel).
    const title = this.spec.kind === 'basin' ? (key === 'u' ? 'horizontal' : 'vertical') : 'quantity';
    return html`<label
        >${title}
        <select
          id="q-${key}"
          @change=${(e: Event) => this.setAxis(key, { quantity: (e.target as HTMLSelectElement).value })}
        >
          ${quantities.map((q) => html`<option value=${q} ?selected=${q === a.quantity}>${q}</option>`)}
        </select></label
      >
      <label
        >range
        <span class="pair">
          ${numberInput({
            id: `${key}-min`,
            step: 'any',
            value: a.min,
            onChange: (n) => this.setAxis(key, { min: n }),
          })}
          ${numberInput({
            id: `${key}-max`,
            step: 'any',
            value: a.max,
            onChange: (n) => this.setAxis(key, { max: n }),
          })}</span
        ></label
      >`;
  }

  /** The grid's width: the columns of a sweep, or the first of a basin map's grid pair. */
  private widthInput(): NumberInputOptions {
    return {
      id: 'width',
      min: 1,
      max: 4096,
      step: 1,
      value: this.spec.size[0],
      onChange: (n) => this.edit((x) => ({ ...x, size: [n, x.size[1]] })),
    };
  }

  protected override render() {
    const s = this.spec;
    let quantities: string[];
    try {
      quantities = sweepableQuantities(compileSpec(s));
    } catch {
      quantities = [s.plane.u.quantity, s.plane.v.quantity];
    }
    if (s.kind !== 'basin')
      return html`<fieldset>
        <legend>sweep</legend>
        ${this.renderAxis('u', quantities)} ${numberField({ ...this.widthInput(), label: 'columns' })}
        <div class="hint">the vertical axis is the ensemble's observable</div>
        ${this.error ? html`<div class="error" id="plane-error">${this.error}</div>` : nothing}
      </fieldset>`;
    return html`<fieldset>
      <legend>plane</legend>
      ${this.renderAxis('u', quantities)} ${this.renderAxis('v', quantities)}
      <label
        >grid
        <span class="pair">
          ${numberInput(this.widthInput())}
          ${numberInput({
            id: 'height',
            min: 1,
            max: 4096,
            step: 1,
            value: s.size[1],
            onChange: (n) => this.edit((x) => ({ ...x, size: [x.size[0], n] })),
          })}</span
        ></label
      >
      ${this.error ? html`<div class="error" id="plane-error">${this.error}</div>` : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-plane-panel': PlanePanel;
  }
}
