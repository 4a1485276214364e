/**
 * <gd-optimizer-panel>: the optimizer (GD, momentum, Nesterov, RMSProp, Adam) with the numbers its
 * rule reads, the learning rate (scalar or one per coordinate), the start, the classification
 * settings, and for basin maps iterations and transient (an ensemble's steps are transient + keep,
 * set in the ensemble panel). Values go to the lab on `change`; the lab's parseSpec decides.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { compileSpec } from '../shared/objective.ts';
import { boxText, errorLine, numberField, numberInput } from '../shared/number-field.ts';
import { fieldErrors, type FieldErrors } from '../shared/field-errors.ts';
import { formatNumber } from '../shared/labels.ts';
import { panelStyles } from '../shared/panel-styles.ts';
import { rateMarkup } from '../shared/quantity-markup.ts';
import { optimizerFields } from './optimizer-fields.ts';

/** The panel's fields and the spec paths whose messages belong beside each. */
const FIELD_PATHS = {
  kind: ['optimizer.kind', 'optimizer.biasCorrection'],
  beta: ['optimizer.beta'],
  beta2: ['optimizer.beta2'],
  eps: ['optimizer.eps'],
  lr: ['lr'],
  perCoord: ['lrPerCoord'],
  x0: ['x0'],
  iterations: ['iterations'],
  transient: ['transient'],
  tol: ['classify.tol'],
  maxPeriod: ['classify.maxPeriod'],
} as const;
type Field = keyof typeof FIELD_PATHS;
type Errors = FieldErrors<Field>;

@customElement('gd-optimizer-panel')
export class OptimizerPanel extends LitElement {
  static override styles = panelStyles;

  @property({ attribute: false }) spec!: ExperimentSpec;
  @property({ attribute: false }) error: string | null = null;
  /** The field whose edit `error` refused; null: each message goes beside the field of its path. */
  @property({ attribute: false }) errorField: string | null = null;

  private edit(edit: (s: ExperimentSpec) => unknown, field?: Field): void {
    this.dispatchEvent(new SpecEditEvent({ section: 'optimizer', field, edit }));
  }

  private vars(): readonly string[] {
    try {
      return compileSpec(this.spec).vars;
    } catch {
      return this.spec.x0.map((_, k) => `x${k + 1}`);
    }
  }

  /** Steps of a basin map; the ensemble views run transient + keep, set in the ensemble panel. */
  private renderSteps(e: Errors) {
    const s = this.spec;
    return html`${numberField({
      id: 'iterations',
      label: 'iterations',
      min: 1,
      step: 1,
      value: s.iterations,
      onChange: (n) => this.edit((x) => ({ ...x, iterations: n }), 'iterations'),
      errors: { id: 'iterations-error', lines: e.byField.iterations },
    })}
    ${numberField({
      id: 'transient',
      label: 'transient',
      min: 0,
      step: 1,
      value: s.transient,
      onChange: (n) => this.edit((x) => ({ ...x, transient: n }), 'transient'),
      errors: { id: 'transient-error', lines: e.byField.transient },
    })}`;
  }

  protected override render() {
    const s = this.spec;
    const vars = this.vars();
    const per = s.lrPerCoord;
    const e = fieldErrors(this.error, FIELD_PATHS, this.errorField);
    return html`<fieldset>
      <legend>optimizer</legend>
      ${optimizerFields({
        spec: s,
        errors: e.byField,
        edit: (field, change) => this.edit((x) => ({ ...x, optimizer: change(x.optimizer) }), field),
      })}
      ${numberField({
        id: 'lr',
        label: 'rate h',
        step: 'any',
        value: formatNumber(s.lr),
        disabled: !!per,
        onChange: (n) => this.edit((x) => ({ ...x, lr: n }), 'lr'),
        errors: { id: 'lr-error', lines: e.byField.lr },
      })}
      <label class="inline"
        ><input
          type="checkbox"
          id="per-coord"
          .checked=${!!per}
          @change=${(e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            this.edit((x) => ({ ...x, lrPerCoord: on ? x.x0.map(() => x.lr) : null }), 'perCoord');
          }}
        />one rate per coordinate</label
      >
      ${
        per
          ? vars.map(
              (v, k) =>
                // One span for "h" and its subscript: in the label's two-column grid each child is a
                // cell, so a bare "h" and <sub> took both columns and pushed the input to a row of its own.
                html`<label
                  ><span>${rateMarkup(v)}</span> ${numberInput({
                    id: `rate-${k}`,
                    step: 'any',
                    value: formatNumber(per[k]),
                    holdText: !!e.byField.perCoord?.length,
                    onChange: (n) =>
                      this.edit((x) => {
                        const rates = [...(x.lrPerCoord ?? [])];
                        rates[k] = n;
                        return { ...x, lrPerCoord: rates };
                      }, 'perCoord'),
                  })}</label
                >`,
            )
          : nothing
      }
      ${errorLine(e.byField.perCoord, 'per-coord-error')}
      <label
        >start x₀
        <input
          id="x0"
          type="text"
          .value=${boxText(s.x0.map((v) => formatNumber(v)).join(', '), !!e.byField.x0?.length)}
          title="the start of every trajectory, except the swept coordinates"
          @change=${(e: Event) =>
            this.edit(
              (x) => ({
                ...x,
                x0: (e.target as HTMLInputElement).value
                  .split(',')
                  .map((t) => (t.trim() === '' ? NaN : Number(t))),
              }),
              'x0',
            )}
      /></label>
      ${errorLine(e.byField.x0, 'x0-error')}
      ${
        s.kind === 'basin'
          ? this.renderSteps(e)
          : html`<div class="hint">steps: transient + keep, in the ensemble panel</div>`
      }
      ${numberField({
        id: 'tol',
        label: 'tolerance',
        step: 'any',
        value: s.classify.tol,
        onChange: (n) => this.edit((x) => ({ ...x, classify: { ...x.classify, tol: n } }), 'tol'),
        errors: { id: 'tol-error', lines: e.byField.tol },
      })}
      ${numberField({
        id: 'max-period',
        label: 'max period',
        min: 1,
        max: 64,
        step: 1,
        value: s.classify.maxPeriod,
        onChange: (n) => this.edit((x) => ({ ...x, classify: { ...x.classify, maxPeriod: n } }), 'maxPeriod'),
        errors: { id: 'max-period-error', lines: e.byField.maxPeriod },
      })}
      <label class="inline"
        ><input
          type="checkbox"
          id="lyapunov"
          .checked=${s.classify.lyapunov}
          @change=${(e: Event) =>
            this.edit((x) => ({
              ...x,
              classify: { ...x.classify, lyapunov: (e.target as HTMLInputElement).checked },
            }))}
        />Lyapunov exponent (tells chaos from long cycles)</label
      >
      ${e.rest.length ? html`<div class="error" id="optimizer-error">${e.rest.join('\n')}</div>` : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-optimizer-panel': OptimizerPanel;
  }
}
