/**
 * The lab's layout: the toolbar across the top, the panels in a column that collapses, the picture
 * filling the rest of the window's height, and beside it the open gallery entry, the legend and the
 * trajectory inspector. The side columns scroll on their own, so the picture stays in view.
 */
import { css } from 'lit';

export const labStyles = css`
  :host {
    display: grid;
    grid-template-columns: 320px minmax(0, 1fr);
    grid-template-rows: auto minmax(0, 1fr);
    height: 100vh;
    box-sizing: border-box;
    font:
      13px/1.35 system-ui,
      sans-serif;
    color: #222;
  }
  :host([panels-hidden]) {
    grid-template-columns: 0 minmax(0, 1fr);
  }
  :host([panels-hidden]) aside {
    display: none;
  }
  header {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: 6px 8px;
    align-items: center;
    padding: 6px 12px;
    border-bottom: 1px solid #ddd;
    background: #f4f4f4;
  }
  h1 {
    font-size: 17px;
    margin: 0 8px 0 0;
  }
  h1 small {
    font-size: 12px;
    font-weight: normal;
    color: #555;
  }
  @media (max-width: 1750px) {
    h1 small {
      display: none;
    }
  }
  label.open input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  label.open .button {
    display: inline-block;
    padding: 1px 8px;
    border: 1px solid #767676;
    border-radius: 3px;
    background: #efefef;
    cursor: pointer;
  }
  label.open:focus-within .button {
    outline: 2px solid #4a90d9;
  }
  aside {
    grid-column: 1;
    grid-row: 2;
    overflow-y: auto;
    padding: 10px 10px 16px 12px;
    display: flex;
    flex-direction: column;
    gap: 10px;
    border-right: 1px solid #e4e4e4;
  }
  main {
    grid-column: 2;
    grid-row: 2;
    display: flex;
    gap: 14px;
    min-width: 0;
    min-height: 0;
    padding: 8px 12px 0 12px;
  }
  .picture {
    flex: 1 1 auto;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .stage {
    flex: 1 1 auto;
    min-height: 0;
  }
  .beside {
    flex: 0 0 clamp(320px, 30vw, 560px);
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding-bottom: 12px;
  }
  .beside[hidden] {
    display: none;
  }
  button,
  select {
    font: inherit;
  }
  .spacer {
    flex: 1;
  }
  /* Export and open as one group: when the header wraps, they move to the next row together, on
     the right, instead of leaving Export PNG and Open… at the left of a row under their options. */
  header .files {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 6px 8px;
    align-items: center;
    margin-left: auto;
  }
  .note {
    background: #fff4d6;
    border: 1px solid #e0c060;
    padding: 4px 8px;
    border-radius: 4px;
  }
  .error {
    color: #b00020;
    white-space: pre-wrap;
  }
  .status {
    display: flex;
    gap: 8px;
    align-items: center;
    min-height: 26px;
    color: #444;
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  .status progress {
    width: 220px;
    height: 12px;
  }
  .confirm {
    display: flex;
    gap: 8px;
    align-items: center;
    flex-wrap: wrap;
    background: #eef4fc;
    border: 1px solid #4a90d9;
    border-radius: 4px;
    padding: 4px 8px;
  }
  .hint {
    color: #666;
    font-size: 12px;
  }
  .drop {
    outline: 3px dashed #4a90d9;
    outline-offset: -6px;
  }
  dialog {
    max-width: min(720px, 92vw);
    max-height: 86vh;
    padding: 12px 16px;
    border: 1px solid #aaa;
    border-radius: 8px;
  }
  dialog header {
    padding: 0 0 8px;
    border: 0;
    background: none;
  }
`;
