/**
 * The words around a bifurcation diagram: the hover readout of a column, the legend (what the shade
 * means, the overlay lines, the engine), the period numbers written over the period strip, and the
 * diagram's text alternative. Template and pure functions of the result on screen.
 */
import { html, nothing, svg } from 'lit';
import type { BifurcationResult } from '../../core/ensemble.ts';
import { Outcome } from '../../core/outcome.ts';
import type { BifurcationReadout } from '../../engine/bifurcation-render.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { appendText, quantityRuns, type CanvasLabel } from '../shared/canvas-text.ts';
import { formatNumber, quantityWords } from '../shared/labels.ts';
import { readoutMarkup } from '../shared/quantity-markup.ts';
import { formatValue } from '../shared/ticks.ts';
import { planeToScreen, type Size, type View } from '../shared/view.ts';
import type { EnsembleOverlays } from './overlays.ts';

/** A column's fate in words: its outcome (ColumnStats.outcome), with the period where it has one. */
export function columnFate(o: Pick<BifurcationReadout, 'period' | 'outcome'>): string {
  switch (o.outcome) {
    case Outcome.DIVERGED:
      return 'all diverged';
    case Outcome.CONVERGED:
      return 'converged';
    case Outcome.PERIODIC:
      return `period ${o.period}`;
    case Outcome.CHAOTIC:
      return 'chaotic';
    case Outcome.ESCAPING:
      return 'escaping (growing, not yet diverged)';
    default:
      return 'not settled';
  }
}

export function readout(
  hover: { readout: BifurcationReadout | null; value: number } | null,
  r: BifurcationResult | null,
  hint: string,
) {
  if (!hover || !hover.readout || !r) return html`<div class="readout hint">${hint}</div>`;
  const o = hover.readout;
  const parts = readoutParts(o, hover.value, r.spec);
  return html`<div class="readout" data-column=${o.column}>${readoutMarkup(parts)}</div>`;
}

/**
 * The readout of a column in words. Its λ is the mean over the column's bounded starts
 * (ColumnStats.lyapunov), so it says so; a column with none bounded (or run without exponents)
 * has no mean, and shows none rather than NaN. A swept rate of one coordinate is runs, shown as
 * h<sub>x</sub> (readoutMarkup), not "h_x".
 */
export function readoutParts(
  o: BifurcationReadout,
  value: number,
  spec: Pick<ExperimentSpec, 'plane' | 'ensemble'>,
): CanvasLabel[] {
  return [
    appendText(quantityRuns(spec.plane.u.quantity), ` = ${formatValue(o.u, 6)}`),
    `${spec.ensemble.observable} = ${formatValue(value, 5)}`,
    columnFate(o),
    `diverged ${(100 * o.diverged).toFixed(0)}%`,
    ...(Number.isNaN(o.lyapunov) ? [] : [`mean λ = ${formatValue(o.lyapunov)}`]),
    `count ${o.count}`,
  ];
}

/**
 * Runs of equal period in the strip, labelled with the period where the run is wide enough to hold
 * its number: colours alone cannot tell sixty periods apart.
 */
export function stripLabels(r: BifurcationResult, shown: View, size: Size, y: number) {
  const out = [];
  const { values } = r.plan;
  const period = r.stats.period;
  const x = (c: number) => planeToScreen(shown, size, c, 0)[0];
  const du = values.length > 1 ? values[1] - values[0] : 1;
  let start = 0;
  for (let c = 1; c <= period.length; c++) {
    if (c < period.length && period[c] === period[start]) continue;
    const p = period[start];
    const x0 = x(values[start] - du / 2);
    const x1 = x(values[c - 1] + du / 2);
    const mid = (Math.max(0, x0) + Math.min(size.width, x1)) / 2;
    if (p !== null && x1 - x0 >= 12 && mid > 4 && mid < size.width - 4)
      out.push(
        svg`<text class="strip-number" x=${mid} y=${y} text-anchor="middle" data-period=${p}>${p}</text>`,
      );
    start = c;
  }
  return out;
}

export function legend(
  r: BifurcationResult | null,
  ov: EnsembleOverlays | null,
  showOverlays: boolean,
  toggle: (on: boolean) => void,
) {
  const where = r ? (r.info.kind === 'gpu' ? `GPU (${r.info.adapter}), f32` : 'CPU, float64') : '';
  const thresholds = ov?.sweepsLr ? ov.points.filter((p) => p.threshold !== null) : [];
  const uniq = [...new Set(thresholds.map((p) => formatValue(p.threshold!, 5)))];
  const obs = r?.spec.ensemble.observable ?? '';
  const beyond = r ? outsideAutoRange(r) : 0;
  return html`<div class="legend">
    <span
      >shade: how often the long-run ${obs} visits each cell (log scale); strips: share of diverged starts
      (cream: none, black: all), and each column's class: its most common period (numbered), or chaotic,
      escaping or not settled</span
    >
    ${
      ov
        ? html`<label
            ><input
              type="checkbox"
              id="overlays"
              .checked=${showOverlays}
              @change=${(e: Event) => toggle((e.target as HTMLInputElement).checked)}
            />
            overlays</label
          >`
        : nothing
    }
    ${
      uniq.length
        ? html`<span
            ><span class="key" style="border-top:2px dashed #ff5a4a"></span>h = 2/λmax at
            ${ov!.method === 'sampled' ? 'minimizers found from the starts' : 'each minimizer'}:
            ${uniq.slice(0, 4).join(', ')}${uniq.length > 4 ? ' …' : ''}</span
          >`
        : nothing
    }
    ${
      ov && ov.points.length
        ? html`<span
            ><span class="key" style="border-top:2px dotted #2a9fd6"></span>fixed points
            (${ov.points.filter((p) => p.kind === 'minimum').length}
            minima${ov.points.some((p) => p.kind !== 'minimum') ? ', grey: maxima' : ''})</span
          >`
        : nothing
    }
    ${
      beyond
        ? html`<span id="outside-note"
            >${beyond} long-run ${beyond === 1 ? 'iterate lies' : 'iterates lie'} outside the vertical range,
            which spans those of the starts that are not escaping</span
          >`
        : nothing
    }
    ${
      r
        ? html`<span id="engine"
            >${r.plan.columns}×${r.plan.rows} · ${r.plan.samples} samples · ${(r.ms / 1000).toFixed(2)} s on
            ${where}</span
          >`
        : nothing
    }
  </div>`;
}

/**
 * Kept iterates outside an automatic vertical range (0 for a fixed one, which a zoom sets): those of
 * escaping starts, which chooseRange leaves out, and any that are not finite.
 */
export function outsideAutoRange(r: BifurcationResult): number {
  return r.plan.range ? 0 : r.outside.reduce((a, b) => a + b, 0);
}

/**
 * The diagram's text alternative: what it plots and the periods found along the sweep. An
 * aria-label holds text only and is read aloud, so a swept rate of one coordinate is in words
 * (quantityWords: "rate of x"), as the map's is, where quantityLabel's "h_x" said "h underscore x".
 */
export function diagramDescription(spec: ExperimentSpec, r: BifurcationResult | null): string {
  const u = spec.plane.u;
  const span = u.max - u.min;
  const head = `Bifurcation diagram of f = ${spec.objective.expr}: long-run ${spec.ensemble.observable} against ${quantityWords(u.quantity)} from ${formatNumber(u.min, span)} to ${formatNumber(u.max, span)}.`;
  if (!r) return `${head} Computing.`;
  const runs: string[] = [];
  let last: string | undefined;
  r.stats.period.forEach((period, c) => {
    const fate = columnFate({ period, outcome: r.stats.outcome[c] as Outcome });
    if (fate === last) return;
    last = fate;
    runs.push(`${fate} from ${formatNumber(r.plan.values[c], span, 4)}`);
  });
  return `${head} ${runs.slice(0, 12).join(', ')}${runs.length > 12 ? ', …' : ''}.`;
}
