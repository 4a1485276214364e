/**
 * The number input of the side panels: one markup for every `<input type="number">` that sends its
 * value to the lab on `change` (the lab's parseSpec decides, so an empty box is NaN, not 0), its
 * label, and the error line under it; and the directive that every box of the panels, number or text,
 * binds its text with. The browser tests select these inputs by id.
 */
import { html, noChange, nothing, type TemplateResult } from 'lit';
import { Directive, directive, PartType, type PartInfo, type PropertyPart } from 'lit/directive.js';
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
  /**
   * Keep the user's text while the spec's value is unchanged: an edit the lab refused (its error
   * line is about that text), or half of a pair that waits for the other.
   */
  holdText?: boolean;
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

/**
 * The box's text: the spec's value, compared with what the box shows. A plain `.value` binding
 * compares with the value rendered last, and after an edit the lab declined ("Keep the current
 * picture"), or an edit elsewhere that replaced a refused one, the spec's value had not changed: the
 * box went on showing text the picture was not made with. The text boxes of lists (the start x₀, the
 * ensemble's box) and of expressions bind theirs with it too. The plain rule (set the box only when the
 * spec's value changed) still holds for a box that holds its text and for the box being typed in,
 * which a redraw for another reason (an ensemble's automatic range arriving) must not clear.
 */
class BoxText extends Directive {
  private last: string | undefined;
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.PROPERTY) throw new Error('boxText binds .value');
  }
  render(text: string, _hold: boolean): string {
    return text;
  }
  override update(part: PropertyPart, [text, hold]: [string, boolean]) {
    const box = part.element as HTMLInputElement;
    const plain = hold || box.matches(':focus');
    if (plain ? text !== this.last : box.value !== text) box.value = text;
    this.last = text;
    return noChange;
  }
}
export const boxText = directive(BoxText);

export function numberInput(o: NumberInputOptions): TemplateResult {
  return html`<input
    id=${o.id}
    type="number"
    min=${ifDefined(o.min)}
    max=${ifDefined(o.max)}
    step=${o.step}
    placeholder=${ifDefined(o.placeholder)}
    aria-label=${ifDefined(o.ariaLabel)}
    .value=${boxText(String(o.value), !!o.holdText)}
    ?disabled=${!!o.disabled}
    @change=${(e: Event) => o.onChange(num(e.target))}
  />`;
}

export function numberField(o: NumberFieldOptions): TemplateResult {
  const holdText = o.holdText ?? !!o.errors?.lines?.length;
  return html`<label title=${ifDefined(o.title)}>${o.label} ${numberInput({ ...o, holdText })}</label>${
      o.errors ? errorLine(o.errors.lines, o.errors.id) : nothing
    }`;
}

/** An error line under a field: its lines, or nothing when there are none. */
export function errorLine(lines: string[] | undefined, id: string) {
  return lines?.length ? html`<div class="error" id=${id}>${lines.join('\n')}</div>` : nothing;
}
