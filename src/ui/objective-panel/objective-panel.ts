/**
 * <gd-objective-panel>: preset picker, expression editor with live validation (the error is shown
 * under the expression with a caret at its column) and one slider per parameter.
 */
import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ObjectiveError } from '../../objective/types.ts';
import { nearNames } from '../../experiment/near-names.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { CanvasLabel } from '../shared/canvas-text.ts';
import { SpecEditEvent } from '../shared/events.ts';
import { compileFor } from '../shared/objective.ts';
import { panelStyles } from '../shared/panel-styles.ts';
import { fieldErrors } from '../shared/field-errors.ts';
import { formatNumber } from '../shared/labels.ts';
import { errorLine, numberInput } from '../shared/number-field.ts';
import { PRESETS, applyPreset } from '../shared/presets.ts';
import { runsMarkup } from '../shared/quantity-markup.ts';
import { sliderSpan } from './param-slider.ts';

/** A validation failure: message and 1-based column (0: not about one place). */
export interface ExprProblem {
  message: string;
  column: number;
  /** An identifier the user may want as a new parameter. */
  unknown: string | null;
  /** The preset the text names, or nearly ("double_well", "mf-scaler"): an id typed as an expression. */
  preset: string | null;
}

/** The preset whose id `expr` is, or is one or two edits from (the CLI's rule for a misspelt id). */
function presetNamed(expr: string): string | null {
  const text = expr.trim().toLowerCase();
  const ids = PRESETS.map((p) => p.id);
  return ids.includes(text) ? text : (nearNames(text, ids)[0] ?? null);
}

/** Validates an expression with the current parameters; null when it compiles. */
export function validateExpression(expr: string, params: Record<string, number>): ExprProblem | null {
  try {
    compileFor(expr, params);
    return null;
  } catch (e) {
    const column = e instanceof ObjectiveError ? e.column : 0;
    const raw = e instanceof Error ? e.message : String(e);
    const message = raw.replace(/ \(column \d+\)$/, '');
    const m = /unknown identifier '([A-Za-z_][A-Za-z0-9_]*)'/.exec(message);
    const preset = presetNamed(expr);
    // A preset's id is not a parameter the user wants.
    return { message, column, unknown: m && !preset ? m[1] : null, preset };
  }
}

@customElement('gd-objective-panel')
export class ObjectivePanel extends LitElement {
  static override styles = [
    panelStyles,
    css`
      textarea {
        width: 100%;
        box-sizing: border-box;
        font-family: ui-monospace, monospace;
        font-size: 13px;
        resize: vertical;
      }
      .caret {
        font-family: ui-monospace, monospace;
        font-size: 13px;
        margin: 0;
        color: #b00020;
        white-space: pre;
        overflow: hidden;
        padding-left: 3px;
      }
      .slider {
        grid-template-columns: 50px 1fr 70px;
      }
      button.add {
        margin-top: 4px;
        font: inherit;
        font-size: 12px;
      }
      .explain {
        font-size: 12px;
        color: #444;
        margin-top: 4px;
      }
      .note {
        font-size: 12px;
        background: #eef4fc;
        border: 1px solid #9cc0ea;
        border-radius: 4px;
        padding: 3px 6px;
        margin-top: 4px;
      }
    `,
  ];

  @property({ attribute: false }) spec!: ExperimentSpec;
  /** An error from the lab (e.g. a parameter with no value). */
  @property({ attribute: false }) error: string | null = null;
  /** The field whose edit `error` refused (`param-NAME`); null: each message beside its path's field. */
  @property({ attribute: false }) errorField: string | null = null;
  /**
   * One line from the lab on how the new objective changed the plane, a coordinate's rate as runs
   * (written h<sub>x</sub>, as the plane panel writes it); null when it did not.
   */
  @property({ attribute: false }) note: CanvasLabel | null = null;
  @state() private draft = '';
  @state() private problem: ExprProblem | null = null;
  private timer = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    const prev = changed.get('spec') as ExperimentSpec | undefined;
    if (changed.has('spec') && (!prev || prev.objective.expr !== this.spec.objective.expr)) {
      this.draft = this.spec.objective.expr;
      this.problem = null;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private edit(edit: (s: ExperimentSpec) => unknown, field?: string): void {
    this.dispatchEvent(new SpecEditEvent({ section: 'objective', field, edit }));
  }

  private onInput(e: Event): void {
    this.draft = (e.target as HTMLTextAreaElement).value;
    clearTimeout(this.timer);
    // Validate as the user types, but only submit once typing pauses.
    this.timer = window.setTimeout(() => this.submit(), 250);
  }

  private submit(): void {
    const expr = this.draft;
    const params = this.spec.objective.params;
    this.problem = validateExpression(expr, params);
    if (this.problem || expr === this.spec.objective.expr) return;
    this.edit((s) => {
      const spec = s as ExperimentSpec;
      const obj = compileFor(expr, params);
      // A new objective may have another dimension: resize x0 and keep the plane if it still fits.
      const x0 = obj.vars.map((_, k) => spec.x0[k] ?? 0);
      return { ...spec, objective: { ...spec.objective, expr, preset: null }, x0, lrPerCoord: null };
    });
  }

  private addParam(name: string): void {
    const params = { ...this.spec.objective.params, [name]: 1 };
    this.problem = validateExpression(this.draft, params);
    if (this.problem) return;
    const expr = this.draft;
    this.edit((s) => ({ ...(s as ExperimentSpec), objective: { expr, preset: null, params } }));
  }

  private setParam(name: string, value: number): void {
    this.edit((s) => {
      const spec = s as ExperimentSpec;
      return {
        ...spec,
        objective: { ...spec.objective, params: { ...spec.objective.params, [name]: value } },
      };
    }, `param-${name}`);
  }

  /** The preset a typed id named: the text goes back to the spec's, which the preset then replaces. */
  private openPreset(id: string): void {
    clearTimeout(this.timer);
    this.draft = this.spec.objective.expr;
    this.problem = null;
    this.pickPreset(id);
  }

  private pickPreset(id: string): void {
    const p = PRESETS.find((q) => q.id === id);
    if (!p) return;
    this.edit((s) => applyPreset(s as ExperimentSpec, p));
  }

  private renderParam(name: string, value: number, errors: string[] | undefined) {
    const { min, max, step } = sliderSpan(value);
    return html`<label class="slider"
        ><span>${name}</span>
        <input
          type="range"
          aria-label="${name}: slider"
          min=${min}
          max=${max}
          step=${step}
          .value=${String(value)}
          @change=${(e: Event) => this.setParam(name, Number((e.target as HTMLInputElement).value))}
        />
        ${numberInput({
          id: `param-${name}`,
          step: 'any',
          ariaLabel: `${name}: value`,
          value: formatNumber(value),
          holdText: !!errors?.length,
          onChange: (n) => this.setParam(name, n),
        })}</label
      >${errorLine(errors, `param-${name}-error`)}`;
  }

  private renderProblem(pr: ExprProblem) {
    const caret = `${' '.repeat(Math.max(0, pr.column - 1))}^`;
    const where = pr.column > 0 ? `column ${pr.column}: ` : '';
    return html`${pr.column > 0 ? html`<pre class="caret" id="caret" data-column=${pr.column}>${caret}</pre>` : nothing}
      <div class="error" id="expr-error" data-column=${pr.column}>${where}${pr.message}</div>
      ${pr.unknown ? html`<button class="add" @click=${() => this.addParam(pr.unknown!)}>add parameter '${pr.unknown}' = 1</button>` : nothing}
      ${pr.preset ? html`<button class="add" id="open-preset" @click=${() => this.openPreset(pr.preset!)}>open the preset ${PRESETS.find((p) => p.id === pr.preset)!.title}</button>` : nothing}`;
  }

  protected override render() {
    const s = this.spec;
    const preset = PRESETS.find((p) => p.id === s.objective.preset);
    const pr = this.problem;
    const params = Object.entries(s.objective.params);
    const paths = Object.fromEntries(params.map(([k]) => [`param-${k}`, [`objective.params.${k}`]]));
    const { byField, rest } = fieldErrors(this.error, paths, this.errorField);
    return html`<fieldset>
      <legend>objective</legend>
      <label
        >preset
        <select id="preset" @change=${(e: Event) => this.pickPreset((e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!preset}>(custom expression)</option>
          ${PRESETS.map((p) => html`<option value=${p.id} ?selected=${p.id === preset?.id}>${p.title}</option>`)}
        </select></label
      >
      <textarea
        id="expr"
        rows="2"
        spellcheck="false"
        aria-label="objective f: an expression in x, y (or x1 … x8) and named parameters"
        .value=${this.draft}
        @input=${this.onInput}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            clearTimeout(this.timer);
            this.submit();
          }
        }}
      ></textarea>
      ${pr ? this.renderProblem(pr) : nothing}
      ${
        this.note
          ? html`<div class="note" id="adapt-note" role="status">${runsMarkup(this.note)}</div>`
          : nothing
      }
      ${rest.length ? html`<div class="error" id="objective-error">${rest.join('\n')}</div>` : nothing}
      ${params.map(([k, v]) => this.renderParam(k, v, byField[`param-${k}`]))}
      ${preset ? html`<div class="explain">${preset.explanation}</div>` : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-objective-panel': ObjectivePanel;
  }
}
