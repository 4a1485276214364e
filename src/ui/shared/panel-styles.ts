/** Styles shared by the side panels (one look for every fieldset). */
import { css } from 'lit';

export const panelStyles = css`
  :host {
    display: block;
  }
  fieldset {
    border: 1px solid #ccc;
    border-radius: 6px;
    padding: 6px 10px 8px;
    margin: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  label {
    display: grid;
    grid-template-columns: 92px 1fr;
    align-items: center;
    gap: 6px;
    margin: 3px 0;
  }
  label.inline {
    display: inline-flex;
    gap: 4px;
  }
  input,
  select,
  textarea {
    font: inherit;
    min-width: 0;
  }
  input[type='number'] {
    width: 100%;
    box-sizing: border-box;
  }
  .pair {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 4px;
  }
  .error {
    color: #b00020;
    white-space: pre-wrap;
    font-size: 12px;
    margin-top: 4px;
  }
  .hint {
    color: #666;
    font-size: 12px;
  }
`;

/** Parses a number field; NaN for text that is not a number (parseSpec then names the field). */
export function num(el: EventTarget | null): number {
  const v = (el as HTMLInputElement).value.trim();
  return v === '' ? NaN : Number(v);
}
