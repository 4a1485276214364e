/**
 * <gd-map-legend>: outcome counts (diverged, converged, period p, chaotic) with their colours, and
 * a colorbar with its range for continuous fields. The counts are those of the frame on screen.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ColourSettings, MapFrame } from '../engine-host/backend.ts';
import { colormapRgb, colourRange, OUTCOME_SWATCHES, periodRgb } from '../engine-host/colour.ts';
import { formatTicks, niceTicks } from '../shared/ticks.ts';

/** Legend rows of an outcome map: label, count, colour. */
export function legendRows(
  frame: MapFrame,
): { key: string; label: string; count: number; rgb: readonly number[] }[] {
  const c = frame.counts;
  const rows: { key: string; label: string; count: number; rgb: readonly number[] }[] = [
    { key: 'diverged', label: 'diverged', count: c.diverged, rgb: OUTCOME_SWATCHES.diverged },
    { key: 'escaping', label: 'escaping (growing)', count: c.escaping, rgb: OUTCOME_SWATCHES.escaping },
    { key: 'converged', label: 'converged', count: c.converged, rgb: OUTCOME_SWATCHES.converged },
  ];
  const periods = Object.keys(c.periodic)
    .map(Number)
    .sort((a, b) => a - b);
  for (const p of periods)
    rows.push({
      key: `period-${p}`,
      label: `period ${p}`,
      count: c.periodic[String(p)],
      rgb: periodRgb(p),
    });
  // The chaotic colour runs from dark (λ small) to bright (λ ≥ ln 2); orbits that merely had not
  // settled within the iterations are not called chaotic.
  rows.push({
    key: 'chaotic',
    label: 'chaotic (bounded, λ > 0)',
    count: c.chaotic,
    rgb: OUTCOME_SWATCHES.chaotic,
  });
  rows.push({
    key: 'unsettled',
    label: 'not settled',
    count: c.unsettled,
    rgb: OUTCOME_SWATCHES.unsettled,
  });
  return rows;
}

@customElement('gd-map-legend')
export class MapLegend extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font:
        12px/1.4 system-ui,
        sans-serif;
      min-width: 170px;
    }
    table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    td {
      padding: 1px 4px;
    }
    td.n {
      text-align: right;
    }
    .sw {
      display: inline-block;
      width: 12px;
      height: 12px;
      border: 1px solid #999;
      vertical-align: -2px;
    }
    .bar {
      display: flex;
      gap: 4px;
      margin-top: 8px;
    }
    canvas {
      width: 16px;
      height: 200px;
      border: 1px solid #999;
    }
    .ticks {
      position: relative;
      height: 200px;
      width: 70px;
    }
    .ticks span {
      position: absolute;
      left: 0;
      transform: translateY(-50%);
    }
    .title {
      font-weight: 600;
      margin-bottom: 2px;
    }
  `;

  @property({ attribute: false }) frame: MapFrame | null = null;
  @property({ attribute: false }) colour: ColourSettings | null = null;

  protected override updated(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas || !this.colour) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    canvas.width = 1;
    canvas.height = 200;
    for (let y = 0; y < 200; y++) {
      const [r, g, b] = colormapRgb(this.colour.colormap, 1 - y / 199);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(0, y, 1, 1);
    }
  }

  private colorbar() {
    const f = this.frame;
    const c = this.colour;
    if (!f || !c || c.field === 'outcome') return nothing;
    const range = colourRange(f, c);
    if (!range) return html`<div class="bar">no finite values to colour</div>`;
    const ticks = niceTicks(range[0], range[1], 5);
    const labels = formatTicks(ticks);
    return html`<div class="title">${c.field}${c.log ? ' (log₁₀)' : ''}</div>
      <div class="bar">
        <canvas id="colorbar"></canvas>
        <div class="ticks">
          ${ticks.map(
            (t, k) =>
              html`<span style="top:${(1 - (t - range[0]) / (range[1] - range[0])) * 200}px"
                >${labels[k]}</span
              >`,
          )}
        </div>
      </div>`;
  }

  protected override render() {
    const f = this.frame;
    if (!f)
      return html`<div class="title">outcomes</div>
        <div>computing…</div>`;
    const total = f.width * f.height;
    return html`<div class="title">outcomes${f.coarse ? ' (preview)' : ''}</div>
      <table id="counts">
        ${legendRows(f).map(
          (r) =>
            html`<tr data-key=${r.key}>
              <td><span class="sw" style="background:rgb(${r.rgb.join(',')})"></span></td>
              <td>${r.label}</td>
              <td class="n" data-count=${r.count}>${r.count}</td>
              <td class="n">${((100 * r.count) / total).toFixed(1)}%</td>
            </tr>`,
        )}
      </table>
      ${this.colorbar()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-map-legend': MapLegend;
  }
}
