/**
 * <gd-attractor-panel>: the attractor view's own settings (kind 'attractor'): the pair of quantities
 * whose joint density is drawn (a variable, f, or an expression; the menu offers the variables and
 * f), the bins across and up, and the two ranges (automatic from a first pass, or fixed; a zoom box
 * fixes both). Samples, transient, keep and the starts' box are the ensemble panel's. Values go to
 * the lab as SpecEditEvents and pass parseSpec and checkSpec there.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AttractorSettings, ExperimentSpec } from '../../experiment/spec.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { fieldErrors } from '../shared/field-errors.ts';
import { formatNumber } from '../shared/labels.ts';
import { boxText, errorLine, numberField, numberInput } from '../shared/number-field.ts';
import { varsOf } from '../shared/objective.ts';
import { panelStyles } from '../shared/panel-styles.ts';

const FIELD_PATHS = {
  pair: ['attractor.u', 'attractor.v', 'attractor'],
  bins: ['size'],
  range: ['attractor.uRange', 'attractor.vRange'],
} as const;
type Field = keyof typeof FIELD_PATHS;

@customElement('gd-attractor-panel')
export class AttractorPanel extends LitElement {
  static override styles = [
    panelStyles,
    css`
      .error {
        margin: 0 0 4px 98px;
      }
    `,
  ];

  @property({ attribute: false }) spec!: ExperimentSpec;
  @property({ attribute: false }) error: string | null = null;
  /** The field whose edit `error` refused; null: each message goes beside the field of its path. */
  @property({ attribute: false }) errorField: string | null = null;
  /** The ranges the view chose automatically, where fixing them starts from; null: none yet. */
  @property({ attribute: false }) autoRanges: { u: [number, number]; v: [number, number] } | null = null;

  private edit(edit: (s: ExperimentSpec) => ExperimentSpec, field: Field): void {
    this.dispatchEvent(new SpecEditEvent({ section: 'attractor', field, edit }));
  }

  private attractor(patch: Partial<AttractorSettings>, field: Field): void {
    this.edit((s) => ({ ...s, attractor: { ...s.attractor, ...patch } }), field);
  }

  private quantity(key: 'u' | 'v', choices: string[], hold: boolean) {
    const a = this.spec.attractor;
    return html`<label title="a variable, f, or an expression in the variables"
      >${key === 'u' ? 'across' : 'up'}
      <input
        id=${`pair-${key}`}
        type="text"
        list="pair-choices"
        .value=${boxText(a[key], hold)}
        @change=${(e: Event) => this.attractor({ [key]: (e.target as HTMLInputElement).value.trim() }, 'pair')}
      />
      <datalist id="pair-choices">${choices.map((c) => html`<option value=${c}></option>`)}</datalist></label
    >`;
  }

  private rangeRow(key: 'uRange' | 'vRange', label: string, hold: boolean) {
    const r = this.spec.attractor[key]!;
    const span = r[1] - r[0];
    return html`<label
      >${label}
      <span class="pair">
        ${numberInput({
          id: `${key}-lo`,
          step: 'any',
          ariaLabel: `lowest ${label} shown`,
          value: formatNumber(r[0], span),
          holdText: hold,
          onChange: (n) => this.attractor({ [key]: [n, r[1]] }, 'range'),
        })}
        ${numberInput({
          id: `${key}-hi`,
          step: 'any',
          ariaLabel: `highest ${label} shown`,
          value: formatNumber(r[1], span),
          holdText: hold,
          onChange: (n) => this.attractor({ [key]: [r[0], n] }, 'range'),
        })}</span
      ></label
    >`;
  }

  protected override render() {
    const s = this.spec;
    const a = s.attractor;
    let vars: readonly string[] = [];
    try {
      vars = varsOf(s);
    } catch {
      // The objective panel shows why it does not compile.
    }
    const { byField, rest } = fieldErrors(this.error, FIELD_PATHS, this.errorField);
    const fixed = !!a.uRange && !!a.vRange;
    return html`<fieldset>
      <legend>attractor</legend>
      ${this.quantity('u', [...vars, 'f'], !!byField.pair?.length)}
      ${this.quantity('v', [...vars, 'f'], !!byField.pair?.length)} ${errorLine(byField.pair, 'pair-error')}
      ${numberField({
        id: 'bins-w',
        label: 'bins across',
        min: 2,
        step: 1,
        value: s.size[0],
        // Its messages are under 'bins up', the pair's line.
        holdText: !!byField.bins?.length,
        onChange: (n) => this.edit((x) => ({ ...x, size: [n, x.size[1]] }), 'bins'),
      })}
      ${numberField({
        id: 'bins-h',
        label: 'bins up',
        min: 2,
        step: 1,
        value: s.size[1],
        onChange: (n) => this.edit((x) => ({ ...x, size: [x.size[0], n] }), 'bins'),
        errors: { id: 'bins-error', lines: byField.bins },
      })}
      <label class="inline"
        ><input
          type="checkbox"
          id="ranges-auto"
          .checked=${!fixed}
          @change=${(e: Event) => {
            const auto = (e.target as HTMLInputElement).checked;
            const from = this.autoRanges ?? { u: [-1, 1], v: [-1, 1] };
            this.attractor(
              auto
                ? { uRange: null, vRange: null }
                : { uRange: a.uRange ?? from.u, vRange: a.vRange ?? from.v },
              'range',
            );
          }}
        />automatic ranges (from a first pass)</label
      >
      ${a.uRange ? this.rangeRow('uRange', a.u, !!byField.range?.length) : nothing}
      ${a.vRange ? this.rangeRow('vRange', a.v, !!byField.range?.length) : nothing}
      ${errorLine(byField.range, 'ranges-error')}
      ${rest.length ? html`<div class="error" id="attractor-error">${rest.join('\n')}</div>` : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-attractor-panel': AttractorPanel;
  }
}
