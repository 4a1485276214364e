/** <gd-colour-panel>: the field a map is coloured by, the colormap and log scale. Never reruns GD. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { COLORMAPS, COLOUR_FIELDS, type ColourField, type ExperimentSpec } from '../../experiment/spec.ts';
import { fieldLabel, formatNumber } from '../shared/labels.ts';
import { plainMessage } from '../shared/field-errors.ts';
import { varsOf } from '../shared/objective.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { numberInput } from '../shared/number-field.ts';
import { num, panelStyles } from '../shared/panel-styles.ts';

/** Fields that have a value here: observables that are set, coordinates the objective has. */
function offered(spec: ExperimentSpec, vars: readonly string[]): ColourField[] {
  return COLOUR_FIELDS.filter((f) => {
    if (f === 'obs0' || f === 'obs1')
      return !!spec.observables[f === 'obs0' ? 0 : 1] || spec.colour.field === f;
    if (f === 'final1') return vars.length > 1;
    return true;
  });
}

@customElement('gd-colour-panel')
export class ColourPanel extends LitElement {
  static override styles = panelStyles;

  @property({ attribute: false }) spec!: ExperimentSpec;
  @property({ attribute: false }) error: string | null = null;

  private edit(edit: (s: ExperimentSpec) => unknown): void {
    this.dispatchEvent(new SpecEditEvent({ section: 'colour', edit }));
  }

  protected override render() {
    const c = this.spec.colour;
    // A bifurcation diagram is log(1 + count) through the colormap: field, scale and range do not apply.
    const basin = this.spec.kind === 'basin';
    return html`<fieldset>
      <legend>colouring</legend>
      ${basin ? this.renderField() : nothing}
      <label
        >colormap
        <select
          id="colormap"
          @change=${(e: Event) =>
            this.edit((s) => ({
              ...s,
              colour: { ...s.colour, colormap: (e.target as HTMLSelectElement).value },
            }))}
        >
          ${COLORMAPS.map((m) => html`<option value=${m} ?selected=${m === c.colormap}>${m}</option>`)}
        </select></label
      >
      ${
        basin
          ? this.renderScale()
          : html`<div class="hint">the diagram shows log(1 + count) through the colormap</div>`
      }
      ${this.error ? html`<div class="error" id="colour-error">${plainMessage(this.error)}</div>` : nothing}
    </fieldset>`;
  }

  private renderField() {
    const c = this.spec.colour;
    const vars = varsOf(this.spec);
    return html`<label
      >field
      <select
        id="field"
        @change=${(e: Event) =>
          this.edit((s) => ({
            ...s,
            colour: { ...s.colour, field: (e.target as HTMLSelectElement).value, range: null },
          }))}
      >
        ${offered(this.spec, vars).map(
          (f) =>
            html`<option value=${f} ?selected=${f === c.field}>
              ${f === 'outcome' ? 'outcome (diverged, converged, period p, chaotic …)' : fieldLabel(f, this.spec, vars)}
            </option>`,
        )}
      </select></label
    >`;
  }

  private renderScale() {
    const c = this.spec.colour;
    // While the range is automatic, one end typed waits for the other (setRange); a refused range
    // stays beside its message.
    const hold = !c.range || !!this.error;
    return html`<label class="inline"
        ><input
          type="checkbox"
          id="log"
          .checked=${c.log}
          @change=${(e: Event) =>
            this.edit((s) => ({
              ...s,
              colour: { ...s.colour, log: (e.target as HTMLInputElement).checked },
            }))}
        />log scale</label
      >
      <label
        >range
        <span class="pair">
          ${numberInput({
            id: 'range-lo',
            step: 'any',
            ariaLabel: 'colour range: lowest value',
            placeholder: 'auto',
            value: c.range ? formatNumber(c.range[0], c.range[1] - c.range[0]) : '',
            holdText: hold,
            onChange: (n) => this.setRange(0, n),
          })}
          ${numberInput({
            id: 'range-hi',
            step: 'any',
            ariaLabel: 'colour range: highest value',
            placeholder: 'auto',
            value: c.range ? formatNumber(c.range[1], c.range[1] - c.range[0]) : '',
            holdText: hold,
            onChange: (n) => this.setRange(1, n),
          })}</span
        ></label
      >`;
  }

  private setRange(k: 0 | 1, a: number): void {
    const other = this.renderRoot.querySelector(k === 0 ? '#range-hi' : '#range-lo');
    const b = num(other);
    this.edit((s) => {
      // Both empty: back to automatic. One empty: wait for the other.
      if (Number.isNaN(a) && Number.isNaN(b)) return { ...s, colour: { ...s.colour, range: null } };
      if (Number.isNaN(a) || Number.isNaN(b)) return s;
      return { ...s, colour: { ...s.colour, range: k === 0 ? [a, b] : [b, a] } };
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-colour-panel': ColourPanel;
  }
}
