/**
 * Float64 facts about the double well f = (x² - 1)²/4 that the bifurcation tests hold the engines to,
 * derived here from the map itself rather than quoted: GD is the cubic map F(x) = x + h x (1 - x²),
 * F'(x) = 1 + h (1 - 3x²). An n-cycle loses stability where its multiplier Π F'(xᵢ) crosses -1.
 */
import { expect } from 'vitest';
import type { BifurcationResult } from '../src/core/ensemble.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';

export const F = (h: number, x: number) => x + h * x * (1 - x * x);
export const dF = (h: number, x: number) => 1 + h * (1 - 3 * x * x);

/** The n-cycle through (near) x0 by Newton on Fⁿ(x) - x, with its multiplier. */
export function cycle(h: number, n: number, x0: number): { x: number; mu: number } {
  let x = x0;
  for (let it = 0; it < 100; it++) {
    let y = x;
    let d = 1;
    for (let i = 0; i < n; i++) {
      d *= dF(h, y);
      y = F(h, y);
    }
    const step = (y - x) / (d - 1);
    x -= step;
    if (Math.abs(step) < 1e-15) break;
  }
  let mu = 1;
  let y = x;
  for (let i = 0; i < n; i++) {
    mu *= dF(h, y);
    y = F(h, y);
  }
  return { x, mu };
}

/** A point of the attractor at h: the orbit of 0.5 after many steps. */
export function attractorPoint(h: number, steps = 200_000): number {
  let x = 0.5;
  for (let k = 0; k < steps; k++) x = F(h, x);
  return x;
}

/**
 * Where the n-cycle attracting at h0 doubles: followed by continuation in steps of 1e-4, then
 * bisection of μₙ(h) = -1 to 1e-12.
 */
export function doublingAfter(n: number, h0: number): number {
  let h = h0;
  let x = cycle(h, n, attractorPoint(h)).x;
  for (;;) {
    const next = cycle(h + 1e-4, n, x);
    if (next.mu < -1) break;
    h += 1e-4;
    x = next.x;
  }
  let lo = h;
  let hi = h + 1e-4;
  while (hi - lo > 1e-12) {
    const mid = (lo + hi) / 2;
    const c = cycle(mid, n, x);
    if (c.mu < -1) hi = mid;
    else {
      lo = mid;
      x = c.x;
    }
  }
  return (lo + hi) / 2;
}

/** Largest Lyapunov exponent of the float64 map at h from x0, over `keep` steps after `transient`. */
export function lyapunov(h: number, x0 = 0.5, transient = 2000, keep = 20_000): number {
  let x = x0;
  for (let k = 0; k < transient; k++) x = F(h, x);
  let s = 0;
  for (let k = 0; k < keep; k++) {
    s += Math.log(Math.abs(dF(h, x)));
    x = F(h, x);
  }
  return s / keep;
}

/** The cascade's first three doublings: h₁ = 1 (h·f''(±1) = 2), h₂, h₃, h₄. */
export function cascade(): { h1: number; h2: number; h3: number; h4: number } {
  const h1 = 1;
  const h2 = doublingAfter(2, 1.05);
  const h3 = doublingAfter(4, h2 + 0.01);
  const h4 = doublingAfter(8, h3 + 0.003);
  return { h1, h2, h3, h4 };
}

/** Expected period at h given the doublings, or undefined within `margin` of one (or beyond h₄). */
export function expectedPeriod(h: number, c: ReturnType<typeof cascade>, margin: number): number | undefined {
  const edges = [0, c.h1, c.h2, c.h3, c.h4];
  for (let i = 0; i < 4; i++) if (h > edges[i] + (i ? margin : 0) && h < edges[i + 1] - margin) return 2 ** i;
  return undefined;
}

/**
 * `gdlab bifurcation` flags of a small double-well diagram (8 columns over h ∈ [0.9, 1.3]) that both
 * engines are checked on from the CLI, and the periods its columns must show, left to right.
 */
export const DOUBLE_WELL_CLI = [
  '--objective',
  'double-well',
  '--lr',
  '0.9:1.3',
  '--columns',
  '8',
  '--rows',
  '32',
  '--samples',
  '4',
  '--transient',
  '1000',
  '--keep',
  '100',
  '--x0',
  '0.1:1.4',
];
export const DOUBLE_WELL_CLI_PERIODS = [1, 1, 2, 2, 2, 2, 2, 4];

/** A bifurcation spec of the double well over the given rates, starts spread over [0.1, 1.4]. */
export function doubleWellSpec(over: {
  lr: [number, number];
  columns: number;
  rows?: number;
  samples?: number;
  transient?: number;
  keep?: number;
  range?: [number, number] | null;
  box?: [number, number];
}): ExperimentSpec {
  const transient = over.transient ?? 1000;
  const keep = over.keep ?? 200;
  const box = over.box ?? [0.1, 1.4];
  return parseSpec({
    kind: 'bifurcation',
    objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
    lr: 1,
    x0: [0.5],
    plane: { u: { quantity: 'lr', min: over.lr[0], max: over.lr[1] }, v: { quantity: 'x', min: -2, max: 2 } },
    size: [over.columns, over.rows ?? 64],
    iterations: transient + keep,
    transient,
    ensemble: {
      samples: over.samples ?? 8,
      box: { min: [box[0]], max: [box[1]] },
      keep,
      observable: 'x',
      bins: 64,
      range: over.range ?? null,
    },
  });
}

/**
 * The double well where samples escape: starts beyond about 2 escape at once, above h = 2 every
 * bounded orbit is lost, and the range [-1, 1] cuts off part of the attractor.
 */
export function escapingDoubleWellSpec(columns = 14): ExperimentSpec {
  return doubleWellSpec({
    lr: [1.6, 2.3],
    columns,
    samples: 16,
    keep: 150,
    transient: 300,
    range: [-1, 1],
    box: [0.1, 2.5],
  });
}

/**
 * A diagram of `expr` over rates [lo, hi] in `columns` columns of 16 rows, `samples` starts spread
 * over `box`, 500 + 200 steps, the observable x on an automatic range. The spec's own rate (1) is
 * not read: every column sets its own.
 */
export function diagramSpec(
  expr: string,
  lr: [number, number],
  columns: number,
  samples: number,
  box: [number, number],
): ExperimentSpec {
  return parseSpec({
    kind: 'bifurcation',
    objective: { expr, preset: null, params: {} },
    lr: 1,
    x0: [0.5],
    plane: { u: { quantity: 'lr', min: lr[0], max: lr[1] }, v: { quantity: 'x', min: -2, max: 2 } },
    size: [columns, 16],
    iterations: 700,
    transient: 500,
    ensemble: {
      samples,
      box: { min: [box[0]], max: [box[1]] },
      keep: 200,
      observable: 'x',
      bins: 16,
      range: null,
    },
  });
}

/** Σ density + outside = bounded × K in every column: each kept iterate of a bounded sample once. */
export function expectExactMass(r: BifurcationResult): void {
  const { columns: W, rows: H, keep } = r.plan;
  for (let c = 0; c < W; c++) {
    let sum = r.outside[c];
    for (let row = 0; row < H; row++) sum += r.density[row * W + c];
    expect(sum, `column ${c}`).toBe(r.stats.bounded[c] * keep);
  }
}

/**
 * Two runs of one spec bit for bit alike (a deterministic kernel, however it is cut into dispatches
 * or specialised): range, counts, outside counts and column statistics; and `got`'s mass exact.
 */
export function expectSameEnsemble(got: BifurcationResult, want: BifurcationResult, what = ''): void {
  expect(got.range, what).toEqual(want.range);
  expect(Array.from(got.density), what).toEqual(Array.from(want.density));
  expect(Array.from(got.outside), what).toEqual(Array.from(want.outside));
  expect(got.stats.period, what).toEqual(want.stats.period);
  expect(Array.from(got.stats.bounded), what).toEqual(Array.from(want.stats.bounded));
  expect(Array.from(got.stats.lyapunov), what).toEqual(Array.from(want.stats.lyapunov));
  expectExactMass(got);
}
