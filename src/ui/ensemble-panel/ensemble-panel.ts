/**
 * <gd-ensemble-panel>: the settings of the ensemble views (kinds 'bifurcation', 'density' and
 * 'attractor'): samples, transient and kept iterates, the box the starts are spread over, and for the
 * first two the observable, rows or bins and the vertical range (automatic or fixed). Values go to the lab as SpecEditEvents and pass
 * parseSpec and checkSpec there; each message is shown beside the field its path names.
 *
 * An ensemble trajectory runs transient + keep steps (src/core/ensemble.ts), so every
 * edit here keeps `iterations = transient + keep`: the spec then says what was run.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { boxText, errorLine, numberField, numberInput } from '../shared/number-field.ts';
import { panelStyles } from '../shared/panel-styles.ts';
import { fieldErrors } from '../shared/field-errors.ts';
import { formatNumber } from '../shared/labels.ts';

/** The panel's fields and the spec paths whose messages belong beside each. */
const FIELD_PATHS = {
  samples: ['ensemble.samples'],
  transient: ['transient', 'iterations'],
  keep: ['ensemble.keep'],
  observable: ['ensemble.observable'],
  rows: ['ensemble.bins', 'size'],
  box: ['ensemble.box'],
  range: ['ensemble.range'],
} as const;
type Field = keyof typeof FIELD_PATHS;

/** Parses "a, b, c" into numbers (NaN for an empty or non-numeric item, which parseSpec names). */
function numbers(text: string): number[] {
  return text.split(',').map((t) => (t.trim() === '' ? NaN : Number(t)));
}

@customElement('gd-ensemble-panel')
export class EnsemblePanel extends LitElement {
  static override styles = [
    panelStyles,
    css`
      /* Beside (under) the field it is about, aligned with the inputs. */
      .error {
        margin: 0 0 4px 98px;
      }
    `,
  ];

  @property({ attribute: false }) spec!: ExperimentSpec;
  @property({ attribute: false }) error: string | null = null;
  /** The field whose edit `error` refused; null: each message goes beside the field of its path. */
  @property({ attribute: false }) errorField: string | null = null;
  /** The range the diagram chose automatically, where fixing the range starts from; null: none yet. */
  @property({ attribute: false }) autoRange: [number, number] | null = null;

  private edit(edit: (s: ExperimentSpec) => ExperimentSpec, field: Field): void {
    this.dispatchEvent(
      new SpecEditEvent({
        section: 'ensemble',
        field,
        edit: (s) => {
          const next = edit(s);
          return { ...next, iterations: next.transient + next.ensemble.keep };
        },
      }),
    );
  }

  private ensemble(patch: Partial<ExperimentSpec['ensemble']>, field: Field): void {
    this.edit((s) => ({ ...s, ensemble: { ...s.ensemble, ...patch } }), field);
  }

  /** The observable and the rows (diagram) or bins (density). */
  private renderObservable(byField: Partial<Record<Field, string[]>>) {
    const s = this.spec;
    const en = s.ensemble;
    const density = s.kind === 'density';
    return html`<label title="a coordinate, f, or an expression in the variables"
        >observable
        <input
          id="observable"
          type="text"
          .value=${boxText(en.observable, !!byField.observable?.length)}
          @change=${(e: Event) => this.ensemble({ observable: (e.target as HTMLInputElement).value.trim() }, 'observable')}
      /></label>
      ${errorLine(byField.observable, 'observable-error')}
      ${numberField({
        id: 'rows',
        label: density ? 'bins' : 'rows',
        min: 2,
        step: 1,
        value: density ? en.bins : s.size[1],
        onChange: (n) =>
          this.edit(
            (x) =>
              density ? { ...x, ensemble: { ...x.ensemble, bins: n } } : { ...x, size: [x.size[0], n] },
            'rows',
          ),
        errors: { id: 'rows-error', lines: byField.rows },
      })}`;
  }

  /** The vertical (diagram) or histogram (density) range: automatic or fixed. */
  private renderRange(lines: string[] | undefined) {
    const s = this.spec;
    const range = s.ensemble.range;
    const density = s.kind === 'density';
    return html`<label class="inline"
        ><input
          type="checkbox"
          id="range-auto"
          .checked=${!range}
          @change=${(e: Event) => {
            const auto = (e.target as HTMLInputElement).checked;
            const start = this.autoRange ?? [s.plane.v.min, s.plane.v.max];
            this.ensemble({ range: auto ? null : [start[0], start[1]] }, 'range');
          }}
        />automatic ${density ? 'histogram' : 'vertical'} range (from a first pass)</label
      >
      ${
        range
          ? html`<label
              >${density ? 'range' : 'vertical'}
              <span class="pair">
                ${numberInput({
                  id: 'range-lo',
                  step: 'any',
                  ariaLabel: 'lowest value shown',
                  value: formatNumber(range[0], range[1] - range[0]),
                  holdText: !!lines?.length,
                  onChange: (n) => this.ensemble({ range: [n, range[1]] }, 'range'),
                })}
                ${numberInput({
                  id: 'range-hi',
                  step: 'any',
                  ariaLabel: 'highest value shown',
                  value: formatNumber(range[1], range[1] - range[0]),
                  holdText: !!lines?.length,
                  onChange: (n) => this.ensemble({ range: [range[0], n] }, 'range'),
                })}</span
              ></label
            >`
          : nothing
      }
      ${errorLine(lines, 'range-error')}`;
  }

  protected override render() {
    const s = this.spec;
    const en = s.ensemble;
    // The attractor's quantities, bins and ranges are the attractor panel's.
    const single = s.kind !== 'attractor';
    const { byField, rest } = fieldErrors(this.error, FIELD_PATHS, this.errorField);
    const box = en.box;
    return html`<fieldset>
      <legend>ensemble</legend>
      ${numberField({
        id: 'samples',
        label: 'samples',
        title: s.kind === 'bifurcation' ? 'trajectories per column' : 'trajectories in all',
        min: 1,
        step: 1,
        value: en.samples,
        onChange: (n) => this.ensemble({ samples: n }, 'samples'),
        errors: { id: 'samples-error', lines: byField.samples },
      })}
      ${numberField({
        id: 'ens-transient',
        label: 'transient',
        title: 'steps discarded before iterates are kept',
        min: 0,
        step: 1,
        value: s.transient,
        onChange: (n) => this.edit((x) => ({ ...x, transient: n }), 'transient'),
        errors: { id: 'transient-error', lines: byField.transient },
      })}
      ${numberField({
        id: 'keep',
        label: 'keep',
        title: 'iterates kept per trajectory after the transient',
        min: 1,
        step: 1,
        value: en.keep,
        onChange: (n) => this.ensemble({ keep: n }, 'keep'),
        errors: { id: 'keep-error', lines: byField.keep },
      })}
      <div class="hint">each trajectory runs transient + keep = ${s.transient + en.keep} steps</div>
      ${single ? this.renderObservable(byField) : nothing}
      <label class="inline"
        ><input
          type="checkbox"
          id="box-on"
          .checked=${!!box}
          @change=${(e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            this.ensemble(
              {
                box: on ? { min: s.x0.map((v) => v - 0.5), max: s.x0.map((v) => v + 0.5) } : null,
              },
              'box',
            );
          }}
        />spread starts over a box (off: every start at x₀)</label
      >
      ${
        box
          ? html`<label
              >box
              <span class="pair">
                <input
                  id="box-min"
                  type="text"
                  title="lower corner, one value per coordinate"
                  aria-label="box: lower corner, one value per coordinate"
                  .value=${boxText(box.min.map((v) => formatNumber(v)).join(', '), !!byField.box?.length)}
                  @change=${(e: Event) =>
                    this.ensemble(
                      {
                        box: { min: numbers((e.target as HTMLInputElement).value), max: box.max },
                      },
                      'box',
                    )} />
                <input
                  id="box-max"
                  type="text"
                  title="upper corner, one value per coordinate"
                  aria-label="box: upper corner, one value per coordinate"
                  .value=${boxText(box.max.map((v) => formatNumber(v)).join(', '), !!byField.box?.length)}
                  @change=${(e: Event) =>
                    this.ensemble(
                      {
                        box: { min: box.min, max: numbers((e.target as HTMLInputElement).value) },
                      },
                      'box',
                    )} /></span
            ></label>`
          : nothing
      }
      ${errorLine(byField.box, 'box-error')} ${single ? this.renderRange(byField.range) : nothing}
      ${rest.length ? html`<div class="error" id="ensemble-error">${rest.join('\n')}</div>` : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-ensemble-panel': EnsemblePanel;
  }
}
