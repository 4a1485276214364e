/**
 * The number input of the side panels: one markup for every `<input type="number">` that sends its
 * value to the lab on `change` (the lab's parseSpec decides, so an empty box is NaN, not 0), its
 * label, and the error line under it. The browser tests select these inputs by id.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { num } from './panel-styles.ts';

/** A bare number input (inside a label of its own or a `.pair`). */
export interface NumberInputOptions {
  id: string;
  value: number | string;
  min?: number;
  max?: number;
  /** `1` for counts, `any` for reals. */
  step: 1 | 'any';
  placeholder?: string;
  disabled?: boolean;
  /** The accessible name of a bare input (one of a pair has no label of its own). */
  ariaLabel?: string;
  /** The box's value, NaN when empty. */
  onChange: (value: number) => void;
}

/** A labelled number input, optionally with its error line below. */
export interface NumberFieldOptions extends NumberInputOptions {
  label: string;
  /** Tooltip of the whole label. */
  title?: string;
  /** The error line's id and its lines (none: no line). */
  errors?: { id: string; lines: string[] | undefined };
}

export function numberInput(o: NumberInputOptions): TemplateResult {
  return html`<input
    id=${o.id}
    type="number"
    min=${ifDefined(o.min)}
    max=${ifDefined(o.max)}
    step=${o.step}
    placeholder=${ifDefined(o.placeholder)}
    aria-label=${ifDefined(o.ariaLabel)}
    .value=${String(o.value)}
    ?disabled=${!!o.disabled}
    @change=${(e: Event) => o.onChange(num(e.target))}
  />`;
}

export function numberField(o: NumberFieldOptions): TemplateResult {
  return html`<label title=${ifDefined(o.title)}>${o.label} ${numberInput(o)}</label>${
      o.errors ? errorLine(o.errors.lines, o.errors.id) : nothing
    }`;
}

/** An error line under a field: its lines, or nothing when there are none. */
export function errorLine(lines: string[] | undefined, id: string) {
  return lines?.length ? html`<div class="error" id=${id}>${lines.join('\n')}</div>` : nothing;
}
