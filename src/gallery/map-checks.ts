/**
 * The numbers behind what the basin maps of gallery entries show (src/gallery/entries.ts), computed in
 * float64 by the reference engine on the entry's own map at a size the caller chooses: where a text
 * says what its picture shows, tests/gallery.test.ts asserts it here.
 */
import { Outcome } from '../core/outcome.ts';
import { type RecordColumns } from '../core/records.ts';
import { axisValue } from '../experiment/plane.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import { runGrid } from '../reference/grid.ts';
import { resized } from './checks.ts';
import { getGalleryEntry } from './entries.ts';

/** An entry's map at width × height, with the h (u) and start (v) of each pixel. */
function entryMap(id: string, width: number, height: number) {
  const e = getGalleryEntry(id);
  if (!e) throw new Error(`no gallery entry '${id}'`);
  const spec: ExperimentSpec = resized(e.spec, { size: [width, height] });
  const obj = compileObjective({
    expr: spec.objective.expr,
    params: spec.objective.params,
    observables: spec.observables,
  });
  const { columns }: { columns: RecordColumns } = runGrid(spec, obj);
  const u = (k: number) => axisValue(spec.plane.u, k % width, width);
  const v = (k: number) => axisValue(spec.plane.v, Math.floor(k / width), height);
  return { spec, columns, u, v, n: width * height };
}

export interface RegimeRow {
  h: number;
  /** Pixels of the row (starts x₀) by outcome. */
  counts: Partial<Record<Outcome, number>>;
  /** Least escape iteration among the row's diverged pixels (Infinity: none diverged). */
  firstEscape: number;
}

/** The regimes entry's map (x₀ across, h up): the outcomes of each row of learning rate. */
export function checkRegimesMap(width = 16, height = 128): RegimeRow[] {
  const { spec, columns } = entryMap('regimes', width, height);
  return Array.from({ length: height }, (_, j) => {
    const row: RegimeRow = { h: axisValue(spec.plane.v, j, height), counts: {}, firstEscape: Infinity };
    for (let i = 0; i < width; i++) {
      const k = j * width + i;
      const o = columns.outcome[k] as Outcome;
      row.counts[o] = (row.counts[o] ?? 0) + 1;
      if (o === Outcome.DIVERGED) row.firstEscape = Math.min(row.firstEscape, columns.iter[k]);
    }
    return row;
  });
}

/**
 * The balancing entry's map: pixels converged, diverged, and the largest excess of a converged
 * pixel's |x∞ - y∞| over √(2/h - 2) (negative: every one within the bound).
 */
export function checkBalanceMap(
  width = 64,
  height = 32,
): { converged: number; diverged: number; excess: number } {
  const { columns, u, n } = entryMap('balancing', width, height);
  let converged = 0;
  let diverged = 0;
  let excess = -Infinity;
  for (let k = 0; k < n; k++) {
    if (columns.outcome[k] === Outcome.DIVERGED) diverged++;
    if (columns.outcome[k] !== Outcome.CONVERGED) continue;
    converged++;
    excess = Math.max(excess, columns.obs0[k] - Math.sqrt(2 / u(k) - 2));
  }
  return { converged, diverged, excess };
}

export interface EosMap {
  /** Largest |s - min(2/h, flow limit of x₀)| / min(…) over the pixels that converged. */
  worst: number;
  converged: number;
  diverged: number;
  /** Least h and least x₀ among diverged pixels (Infinity: none). */
  minDivergedH: number;
  minDivergedX0: number;
}

/** The edge-of-stability entry's map: its final sharpness against 2/h or the flow's limit. */
export function checkEosMap(width = 64, height = 32): EosMap {
  const { spec, columns, u, v, n } = entryMap('edge-of-stability', width, height);
  const y0 = spec.x0[1];
  const out: EosMap = {
    worst: 0,
    converged: 0,
    diverged: 0,
    minDivergedH: Infinity,
    minDivergedX0: Infinity,
  };
  for (let k = 0; k < n; k++) {
    const [h, x0] = [u(k), v(k)];
    if (columns.outcome[k] === Outcome.DIVERGED) {
      out.diverged++;
      out.minDivergedH = Math.min(out.minDivergedH, h);
      out.minDivergedX0 = Math.min(out.minDivergedX0, x0);
    } else if (columns.outcome[k] === Outcome.CONVERGED) {
      out.converged++;
      const target = Math.min(2 / h, 2 * Math.sqrt((x0 * x0 - y0 * y0) ** 2 + 4));
      out.worst = Math.max(out.worst, Math.abs(columns.sharpness[k] - target) / target);
    }
  }
  return out;
}
