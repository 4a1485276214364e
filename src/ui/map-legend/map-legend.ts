/**
 * <gd-map-legend>: what the map's colours mean. Coloured by outcome: each class with its count and
 * share, the shaded classes with their ramp and what the shade means (escape step, λ), periods with
 * numbered swatches. Coloured by a field: that field's colour bar, titled in words, with its range
 * and the colour of pixels that have no value; the outcome list does not apply and is not shown.
 */
import { Task, TaskStatus } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { needsDataRange } from '../../colormaps.ts';
import { OUTCOME_PALETTE } from '../../palette.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { ColourSettings, MapFrame } from '../engine-host/backend.ts';
import { colormapRgb, colourRange, OUTCOME_SWATCHES, periodRgb } from '../engine-host/colour.ts';
import { fieldLabel, formatNumber } from '../shared/labels.ts';
import { compileSpec, varsOf } from '../shared/objective.ts';
import { divergenceHint } from './divergence-hint.ts';
import { escapingNote } from './escaping-note.ts';
import { formatTicks, logTicks, niceTicks } from '../shared/ticks.ts';

export interface LegendRow {
  key: string;
  label: string;
  count: number;
  rgb: readonly number[];
  /** The other end of a shaded class's ramp. */
  to?: readonly number[];
  /** What the shade means. */
  shade?: string;
  /** Written in the swatch (a period's number). */
  mark?: string;
}

const css_ = (c: readonly number[]) => `rgb(${c.join(',')})`;

/** Legend rows of an outcome map: label, count, colour, in the order of the classes. */
export function legendRows(frame: MapFrame): LegendRow[] {
  const c = frame.counts;
  const P = OUTCOME_PALETTE;
  const rows: LegendRow[] = [
    {
      key: 'diverged',
      label: 'diverged',
      count: c.diverged,
      rgb: P.diverged[0],
      to: P.diverged[1],
      shade: 'shade: the step it left the radius, dark = early',
    },
    {
      key: 'escaping',
      label: 'escaping (growing, not yet past the radius)',
      count: c.escaping,
      rgb: OUTCOME_SWATCHES.escaping,
    },
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
      mark: String(p),
    });
  // The class is λ above the spec's threshold θ, not above 0: a bounded orbit with 0 < λ ≤ θ is not settled.
  rows.push({
    key: 'chaotic',
    label: `chaotic (bounded, λ > ${formatNumber(frame.spec.classify.chaosThreshold)})`,
    count: c.chaotic,
    rgb: P.chaotic[0],
    to: P.chaotic[1],
    shade: `shade: λ from 0 (dark) to ${formatNumber(Math.LN2, undefined, 3)} = ln 2 and above (bright)`,
  });
  rows.push({
    key: 'unsettled',
    label: 'not settled (neither a cycle nor chaos within the steps)',
    count: c.unsettled,
    rgb: OUTCOME_SWATCHES.unsettled,
  });
  return rows;
}

/** Black or white, whichever reads on the colour. */
function ink(c: readonly number[]): string {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] > 140 ? '#000' : '#fff';
}

@customElement('gd-map-legend')
export class MapLegend extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font:
        12px/1.4 system-ui,
        sans-serif;
    }
    table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    td {
      padding: 1px 4px;
      vertical-align: top;
    }
    td.n {
      text-align: right;
    }
    .sw {
      display: inline-block;
      box-sizing: border-box;
      min-width: 20px;
      height: 15px;
      border: 1px solid #999;
      font-size: 10px;
      font-weight: 600;
      line-height: 13px;
      text-align: center;
    }
    .shade {
      display: block;
      color: #555;
      font-size: 11px;
    }
    .bar {
      display: flex;
      gap: 4px;
      margin-top: 6px;
    }
    canvas {
      width: 16px;
      height: 200px;
      border: 1px solid #999;
    }
    .ticks {
      position: relative;
      height: 200px;
      width: 90px;
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
    .hint {
      margin: 6px 0 0;
      max-width: 24em;
      color: #555;
    }
  `;

  @property({ attribute: false }) frame: MapFrame | null = null;
  @property({ attribute: false }) colour: ColourSettings | null = null;
  /** The spec on screen (for the words of a field: an observable's expression, a coordinate's name). */
  @property({ attribute: false }) spec: ExperimentSpec | null = null;

  /**
   * The frame's value ranges where a continuous field colours a frame that was coloured by outcome
   * until now: reduced on demand (on the GPU), as a task of the frame and the colour rather than a
   * side effect of render; the legend renders again when they come.
   */
  private readonly ranges = new Task(this, {
    task: ([f, c]) => (f && c && !f.ranges && needsDataRange(c) ? f.ensureRanges() : Promise.resolve(null)),
    args: () => [this.frame, this.colour] as const,
  });

  /** The bar canvas and colormap last painted: a legend updates with every count, the bar seldom. */
  private painted: { canvas: HTMLCanvasElement; colormap: string } | null = null;

  protected override updated(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas || !this.colour) return;
    const { colormap } = this.colour;
    if (this.painted?.canvas === canvas && this.painted.colormap === colormap) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    this.painted = { canvas, colormap };
    canvas.width = 1;
    canvas.height = 200;
    for (let y = 0; y < 200; y++) {
      const [r, g, b] = colormapRgb(colormap, 1 - y / 199);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(0, y, 1, 1);
    }
  }

  /** The colour bar of a continuous field. */
  private colorbar(f: MapFrame, c: ColourSettings) {
    const spec = this.spec ?? f.spec;
    const vars = varsOf(spec);
    const title = `${fieldLabel(c.field, spec, vars)}${c.log ? ', log scale' : ''}`;
    if (!f.ranges && needsDataRange(c)) {
      const failed = this.ranges.status === TaskStatus.ERROR;
      return html`<div class="title" id="colorbar-title">${title}</div>
        <div id="colorbar-pending">
          ${failed ? `the range could not be found: ${(this.ranges.error as Error).message}` : 'finding the range…'}
        </div>`;
    }
    const range = colourRange(f, c);
    if (!range)
      return html`<div class="title" id="colorbar-title">${title}</div>
        <div>no finite values to colour</div>`;
    const marks = c.log
      ? logTicks(range[0], range[1])
      : (() => {
          const t = niceTicks(range[0], range[1], 5);
          const l = formatTicks(t);
          return t.map((at, k) => ({ at, label: l[k] }));
        })();
    const labels = marks.map((m) => m.label);
    const note = escapingNote(f.counts, c.field, needsDataRange(c));
    const none =
      c.field === 'escape' ? 'bounded (no escape)' : c.field === 'period' ? 'no period' : 'no value';
    return html`<div class="title" id="colorbar-title">${title}${f.coarse ? ' (preview)' : ''}</div>
      <div class="bar" role="img" aria-label="colour bar from ${labels[0]} to ${labels[labels.length - 1]}">
        <canvas id="colorbar"></canvas>
        <div class="ticks">
          ${marks.map(
            (m) =>
              html`<span style="top:${(1 - (m.at - range[0]) / (range[1] - range[0])) * 200}px"
                >${m.label}</span
              >`,
          )}
        </div>
      </div>
      <div><span class="sw" style="background:${css_(OUTCOME_PALETTE.nan)}"></span> ${none}</div>
      ${note ? html`<p class="hint" id="escaping-note">${note}</p>` : nothing}`;
  }

  protected override render() {
    const f = this.frame;
    const c = this.colour;
    if (!f)
      return html`<div class="title">outcomes</div>
        <div>computing…</div>`;
    if (c && c.field !== 'outcome') return this.colorbar(f, c);
    const total = f.width * f.height;
    const hint = this.hint(f, total);
    return html`<div class="title">outcomes${f.coarse ? ' (preview)' : ''}</div>
      <table id="counts">
        ${legendRows(f).map(
          (r) =>
            html`<tr data-key=${r.key}>
              <td>
                <span
                  class="sw"
                  style="background:${r.to ? `linear-gradient(90deg, ${css_(r.rgb)}, ${css_(r.to)})` : css_(r.rgb)};color:${ink(r.rgb)}"
                  >${r.mark ?? ''}</span
                >
              </td>
              <td>${r.label}${r.shade ? html`<span class="shade">${r.shade}</span>` : nothing}</td>
              <td class="n" data-count=${r.count}>${r.count}</td>
              <td class="n">${((100 * r.count) / total).toFixed(1)}%</td>
            </tr>`,
        )}
      </table>
      ${hint ? html`<p class="hint" id="divergence-hint">${hint}</p>` : nothing}`;
  }

  /** Why (nearly) every start diverged, where that is so (divergence-hint.ts): once per frame. */
  private hint(f: MapFrame, total: number): string | null {
    let h = this.hints.get(f);
    if (h === undefined) {
      try {
        h = divergenceHint(f.spec, compileSpec(f.spec), f.counts.diverged, total);
      } catch {
        // The frame's spec was compiled to be computed; a hint is not worth an error of its own.
        h = null;
      }
      this.hints.set(f, h);
    }
    return h;
  }

  /** The hint of each frame shown (a descent to a minimum takes milliseconds; renders are many). */
  private readonly hints = new WeakMap<MapFrame, string | null>();
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-map-legend': MapLegend;
  }
}
