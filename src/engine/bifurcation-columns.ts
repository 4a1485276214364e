/**
 * The column statistics of a GPU ensemble run from the ColumnWords its `reduce_columns` left
 * (COLUMN_FIELDS of src/engine/bifurcation-layout.ts), as the readback brings them.
 */
import { emptyColumnStats, type ColumnStats, type EnsemblePlan } from '../core/ensemble.ts';
import { COLUMN_FIELDS } from './bifurcation-layout.ts';
import { keyF32 } from './stats.ts';

/** Word offset of each ColumnWords field (all are one word). */
const COLUMN = Object.fromEntries(COLUMN_FIELDS.map(([name], i) => [name, i])) as Record<
  (typeof COLUMN_FIELDS)[number][0],
  number
>;

/** ColumnStats from the ColumnWords the GPU reduced. */
export function columnStats(plan: EnsemblePlan, words: Uint32Array, floats: Float32Array): ColumnStats {
  const W = plan.columns;
  const n = COLUMN_FIELDS.length;
  const stats = emptyColumnStats(W);
  for (let c = 0; c < W; c++) {
    const at = c * n;
    const bounded = words[at + COLUMN.bounded];
    stats.bounded[c] = bounded;
    stats.diverged[c] = (plan.samples - bounded) / plan.samples;
    stats.period[c] = words[at + COLUMN.period] || null;
    stats.outcome[c] = words[at + COLUMN.outcome];
    stats.lyapunov[c] = bounded && plan.classify.lyapunov ? floats[at + COLUMN.lyapunov] : NaN;
    stats.min[c] = bounded ? floats[at + COLUMN.lo] : NaN;
    stats.max[c] = bounded ? floats[at + COLUMN.hi] : NaN;
    stats.rangeMin[c] = keyValue(words[at + COLUMN.range_lo], Infinity);
    stats.rangeMax[c] = keyValue(words[at + COLUMN.range_hi], -Infinity);
  }
  return stats;
}

/** The f32 of an order key of shaders/ensemble.wgsl, `none` for the sentinel an empty min or max leaves. */
function keyValue(k: number, none: number): number {
  return k === (none > 0 ? 0xffffffff : 0) ? none : keyF32(k);
}
