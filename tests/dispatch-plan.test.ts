/**
 * How runs are cut into dispatches and submits (src/engine/dispatch-plan.ts, with the cost model of
 * cost-model.ts and the heavy steps of kernel-variant.ts): the parts of a run follow the definition's
 * bounds, every pixel runs every iteration exactly once and in order, each dispatch is predicted
 * under its target, and the cost model recovers a simulated device.
 */
import { describe, expect, it } from 'vitest';
import { CostModel, fitCost, REFERENCE_STEP_WEIGHT } from '../src/engine/cost-model.ts';
import {
  batchDispatches,
  dispatchCost,
  phaseSegments,
  planDispatches,
  SHORT_RUN,
  type Dispatch,
} from '../src/engine/dispatch-plan.ts';
import { forStep, HEAVY_STEP_NODES, kernelVariant } from '../src/engine/kernel-variant.ts';
import { stepNodes } from '../src/engine/basin-pass.ts';
import { guessCost } from '../src/engine/engine-options.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { networkSpec } from '../src/gallery/attractor-entries.ts';
import { ensembleGroups, planEnsembleDispatches } from '../src/engine/bifurcation-plan.ts';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { doubleWellSpec } from './bifurcation-fixtures.ts';

const opts = { targetMs: 100, minBlock: 4096, granule: 64, maxBlock: 1 << 20 };

/** Every pixel of the tiles ran 0 … n - 1 once, in order, each part by its entry point. */
function expectCovered(dispatches: Dispatch[], tiles: { p0: number; count: number }[], n: number) {
  const size = tiles.reduce((m, t) => Math.max(m, t.p0 + t.count), 0);
  const next = new Int32Array(size).fill(-1);
  for (const t of tiles) next.fill(0, t.p0, t.p0 + t.count);
  let wrong = 0;
  for (const d of dispatches)
    for (let p = d.p0; p < d.p0 + d.count; p++) {
      if (next[p] !== d.k0) wrong++;
      next[p] = d.k1;
    }
  expect(wrong).toBe(0);
  expect(next.every((k) => k === n || k === -1)).toBe(true);
  expect(next.filter((k) => k === n).length).toBe(tiles.reduce((s, t) => s + t.count, 0));
}

const largest = (ds: Dispatch[]) => ds.reduce((m, d) => Math.max(m, d.count), 0);

describe('phaseSegments', () => {
  it('cuts a run at W0, T, M and M + H up to the checkpoint N - P, then the tail; a short run not at all', () => {
    // The tangent's warm-up W0 = T - 64 … T (rule 4) is a part of its own with the exponent on.
    expect(phaseSegments(1000, 500, 16, true)).toEqual([
      { k0: 0, k1: 436, phase: 'plain' },
      { k0: 436, k1: 500, phase: 'warm' },
      { k0: 500, k1: 750, phase: 'growth1' },
      { k0: 750, k1: 984, phase: 'growth2' },
      { k0: 984, k1: 1000, phase: 'tail' },
    ]);
    expect(phaseSegments(1000, 500, 16, false).map((s) => [s.phase, s.k0, s.k1])).toEqual([
      ['plain', 0, 500],
      ['growth1', 500, 750],
      ['growth2', 750, 984],
      ['tail', 984, 1000],
    ]);
    // A transient shorter than the warm-up warms up from 0; T ≥ N computes no exponent, so no warm-up.
    expect(phaseSegments(1000, 40, 16, true)[0]).toEqual({ k0: 0, k1: 40, phase: 'warm' });
    expect(phaseSegments(1000, 1000, 16, true).map((s) => s.phase)).toEqual(['plain', 'tail']);
    // An odd window's last step, and the window's halves themselves, may fall into the tail.
    expect(phaseSegments(1001, 0, 1, true).map((s) => s.phase)).toEqual(['growth1', 'growth2', 'tail']);
    // The warm-up, too, may be cut by the checkpoint.
    expect(phaseSegments(300, 290, 64, true)).toEqual([
      { k0: 0, k1: 226, phase: 'plain' },
      { k0: 226, k1: 236, phase: 'warm' },
      { k0: 236, k1: 300, phase: 'tail' },
    ]);
    expect(phaseSegments(SHORT_RUN, 60, 16, true)).toEqual([{ k0: 0, k1: SHORT_RUN, phase: 'mixed' }]);
    for (const [n, t, p] of [
      [129, 0, 1],
      [500, 499, 499],
      [4000, 1234, 64],
      [4000, 30, 64],
    ])
      for (const lyapunov of [false, true]) {
        const s = phaseSegments(n, t, p, lyapunov);
        expect(s[0].k0).toBe(0);
        expect(s.at(-1)!.k1).toBe(n);
        for (let i = 1; i < s.length; i++) expect(s[i].k0).toBe(s[i - 1].k1);
      }
  });
});

describe('planDispatches', () => {
  const tiles = [
    { p0: 0, count: 1024 * 600 },
    { p0: 1024 * 600, count: 1024 * 424 },
  ];
  const segments = phaseSegments(1000, 500, 16, true);

  it('on a fast device runs a tile in one dispatch of the fused kernel, with no state', () => {
    const gpu = { a: 4, b: 0.01 };
    const plan = planDispatches(tiles, segments, gpu, opts);
    expect(plan.dispatches.map((d) => [d.phase, d.p0, d.count, d.k0, d.k1])).toEqual([
      ['mixed', 0, 1024 * 600, 0, 1000],
      ['mixed', 1024 * 600, 1024 * 424, 0, 1000],
    ]);
    expect(plan.statePixels).toBe(0);
    expectCovered(plan.dispatches, tiles, 1000);
  });

  it('on a slow device splits pixels first, and keeps every dispatch under the target', () => {
    const cpu = { a: 400, b: 8 };
    const plan = planDispatches(tiles, segments, cpu, opts);
    const block = largest(plan.dispatches);
    // A block runs all four parts in one invocation: 1000 steps of 8 ns and 400 ns, 100 ms in all.
    expect(block).toBe(Math.floor(100e6 / (400 + 8 * 1000) / 64) * 64);
    expect(new Set(plan.dispatches.map((d) => d.phase))).toEqual(new Set(['mixed']));
    expect(plan.statePixels).toBe(0);
    for (const d of plan.dispatches) expect(dispatchCost(d, cpu)).toBeLessThanOrEqual(100e6);
    expectCovered(plan.dispatches, tiles, 1000);
    // A million iterations: blocks of minBlock pixels with as many steps as 100 ms allow (at least
    // 3a/b, so that the invocation cost is at most a quarter of each dispatch).
    const long = planDispatches(tiles, phaseSegments(1e6, 5e5, 16, true), cpu, opts);
    const chunk = Math.floor((100e6 / 4096 - 400) / 8);
    const b = Math.floor(100e6 / (400 + chunk * 8) / 64) * 64;
    expect(b).toBe(4096);
    expect(largest(long.dispatches)).toBe(b);
    expect(long.dispatches[0].k1 - long.dispatches[0].k0).toBe(chunk);
    for (const d of long.dispatches) expect(dispatchCost(d, cpu)).toBeLessThanOrEqual(100e6);
    expect(long.statePixels).toBe(b);
    // A fit with a large invocation cost: still chunks of 3a/b, never a dispatch per step (the
    // tail's 16 steps and the warm-up's 64 are parts shorter than a chunk).
    const heavy = planDispatches(tiles, segments, { a: 2000, b: 30 }, opts);
    expect(heavy.dispatches.some((d) => d.phase === 'tail')).toBe(true);
    expect(heavy.dispatches.filter((d) => d.phase === 'warm').every((d) => d.k1 - d.k0 === 64)).toBe(true);
    expect(
      Math.min(
        ...heavy.dispatches.filter((d) => d.phase !== 'tail' && d.phase !== 'warm').map((d) => d.k1 - d.k0),
      ),
    ).toBeGreaterThanOrEqual(234);
    expectCovered(heavy.dispatches, tiles, 1000);
  });

  it('fixed lengths make exactly those blocks and chunks', () => {
    const plan = planDispatches(
      [{ p0: 0, count: 250 }],
      [{ k0: 0, k1: 100, phase: 'run' }],
      { a: 1, b: 1 },
      {
        ...opts,
        fixed: { pixels: 100, iterations: 30 },
      },
    );
    expect(plan.dispatches.map((d) => [d.p0, d.count, d.k0, d.k1])).toEqual(
      [0, 100, 200].flatMap((p0) =>
        [0, 30, 60, 90].map((k0) => [p0, p0 === 200 ? 50 : 100, k0, Math.min(100, k0 + 30)]),
      ),
    );
  });

  it('groups dispatches into submits of about batchMs, at most maxPerBatch each', () => {
    const cost = { a: 0, b: 1e6 };
    const ds = Array.from({ length: 10 }, (_, i) => ({
      phase: 'run' as const,
      p0: i,
      count: 1,
      k0: 0,
      k1: 30,
      tile: 0,
      s0: i,
    }));
    // 30 ms each: three per 100 ms submit, and one alone when it alone is over.
    expect(batchDispatches(ds, cost, 100, 1024).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(batchDispatches(ds, cost, 1e9, 4).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batchDispatches(ds, cost, 1, 1024).map((b) => b.length)).toEqual(new Array(10).fill(1));
  });
});

describe('CostModel', () => {
  it('recovers a and b from submits of different shapes, and scales the prior from one shape', () => {
    const device = { a: 300, b: 5 };
    const t = (pixels: number, steps: number) => (device.a * pixels + device.b * steps) / 1e6;
    const fit = fitCost(
      [
        { pixels: 1e5, steps: 1e5 * 20, ms: t(1e5, 1e5 * 20) },
        { pixels: 2e5, steps: 2e5 * 1000, ms: t(2e5, 2e5 * 1000) },
      ],
      { a: 1, b: 1 },
    );
    expect(fit.a).toBeCloseTo(300, 6);
    expect(fit.b).toBeCloseTo(5, 9);
    // One shape cannot tell a from b: the prior's ratio, scaled to the time measured.
    const one = fitCost([{ pixels: 1e5, steps: 1e8, ms: t(1e5, 1e8) }], { a: 100, b: 1 });
    expect(one.a / one.b).toBeCloseTo(100, 9);
    expect((one.a * 1e5 + one.b * 1e8) / 1e6).toBeCloseTo(t(1e5, 1e8), 9);
    // The model keeps a fit per pipeline and lends the latest to a pipeline not yet measured.
    const model = new CostModel({ a: 1, b: 1 });
    model.record('k', 1e5, 1e5 * 20, t(1e5, 1e5 * 20));
    model.record('k', 2e5, 2e5 * 1000, t(2e5, 2e5 * 1000));
    expect(model.cost('k').b).toBeCloseTo(5, 6);
    expect(model.cost('other')).toEqual(model.cost('k'));
  });

  it('lends a fit to a heavier or lighter step scaled by the steps’ weights', () => {
    const guess = { a: 400, b: 8 };
    const model = new CostModel(guess);
    // Unmeasured: the guess is for a step of the reference weight.
    expect(model.cost('k')).toEqual(guess);
    // A step's cost is affine in its weight: REFERENCE_STEP_WEIGHT of it does not grow with the objective.
    expect(model.cost('k', 9 * REFERENCE_STEP_WEIGHT)).toEqual({ a: 400, b: 40 });
    // A light step measured at weight 20 (b = 5); a network's step (421 nodes) never measured.
    model.record('light', 1e5, 1e8, (300 * 1e5 + 5 * 1e8) / 1e6, 20);
    const light = model.cost('light');
    expect(model.cost('network', 421)).toEqual({ a: light.a, b: (light.b * (20 + 421)) / (20 + 20) });
    // A pipeline's own fit is not scaled; a step of no nodes costs half the reference's.
    expect(model.cost('light', 421)).toEqual(light);
    expect(model.cost('tiny', 0).b).toBeCloseTo(light.b / 2, 12);
    // The network's step measured 33 times mf-scalar's: planned from the scaled cost (11 times), its
    // first dispatches run within a few times their target; from the light step's cost, far over it.
    const truth = { a: light.a, b: light.b * 33 };
    const worst = (cost: { a: number; b: number }) => {
      const plan = planDispatches(
        [{ p0: 0, count: 1 << 16 }],
        [{ k0: 0, k1: 5000, phase: 'plain' }],
        cost,
        opts,
      );
      return Math.max(...plan.dispatches.map((d) => dispatchCost(d, truth))) / 1e6;
    };
    expect(worst(model.cost('network', 421))).toBeLessThan(4 * opts.targetMs);
    expect(worst(light)).toBeGreaterThan(10 * opts.targetMs);
  });
});

describe('forStep', () => {
  it('takes a network objective as heavy and the other gallery objectives not, by their DAG', () => {
    const nodes = (expr: string) => stepNodes(compileObjective({ expr, params: {} }));
    const network = networkSpec.objective.expr;
    // The attractor view's network: 421 nodes for ∇f and ∇²f·v.
    expect(nodes(network)).toBe(421);
    expect(nodes(network)).toBeGreaterThanOrEqual(HEAVY_STEP_NODES);
    for (const expr of ['(1 - x*y)^2/2', '(x^2 - 1)^2/4', '((x^2 - 1)^2 + (y^2 - 1)^2)/4 + 0.1*(x - y)^2/2'])
      expect(nodes(expr), expr).toBeLessThan(40);
    const v = kernelVariant(1000, 500, 16, true);
    expect(forStep(v, HEAVY_STEP_NODES - 1)).toBe(v);
    expect(forStep(v, HEAVY_STEP_NODES)).toEqual({
      ...v,
      shortParts: true,
      exactTail: true,
      escapePass: false,
      oneStep: true,
    });
    // A hand-written objective has no DAG: 0 nodes.
    expect(stepNodes({})).toBe(0);
  });
});

describe('guessCost', () => {
  it('plans a mid-weight objective on SwiftShader as its measured speed will: one fused run', () => {
    // An 8-D objective of 241 DAG nodes over 64² starts, 300 steps: SwiftShader measured ~12 ns a
    // step. Planned from the adapter's guess scaled by the weight, the first run is `whole` too, so
    // the second run (planned from the measured cost) compiles nothing new.
    const vars = Array.from({ length: 8 }, (_, i) => `x${i + 1}`);
    const expr = vars.map((v, i) => `${(i + 1) * 0.3}*${v}^2/2`).join(' + ') + ` + (${vars.join('*')})^2/4`;
    const weight = stepNodes(compileObjective({ expr, params: {} }));
    expect(weight).toBe(241);
    const phases = (cost: { a: number; b: number }) =>
      new Set(
        planDispatches([{ p0: 0, count: 4096 }], phaseSegments(300, 200, 16, true), cost, {
          ...opts,
          fused: 'whole',
        }).dispatches.map((d) => d.phase),
      );
    const guess = new CostModel(guessCost('google swiftshader')).cost('k', weight);
    expect(phases(guess)).toEqual(new Set(['whole']));
    expect(phases({ a: 60, b: 12 })).toEqual(new Set(['whole']));
  });
});

describe('planEnsembleDispatches', () => {
  it('runs a heavy step in the `mixed` entry point alone, chunked anywhere, every step once', () => {
    const spec = doubleWellSpec({ lr: [1, 2], columns: 64, samples: 64, transient: 3000, keep: 1000 });
    const { plan } = prepareEnsemble(spec);
    const grouping = ensembleGroups(plan, 16, 64, 1 << 27);
    // A slow device: the 4096 samples' 4000 steps are cut into chunks.
    const slow = { a: 400, b: 200 };
    const trajectory = (oneLoop: boolean) =>
      planEnsembleDispatches(plan, grouping, slow, { oneLoop }).dispatches.filter(
        (d) => d.entry !== 'reduce_columns' && d.entry !== 'choose_range' && d.entry !== 'bin',
      );
    expect(new Set(trajectory(false).map((d) => d.entry))).toEqual(
      new Set(['plain', 'warm', 'growth1', 'growth2', 'tail']),
    );
    const one = trajectory(true);
    expect(new Set(one.map((d) => d.entry))).toEqual(new Set(['mixed']));
    expect(one.length).toBeGreaterThan(1);
    // Every sample runs 0 … N - 1 once, in order.
    const next = new Int32Array(64 * 64);
    for (const d of one)
      for (let s = d.p0; s < d.p0 + d.count; s++) {
        expect(d.k0).toBe(next[s]);
        next[s] = d.k1;
      }
    expect(next.every((k) => k === plan.iterations)).toBe(true);
  });
});
