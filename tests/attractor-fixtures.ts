/**
 * Attractor specs of the tests: the coupled double wells ((x² - 1)² + (y² - 1)²)/4 + c(x - y)²/2 at
 * c = 0.1, where h = 1.4 puts starts near the in-phase diagonal on a strange attractor (λ ≈ 0.44) and
 * the others on the period-2 orbit (0.711, -0.711) ↔ (1.004, -1.004) around an anti-phase minimum.
 */
import { expect } from 'vitest';
import type { BifurcationResult } from '../src/core/ensemble.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';

export const COUPLED = '((x^2 - 1)^2 + (y^2 - 1)^2)/4 + c*(x - y)^2/2';

export interface AttractorOptions {
  lr?: number;
  bins?: [number, number];
  samples?: number;
  transient?: number;
  keep?: number;
  box?: [number, number, number, number];
  u?: string;
  v?: string;
  uRange?: [number, number] | null;
  vRange?: [number, number] | null;
  lyapunov?: boolean;
}

export function coupledSpec(o: AttractorOptions = {}): ExperimentSpec {
  const [x0, x1, y0, y1] = o.box ?? [0.3, 1.2, 0.3, 1.2];
  const keep = o.keep ?? 400;
  const transient = o.transient ?? 300;
  return parseSpec({
    kind: 'attractor',
    objective: { expr: COUPLED, preset: null, params: { c: 0.1 } },
    lr: o.lr ?? 1.4,
    x0: [(x0 + x1) / 2, (y0 + y1) / 2],
    size: o.bins ?? [64, 64],
    transient,
    iterations: transient + keep,
    classify: { maxPeriod: 16, tol: 1e-4, lyapunov: o.lyapunov ?? true },
    ensemble: {
      samples: o.samples ?? 300,
      box: { min: [x0, y0], max: [x1, y1] },
      keep,
      observable: 'x',
      bins: 100,
      range: null,
    },
    attractor: { u: o.u ?? 'x', v: o.v ?? 'y', uRange: o.uRange ?? null, vRange: o.vRange ?? null },
  });
}

/** Σ cells + outside = bounded samples × keep, exactly (src/core/attractor.ts). */
export function expectConserved(r: BifurcationResult): void {
  const sum = r.density.reduce((s, v) => s + v, 0) + r.outside[0];
  expect(sum).toBe(r.stats.bounded[0] * r.plan.keep);
}

/** Counts pooled into p × p blocks of cells, as fractions of all counts in cells. */
export function pooledCells(r: BifurcationResult, p: number): number[] {
  const { width: W, height: H } = r.plan.pair!;
  const out = new Array<number>(p * p).fill(0);
  let total = 0;
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const n = r.density[j * W + i];
      out[Math.floor((j * p) / H) * p + Math.floor((i * p) / W)] += n;
      total += n;
    }
  return out.map((v) => v / total);
}

/** The occupied cells (i, j) of a result. */
export function occupied(r: BifurcationResult): [number, number][] {
  const { width: W } = r.plan.pair!;
  const out: [number, number][] = [];
  r.density.forEach((n, k) => {
    if (n > 0) out.push([k % W, Math.floor(k / W)]);
  });
  return out;
}
