/**
 * <gd-gallery-entry>: an open gallery entry beside its picture: title, the checked claim, the
 * variant and trajectory buttons, and the two paragraphs as written. It only renders what the lab
 * hands it and asks for changes with typed events (GalleryChooseEvent, GalleryTrajectoryEvent,
 * GalleryCloseEvent), so the text cannot disagree with the picture the lab shows.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GalleryEntry } from '../../gallery/entries.ts';
import { entryTable, type GalleryTable } from '../../gallery/figures.ts';
import { formatNumber } from '../shared/labels.ts';
import { GalleryChooseEvent, GalleryCloseEvent, GalleryTrajectoryEvent } from '../gallery-panel/gallery.ts';

@customElement('gd-gallery-entry')
export class GalleryEntryView extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.45 system-ui,
        sans-serif;
      color: #222;
    }
    article {
      border-left: 3px solid #4a90d9;
      padding: 0 0 0 12px;
    }
    header {
      display: flex;
      gap: 8px;
      align-items: flex-start;
    }
    h2 {
      font-size: 16px;
      line-height: 1.3;
      margin: 0 0 4px;
      flex: 1;
    }
    header button {
      font: inherit;
      font-size: 12px;
    }
    p {
      margin: 0 0 8px;
    }
    .claimline {
      font-size: 13px;
      color: #444;
      background: #f1f1f1;
      border-radius: 4px;
      padding: 3px 8px;
      margin-bottom: 6px;
    }
    .note {
      font-size: 12px;
      color: #5a4a00;
      background: #fff4d6;
      border: 1px solid #e0c060;
      border-radius: 4px;
      padding: 3px 8px;
      margin-bottom: 6px;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 6px;
      margin: 0 0 8px;
      align-items: center;
      font-size: 13px;
    }
    .buttons button {
      font: inherit;
      font-size: 12px;
    }
    .buttons button[aria-pressed='true'] {
      font-weight: 600;
      outline: 2px solid #4a90d9;
    }
    .error {
      color: #b00020;
    }
    table {
      border-collapse: collapse;
      font-size: 13px;
      font-variant-numeric: tabular-nums;
      margin: 0 0 10px;
    }
    caption {
      text-align: left;
      font-size: 12px;
      color: #444;
      padding-bottom: 2px;
    }
    th,
    td {
      border-bottom: 1px solid #ddd;
      padding: 2px 8px;
      text-align: right;
    }
    tr.ratio td {
      font-weight: 600;
      background: #f3f7fc;
    }
  `;

  private table: { id: string; value: GalleryTable | null } | null = null;

  /** The entry's table, computed once per entry (float64, a fraction of a second). */
  private tableOf(e: GalleryEntry): GalleryTable | null {
    if (this.table?.id !== e.id) this.table = { id: e.id, value: entryTable(e.id) };
    return this.table.value;
  }

  /** The open entry. */
  @property({ attribute: false }) entry: GalleryEntry | null = null;
  /** The picture on screen: 'main' or a variant's label. */
  @property({ attribute: false }) label = 'main';
  /** Index of the trajectory in the inspector, or null. */
  @property({ attribute: false }) trajectory: number | null = null;
  /** How the picture was opened when not as saved (a smaller grid on the CPU engine); null otherwise. */
  @property({ attribute: false }) note: string | null = null;
  @property({ attribute: false }) error: string | null = null;

  private choose(label: string): void {
    if (this.entry) this.dispatchEvent(new GalleryChooseEvent({ id: this.entry.id, label }));
  }

  private renderTable(t: GalleryTable | null) {
    if (!t) return nothing;
    return html`<table id="entry-table">
      <caption>
        ${t.caption}
      </caption>
      <tr>
        ${t.head.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
      ${t.rows.map(
        (r) =>
          html`<tr class=${r[0].startsWith('ratio') ? 'ratio' : ''}>
            ${r.map((c) => html`<td>${c}</td>`)}
          </tr>`,
      )}
    </table>`;
  }

  protected override render() {
    const e = this.entry;
    if (!e) return nothing;
    const t = e.trajectories;
    return html`<article id="entry" data-entry=${e.id}>
      <header>
        <h2>${e.title}</h2>
        <button
          id="close-entry"
          title="hide the entry's text"
          @click=${() => this.dispatchEvent(new GalleryCloseEvent())}
        >
          ✕
        </button>
      </header>
      <div class="claimline"><b>Checked:</b> ${e.claim}</div>
      ${this.note ? html`<div class="note" id="entry-note">${this.note}</div>` : nothing}
      ${
        e.variants?.length
          ? html`<div class="buttons" id="variants">
              <button aria-pressed=${this.label === 'main'} @click=${() => this.choose('main')}>main</button>
              ${e.variants.map(
                (v) =>
                  html`<button
                    data-variant=${v.label}
                    aria-pressed=${this.label === v.label}
                    @click=${() => this.choose(v.label)}
                  >
                    ${v.label}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${
        t
          ? html`<div class="buttons" id="trajectories">
              trajectories from (${t.x0.join(', ')}):
              ${t.lrs.map(
                (h, k) =>
                  html`<button
                    data-lr=${h}
                    aria-pressed=${this.trajectory === k}
                    @click=${() => this.dispatchEvent(new GalleryTrajectoryEvent(k))}
                  >
                    h = ${formatNumber(h)}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${e.paragraphs.map((p) => html`<p>${p}</p>`)} ${this.renderTable(this.tableOf(e))}
      ${this.error ? html`<div class="error">${this.error}</div>` : nothing}
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-gallery-entry': GalleryEntryView;
  }
}
