/**
 * The numbers behind the optimizer entries of the gallery (optimizer-entries.ts), computed in float64
 * from the entries' own pictures at a size the caller chooses: the CLI's gallery writes them beside
 * each picture, tests/gallery-optimizers.test.ts asserts them.
 */
import { prepareEnsemble, type EnsembleEngine } from '../core/ensemble.ts';
import { Outcome } from '../core/outcome.ts';
import { axisValue } from '../experiment/plane.ts';
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import { runEnsembleCpu } from '../reference/ensemble.ts';
import { runGrid } from '../reference/grid.ts';
import { adamSpec, heavyBallSpec } from './optimizer-entries.ts';

export interface HeavyBallRow {
  beta: number;
  /**
   * The measured edge: midway between the row's first pixel that diverged or is escaping and the one
   * before it (NaN: none).
   */
  edge: number;
  /** Polyak's 2(1 + β). */
  predicted: number;
}

export interface HeavyBallCheck {
  rows: HeavyBallRow[];
  /** One pixel's width in h. */
  step: number;
  /** Largest |edge - 2(1 + β)| over the rows, in pixels. */
  maxErrorPixels: number;
  /** Largest |λ - ½ ln β| over pixels inside (1 - √β)² < h < (1 + √β)², a pixel away from its curves. */
  bandError: number;
  /** Pixels that band check covered. */
  bandPixels: number;
}

/** Heavy ball on x²/2 over (h, β): the edge of convergence per row, and the exponent in the band. */
export function checkHeavyBall(width = 64, height = 32): HeavyBallCheck {
  const spec = parseSpec({ ...heavyBallSpec(), size: [width, height] });
  const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
  const { columns } = runGrid(spec, obj);
  const { u, v } = spec.plane;
  const step = (u.max - u.min) / width;
  const rows: HeavyBallRow[] = [];
  let maxErrorPixels = 0;
  let bandError = 0;
  let bandPixels = 0;
  for (let j = 0; j < height; j++) {
    const beta = axisValue(v, j, height);
    const predicted = 2 * (1 + beta);
    let edge = NaN;
    for (let i = 0; i < width; i++) {
      const o = columns.outcome[j * width + i];
      if (o === Outcome.DIVERGED || o === Outcome.ESCAPING) {
        edge = axisValue(u, i, width) - step / 2;
        break;
      }
    }
    rows.push({ beta, edge, predicted });
    maxErrorPixels = Math.max(maxErrorPixels, Math.abs(edge - predicted) / step);
    const lo = (1 - Math.sqrt(beta)) ** 2;
    const hi = (1 + Math.sqrt(beta)) ** 2;
    for (let i = 0; i < width; i++) {
      const h = axisValue(u, i, width);
      if (h < lo + step || h > hi - step || h > predicted - step) continue;
      bandError = Math.max(bandError, Math.abs(columns.lyapunov[j * width + i] - 0.5 * Math.log(beta)));
      bandPixels++;
    }
  }
  return { rows, step, maxErrorPixels, bandError, bandPixels };
}

export interface AdamColumn {
  h: number;
  diverged: number;
  /** max |x| over the column's kept iterates. */
  envelope: number;
  /** The column's most common period (null: aperiodic orbits win). */
  period: number | null;
  /** The column's class (an Outcome code, ColumnStats.outcome). */
  outcome: number;
  lyapunov: number;
}

export interface AdamCheck {
  columns: AdamColumn[];
  /** Least-squares slope of log envelope against log h, and exp of its intercept (envelope ≈ a·h^slope). */
  slope: number;
  prefactor: number;
  /** Least and largest envelope / h. */
  ratio: [number, number];
}

/**
 * Adam's diagram on x²/2 with `columns` columns of `samples` starts (default: the picture's own, 200 × 8;
 * a smaller ensemble has a smaller maximum, so the claim is measured on the picture): its envelope
 * against h. In float64 unless an `engine` is given (the GPU's float32 in the tests).
 */
export async function checkAdamEnvelope(
  columns = adamSpec.size[0],
  samples = adamSpec.ensemble.samples,
  engine?: EnsembleEngine,
): Promise<AdamCheck> {
  const spec: ExperimentSpec = parseSpec({
    ...adamSpec,
    size: [columns, adamSpec.size[1]],
    ensemble: { ...adamSpec.ensemble, samples },
  });
  const { objective, plan } = prepareEnsemble(spec);
  const r = await (engine
    ? engine.runEnsemble(spec, objective, plan)
    : runEnsembleCpu(spec, objective, plan));
  const out: AdamColumn[] = [];
  for (let c = 0; c < columns; c++)
    out.push({
      h: plan.values[c],
      diverged: r.stats.diverged[c],
      envelope: Math.max(Math.abs(r.stats.min[c]), Math.abs(r.stats.max[c])),
      period: r.stats.period[c],
      outcome: r.stats.outcome[c],
      lyapunov: r.stats.lyapunov[c],
    });
  const xs = out.map((c) => Math.log(c.h));
  const ys = out.map((c) => Math.log(c.envelope));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  const slope = sxy / sxx;
  const ratios = out.map((c) => c.envelope / c.h);
  return {
    columns: out,
    slope,
    prefactor: Math.exp(my - slope * mx),
    ratio: [Math.min(...ratios), Math.max(...ratios)],
  };
}

/** The numbers of an optimizer entry, by id (undefined for other entries). */
export const OPTIMIZER_NUMBERS: Record<string, () => Promise<unknown>> = {
  'heavy-ball': async () => checkHeavyBall(),
  'adam-bursts': () => checkAdamEnvelope(),
};
