/**
 * The density view's chart as pure geometry (bars, the Gibbs curve, axis ticks) shared by the SVG on
 * screen and the PNG export, so both show the same picture.
 */
import type { DensityReport } from '../../core/density.ts';
import type { EngineInfo } from '../../core/engine.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { engineTag, formatNumber, rateText } from '../shared/labels.ts';
import { formatTicks, niceTicks } from '../shared/ticks.ts';

export interface ChartBox {
  width: number;
  height: number;
}

export interface DensityGeometry {
  /** One rectangle per bin with counts, in chart pixels (y down). */
  bars: { x: number; y: number; w: number; h: number }[];
  /** The Gibbs prediction at bin centres as a polyline; empty without one. */
  gibbs: [number, number][];
  /** Ticks along the observable and along the density. */
  xTicks: { at: number; label: string }[];
  yTicks: { at: number; label: string }[];
  /** Top of the density axis. */
  top: number;
}

/** Bars and curve of a density report in a chart of `box` pixels. */
export function densityGeometry(r: DensityReport, box: ChartBox): DensityGeometry {
  const lo = r.edges[0];
  const hi = r.edges[r.edges.length - 1];
  const top = 1.08 * Math.max(1e-300, ...r.density, ...(r.gibbs ?? []));
  const x = (v: number) => ((v - lo) / (hi - lo)) * box.width;
  const y = (d: number) => box.height - (d / top) * box.height;
  const bars = r.density.flatMap((d, i) =>
    d > 0 ? [{ x: x(r.edges[i]), y: y(d), w: x(r.edges[i + 1]) - x(r.edges[i]), h: box.height - y(d) }] : [],
  );
  const gibbs = (r.gibbs ?? []).map(
    (g, i) => [x((r.edges[i] + r.edges[i + 1]) / 2), y(g)] as [number, number],
  );
  const xt = niceTicks(lo, hi, Math.max(3, Math.round(box.width / 90)));
  const yt = niceTicks(0, top, Math.max(3, Math.round(box.height / 60)));
  const xl = formatTicks(xt);
  const yl = formatTicks(yt);
  return {
    bars,
    gibbs,
    xTicks: xt.map((t, k) => ({ at: x(t), label: xl[k] })),
    yTicks: yt.map((t, k) => ({ at: y(t), label: yl[k] })),
    top,
  };
}

/** One line under the chart: what was counted and how far it is from the prediction. */
export function densitySummary(r: DensityReport): string {
  const parts = [
    `${r.bounded} of ${r.samples} trajectories bounded`,
    `${r.counts.reduce((a, b) => a + b, 0)} iterates in range, ${r.outside} outside`,
  ];
  if (r.T !== null) parts.push(`T = ${r.T.toPrecision(4)}`);
  if (r.l1 !== null) parts.push(`L1(histogram, Gibbs) = ${r.l1.toFixed(4)}`);
  return parts.join(' · ');
}

/**
 * The exported chart's footer: what the lab shows around the chart on screen (the rate, the
 * parameters T depends on, the key to the curve, the engine and precision), which a PNG on its own
 * would otherwise lose.
 */
export function densityFooter(
  r: Pick<DensityReport, 'gibbs'>,
  spec: Pick<ExperimentSpec, 'objective' | 'lr' | 'lrPerCoord' | 'transient' | 'ensemble'>,
  info: EngineInfo,
): string {
  const params = Object.entries(spec.objective.params).map(([k, v]) => `${k} = ${formatNumber(v)}`);
  const where = engineTag(info);
  return [
    `gdlab · f = ${spec.objective.expr}${params.length ? ` (${params.join(', ')})` : ''}`,
    `h = ${rateText(spec)}`,
    `${spec.ensemble.samples} starts × (${spec.transient} + ${spec.ensemble.keep}) steps`,
    ...(r.gibbs ? ['red: Gibbs Z⁻¹exp(−f₀/T)'] : []),
    where,
  ].join(' · ');
}
