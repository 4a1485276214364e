/** Gradient flow and the modified equations of order 1, 2 against GD (NOTES.md, "Modified equations"). */
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import { compileEvaluators } from '../src/objective/wasm/evaluator.ts';
import {
  DEFAULT_SUBSTEPS,
  DEFAULT_WORK_START,
  flowField,
  FlowStopped,
  sampleFlow,
  type FlowKind,
} from '../src/reference/flows.ts';
import { runTrajectory } from '../src/reference/gd.ts';
import { doubleWell, mfScalar, quadratic } from './reference-fixtures.ts';

/** |GD - flow| at t = T, with K = T/h steps. */
function errorAt(kind: FlowKind, h: number, T: number, substeps?: number): number {
  const K = Math.round(T / h);
  const gd = 2 * (1 - h) ** K;
  const flow = sampleFlow(quadratic, kind, [2], h, [], K, { substeps })[K][0];
  return Math.abs(gd - flow);
}

describe('flows on x²/2', () => {
  it('match the closed forms: x₀ e^{-t}, and the truncated series of ln(1 - h)/h', () => {
    const h = 0.2;
    const K = 10;
    const rate = { gf: 1, me1: 1 + h / 2, me2: 1 + h / 2 + (h * h) / 3 };
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const xs = sampleFlow(quadratic, kind, [2], h, [], K);
      expect(xs).toHaveLength(K + 1);
      // The integrator allows 1e-12 per interval (DEFAULT_FLOW_TOL): 10 intervals, 1e-11 at most.
      xs.forEach((x, k) => expect(x[0]).toBeCloseTo(2 * Math.exp(-rate[kind] * k * h), 11));
    }
  });

  it('errors at fixed T shrink by about 2, 4, 8 for orders 0, 1, 2 when h halves', () => {
    const T = 1;
    const hs = [0.1, 0.05, 0.025];
    const expected: Record<FlowKind, number> = { gf: 2, me1: 4, me2: 8 };
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const errs = hs.map((h) => errorAt(kind, h, T));
      for (let i = 0; i + 1 < errs.length; i++) {
        const ratio = errs[i] / errs[i + 1];
        expect(ratio).toBeGreaterThan(expected[kind] * 0.9);
        expect(ratio).toBeLessThan(expected[kind] * 1.1);
      }
      // Each order is better than the one below it at every h.
      if (kind !== 'gf') {
        const lower = kind === 'me1' ? 'gf' : 'me1';
        hs.forEach((h, i) => expect(errs[i]).toBeLessThan(errorAt(lower, h, T) / 5));
      }
    }
  });

  it('integrates far more accurately than the effects shown: halving the substep changes ≪ the ME2 error', () => {
    for (const h of [0.1, 0.025]) {
      const K = Math.round(1 / h);
      const meError = errorAt('me2', h, 1);
      // Fixed substeps (tol 0): 32 against 64 per h.
      const a = sampleFlow(quadratic, 'me2', [2], h, [], K, { substeps: 32, tol: 0 })[K][0];
      const b = sampleFlow(quadratic, 'me2', [2], h, [], K, { substeps: 64, tol: 0 })[K][0];
      expect(Math.abs(a - b)).toBeLessThan(1e-6 * meError);
      // The default (error-controlled) result against a fine fixed one, on the nonlinear double well.
      const fine = sampleFlow(doubleWell, 'me2', [1.8], h, [], K, { substeps: 1024, tol: 0 })[K][0];
      const dflt = sampleFlow(doubleWell, 'me2', [1.8], h, [], K)[K][0];
      expect(Math.abs(fine - dflt)).toBeLessThan(1e-10);
      const gd = runTrajectory(doubleWell, [1.8], h, [], K).iterates[K][0];
      expect(Math.abs(gd - dflt)).toBeGreaterThan(1e4 * Math.abs(fine - dflt));
    }
  });

  it('refines the substep where a fixed one is too coarse (large sharpness)', () => {
    // ẋ = -x·s with sharpness s = 1: at h = 1.9 and 4 substeps, RK4 steps of 0.475 are visibly wrong.
    const K = 5;
    const coarse = sampleFlow(quadratic, 'me1', [1], 1.9, [], K, { substeps: 4, tol: 0 })[K][0];
    const controlled = sampleFlow(quadratic, 'me1', [1], 1.9, [], K, { substeps: 4 })[K][0];
    const exact = Math.exp(-(1 + 1.9 / 2) * 1.9 * K);
    // RK4's factor per step of 0.475 · 1.95 is 0.40995 against e^{-0.926} = 0.40556: 1% a step.
    expect(Math.abs(coarse / exact - 1)).toBeGreaterThan(0.1);
    expect(Math.abs(controlled / exact - 1)).toBeLessThan(1e-10);
  });
});

describe('flows on non-quadratic objectives', () => {
  it('show the same orders on the double well, where ∇³f enters order 2', () => {
    const T = 1;
    const x0 = [0.3];
    const errs = (kind: FlowKind) =>
      [0.08, 0.04, 0.02].map((h) => {
        const K = Math.round(T / h);
        const gd = runTrajectory(doubleWell, x0, h, [], K).iterates[K][0];
        return Math.abs(gd - sampleFlow(doubleWell, kind, x0, h, [], K)[K][0]);
      });
    for (const [kind, factor] of [
      ['gf', 2],
      ['me1', 4],
      ['me2', 8],
    ] as const) {
      const e = errs(kind);
      for (let i = 0; i + 1 < e.length; i++) {
        expect(e[i] / e[i + 1]).toBeGreaterThan(factor * 0.8);
        expect(e[i] / e[i + 1]).toBeLessThan(factor * 1.25);
      }
    }
  });

  it('show orders 1, 2, 3 in 2-D on (1 - xy)²/2 as compiled, where ∇³f[∇f, ∇f] mixes coordinates', () => {
    // The double well above has one third derivative; here only the mixed f_xxy = 2y, f_xyy = 2x
    // are non-zero, so a wrong weight on a mixed term of ∇³f[v, v] would leave me2 at order 2.
    const obj = compileEvaluators(compileObjective({ expr: '(1 - x*y)^2/2', params: {} }));
    const x0 = [0.3, 1.5];
    const hs = [0.04, 0.02, 0.01];
    const errs = (kind: FlowKind) =>
      hs.map((h) => {
        const K = Math.round(1 / h);
        const gd = runTrajectory(obj, x0, h, [], K).iterates[K];
        const fl = sampleFlow(obj, kind, x0, h, [], K)[K];
        return Math.max(Math.abs(gd[0] - fl[0]), Math.abs(gd[1] - fl[1]));
      });
    for (const [kind, order] of [
      ['gf', 1],
      ['me1', 2],
      ['me2', 3],
    ] as const) {
      const e = errs(kind);
      // Least-squares slope of log e against log h (float64: 1.00, 1.98, 2.98).
      const lx = hs.map(Math.log);
      const ly = e.map(Math.log);
      const mx = lx.reduce((a, b) => a + b) / 3;
      const my = ly.reduce((a, b) => a + b) / 3;
      let num = 0;
      let den = 0;
      for (let i = 0; i < 3; i++) {
        num += (lx[i] - mx) * (ly[i] - my);
        den += (lx[i] - mx) ** 2;
      }
      expect(num / den, kind).toBeGreaterThan(order - 0.1);
      expect(num / den, kind).toBeLessThan(order + 0.1);
      // Halving h from 0.02 divides the error by 2^order (float64: 2.003, 3.956, 7.922).
      expect(e[1] / e[2], kind).toBeGreaterThan(2 ** order * 0.95);
      expect(e[1] / e[2], kind).toBeLessThan(2 ** order * 1.05);
    }
  });

  it('keep x² - y² on mf-scalar under gradient flow (NOTES.md), while GD shrinks it', () => {
    const h = 0.2;
    const gf = sampleFlow(mfScalar, 'gf', [0.2, 2], h, [], 50);
    const c0 = 0.2 ** 2 - 4;
    for (const [x, y] of gf) expect(x * x - y * y).toBeCloseTo(c0, 10);
    const gd = runTrajectory(mfScalar, [0.2, 2], h, [], 50).iterates.at(-1)!;
    expect(Math.abs(gd[0] ** 2 - gd[1] ** 2)).toBeLessThan(Math.abs(c0) * 0.999);
  });

  it('has the order-2 field of NOTES.md (checked against a hand expansion in 1-D)', () => {
    // f = (x² - 1)²/4: f′ = x³ - x, f″ = 3x² - 1, f‴ = 6x, so
    // me2 = -f′ - (h/2) f″f′ - (h²/12)(f‴ f′² + 4 f″² f′).
    const h = 0.3;
    const x = 0.7;
    const g = x ** 3 - x;
    const H = 3 * x * x - 1;
    const out = new Float64Array(1);
    flowField(doubleWell, 'me2', h, [])(Float64Array.of(x), out);
    expect(out[0]).toBeCloseTo(-g - (h / 2) * H * g - ((h * h) / 12) * (6 * x * g * g + 4 * H * H * g), 14);
  });

  it('marks a blown-up flow NaN from the sample after the escape', () => {
    // x₀ = 3 already lies beyond the radius 1: the start is kept, every later sample is NaN.
    const xs = sampleFlow(quadratic, 'gf', [3], 0.5, [], 5, { divergeRadius: 1 });
    expect(xs[0][0]).toBe(3);
    expect(xs.slice(1).every((x) => Number.isNaN(x[0]))).toBe(true);
    expect(() => sampleFlow(quadratic, 'gf', [1], 0, [], 5)).toThrow(/positive/);
    expect(() => sampleFlow(quadratic, 'gf', [1, 2], 0.1, [], 5)).toThrow(
      new RangeError('x0 has 2 entries, the objective 1 coordinate'),
    );
  });
});

/** What sampleFlow threw (failing the test if it returned). */
function stopOf(run: () => unknown): FlowStopped {
  try {
    run();
  } catch (e) {
    if (e instanceof FlowStopped) return e;
    throw e;
  }
  throw new Error('the flow was not stopped');
}

describe('flows with bounded work', () => {
  // Compiled as the CLI compiles them: RK4's error at a kink does not shrink with the substep, which
  // used to sit at its cap (3·2^16 RK4 steps) on every one of the 2000 intervals, hours of work.
  const kinked = ['abs(x)^1.5', 'max(x, -x/3) + 0.001*x^2'].map((expr) =>
    compileEvaluators(compileObjective({ expr, params: {} })),
  );

  it('stop at a kink once the allowance is spent, keeping the samples before it', () => {
    for (const obj of kinked) {
      const stop = stopOf(() => sampleFlow(obj, 'gf', [1], 0.1, [], 2000));
      expect(stop.reason).toBe('work');
      expect(stop.message).toMatch(/^the gf flow stopped at step \d+ of 2000: .* kink of f/);
      // Within ten-odd intervals at the cap, and never beyond the allowance.
      expect(stop.samples.length).toBeGreaterThan(1);
      expect(stop.samples.length).toBeLessThan(50);
      expect(stop.work).toBeLessThanOrEqual(
        DEFAULT_WORK_START + 1024 * DEFAULT_SUBSTEPS * stop.samples.length,
      );
      expect(stop.samples[0][0]).toBe(1);
      expect(stop.samples.every((x) => Number.isFinite(x[0]))).toBe(true);
    }
  });

  it('follow a smooth flow through the subnormals to 0 within the allowance', () => {
    // x²/2 from 1: e^{-t} passes 2^-1022 at t ≈ 708, where a purely relative error control failed.
    const xs = sampleFlow(quadratic, 'gf', [1], 1, [], 1000);
    expect(xs).toHaveLength(1001);
    expect(Math.abs(xs[1000][0])).toBeLessThan(1e-300);
    expect(xs[500][0] / Math.exp(-500) - 1).toBeCloseTo(0, 9);
  });

  it('stop at the deadline, checked inside an interval', () => {
    // A deadline already past: the first look at the clock, before any RK4 step, stops it.
    const past = stopOf(() =>
      sampleFlow(kinked[0], 'me2', [1], 0.1, [], 2000, { deadline: performance.now() - 1 }),
    );
    expect(past.reason).toBe('deadline');
    expect(past.message).toBe('the me2 flow stopped at step 0 of 2000: its deadline passed');
    expect(past.samples).toHaveLength(1);
    expect(past.work).toBe(0);
    // With no work limit, only the deadline ends it; generous bounds for a loaded machine.
    const t0 = performance.now();
    const soon = stopOf(() =>
      sampleFlow(kinked[0], 'me2', [1], 0.1, [], 2000, {
        deadline: t0 + 100,
        work: { start: Infinity },
      }),
    );
    expect(soon.reason).toBe('deadline');
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('leave a smooth flow unchanged by a deadline far off', () => {
    const plain = sampleFlow(quadratic, 'me2', [2], 1.5, [], 40);
    const timed = sampleFlow(quadratic, 'me2', [2], 1.5, [], 40, { deadline: performance.now() + 60_000 });
    expect(timed).toEqual(plain);
  });
});
