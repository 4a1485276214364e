/**
 * <gd-gallery-panel>: the list of the gallery (src/gallery/entries.ts) in the lab's side column:
 * each entry's title and claim. Choosing one emits a GalleryChooseEvent; the lab opens the picture
 * and shows the entry's text beside it (<gd-gallery-entry>). The panel never touches the lab's state.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { GALLERY, type GalleryEntry } from '../../gallery/entries.ts';
import { GalleryChooseEvent } from './gallery.ts';

@customElement('gd-gallery-panel')
export class GalleryPanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.5 system-ui,
        sans-serif;
      color: #222;
      max-width: 560px;
    }
    h2 {
      font-size: 16px;
      margin: 0 0 6px;
    }
    ol {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    li button.entry {
      display: block;
      width: 100%;
      text-align: left;
      font: inherit;
      padding: 6px 8px;
      border: 1px solid #ddd;
      border-radius: 5px;
      background: #fafafa;
      margin: 0 0 5px;
      cursor: pointer;
    }
    li button.entry:hover {
      background: #f0f4fa;
    }
    li button.entry[aria-current='true'] {
      border-color: #4a90d9;
      background: #eef4fc;
    }
    .title {
      font-weight: 600;
    }
    .claim {
      display: block;
      color: #555;
      font-size: 13px;
    }
    .note {
      font-size: 12px;
      color: #5a4a00;
      background: #fff4d6;
      border: 1px solid #e0c060;
      border-radius: 4px;
      padding: 4px 6px;
      margin-bottom: 6px;
    }
  `;

  /** The entries to list (the gallery; tests may pass fewer). */
  @property({ attribute: false }) entries: readonly GalleryEntry[] = GALLERY;
  /** The open entry's id (the lab's), or null for none. */
  @property({ attribute: false }) openId: string | null = null;
  /** A sentence on how entries open here (e.g. at a smaller grid on the CPU engine); null: as saved. */
  @property({ attribute: false }) note: string | null = null;

  protected override render() {
    return html`
      <h2>Gallery</h2>
      ${this.note ? html`<div class="note" id="gallery-note">${this.note}</div>` : nothing}
      <ol>
        ${this.entries.map(
          (e) =>
            html`<li>
              <button
                class="entry"
                data-entry=${e.id}
                aria-current=${e.id === this.openId}
                @click=${() => this.dispatchEvent(new GalleryChooseEvent({ id: e.id, label: 'main' }))}
              >
                <span class="title">${e.title}</span>
                <span class="claim">${e.claim}</span>
              </button>
            </li>`,
        )}
      </ol>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-gallery-panel': GalleryPanel;
  }
}
