/**
 * <gd-gallery-panel>: the gallery of src/gallery/entries.ts inside the lab. It lists every entry
 * (title and claim); choosing one, or one of its variants, emits a GalleryOpenEvent with the spec to
 * open, and the panel then shows the entry's two paragraphs as written, its claim, its variants and
 * its trajectories (each opens the inspector through an InspectEvent). The lab decides how to open
 * the spec; the panel never touches the lab's state.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { GALLERY, type GalleryEntry } from '../../gallery/entries.ts';
import { parseSpec, type ExperimentSpec } from '../../spec/spec.ts';
import { InspectEvent } from '../bifurcation-view/events.ts';
import { inspectStart } from '../bifurcation-view/inspect-start.ts';

export interface GalleryOpenDetail {
  entry: GalleryEntry;
  /** The spec to open: the entry's, a variant's, either scaled down to `maxSide`. */
  spec: ExperimentSpec;
  /** Which picture of the entry: 'main' or the variant's label. */
  label: string;
}

/** A gallery entry (or one of its variants) was chosen. */
export class GalleryOpenEvent extends CustomEvent<GalleryOpenDetail> {
  static readonly type = 'gallery-open';
  constructor(detail: GalleryOpenDetail) {
    super(GalleryOpenEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'gallery-open': GalleryOpenEvent;
  }
}

/**
 * A basin or bifurcation spec with its grid scaled so its longest side is at most `maxSide`
 * (slow devices, tests); densities have no grid to scale and are returned as they are.
 */
export function scaleSpec(spec: ExperimentSpec, maxSide: number | null): ExperimentSpec {
  const [W, H] = spec.size;
  if (maxSide === null || spec.kind === 'density' || Math.max(W, H) <= maxSide) return spec;
  const s = maxSide / Math.max(W, H);
  return parseSpec({ ...spec, size: [Math.max(1, Math.round(W * s)), Math.max(1, Math.round(H * s))] });
}

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
    details > summary {
      cursor: pointer;
      color: #335;
      margin-bottom: 6px;
    }
    article {
      border-left: 3px solid #4a90d9;
      padding: 2px 0 2px 12px;
      margin-bottom: 10px;
    }
    article h3 {
      font-size: 16px;
      margin: 0 0 4px;
    }
    article p {
      margin: 0 0 10px;
    }
    .claimline {
      font-size: 13px;
      color: #444;
      background: #f4f4f4;
      border-radius: 4px;
      padding: 4px 8px;
      margin-bottom: 8px;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin: 4px 0 10px;
      align-items: center;
    }
    .buttons button {
      font: inherit;
      font-size: 13px;
    }
    .buttons button[aria-pressed='true'] {
      font-weight: 600;
      outline: 2px solid #4a90d9;
    }
    .error {
      color: #b00020;
    }
  `;

  /** The entries to list (the gallery; tests may pass fewer). */
  @property({ attribute: false }) entries: readonly GalleryEntry[] = GALLERY;
  /** Longest grid side entries open at; null: as saved. Slow devices (and tests) lower it. */
  @property({ attribute: false }) maxSide: number | null = null;
  /** The open entry's id, or null for none. */
  @state() openId: string | null = null;
  @state() private label = 'main';
  @state() private trajectory: number | null = null;
  @state() private error: string | null = null;

  /** The open entry, if any. */
  get entry(): GalleryEntry | null {
    return this.entries.find((e) => e.id === this.openId) ?? null;
  }

  /** Opens an entry (or one of its variants) as if its button were clicked. */
  open(id: string, label = 'main'): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return;
    const spec = label === 'main' ? entry.spec : entry.variants?.find((v) => v.label === label)?.spec;
    if (!spec) return;
    this.openId = id;
    this.label = label;
    this.trajectory = null;
    this.error = null;
    this.dispatchEvent(new GalleryOpenEvent({ entry, spec: scaleSpec(spec, this.maxSide), label }));
    if (label === 'main' && entry.trajectories) this.inspect(entry, 0);
  }

  /** Opens the inspector on the entry's k-th trajectory. */
  inspect(entry: GalleryEntry, k: number): void {
    const t = entry.trajectories;
    if (!t) return;
    try {
      const data = inspectStart(entry.spec, 'lr', t.lrs[k], t.x0, t.iterations, entry.spec);
      this.trajectory = k;
      this.dispatchEvent(new InspectEvent({ data }));
    } catch (e) {
      this.error = `inspector: ${(e as Error).message}`;
    }
  }

  private renderEntry(e: GalleryEntry) {
    const t = e.trajectories;
    return html`<article id="entry" data-entry=${e.id}>
      <h3>${e.title}</h3>
      <div class="claimline"><b>Checked:</b> ${e.claim}</div>
      ${
        e.variants?.length
          ? html`<div class="buttons" id="variants">
              <button aria-pressed=${this.label === 'main'} @click=${() => this.open(e.id, 'main')}>
                main
              </button>
              ${e.variants.map(
                (v) =>
                  html`<button
                    data-variant=${v.label}
                    aria-pressed=${this.label === v.label}
                    @click=${() => this.open(e.id, v.label)}
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
                    @click=${() => this.inspect(e, k)}
                  >
                    h = ${h}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${e.paragraphs.map((p) => html`<p>${p}</p>`)}
      ${this.error ? html`<div class="error">${this.error}</div>` : nothing}
    </article>`;
  }

  protected override render() {
    const open = this.entry;
    const list = html`<ol>
      ${this.entries.map(
        (e) =>
          html`<li>
            <button
              class="entry"
              data-entry=${e.id}
              aria-current=${e.id === this.openId}
              @click=${() => this.open(e.id)}
            >
              <span class="title">${e.title}</span>
              <span class="claim">${e.claim}</span>
            </button>
          </li>`,
      )}
    </ol>`;
    return html`
      <h2>Gallery</h2>
      ${open ? this.renderEntry(open) : nothing}
      ${
        open
          ? html`<details>
              <summary>All ${this.entries.length} entries</summary>
              ${list}
            </details>`
          : list
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-gallery-panel': GalleryPanel;
  }
}
