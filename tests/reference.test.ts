/** The float64 reference: one trajectory, its outcome per src/core/outcome.ts, and the sharpness. */
import { describe, expect, it } from 'vitest';
import { LYAPUNOV_WARMUP, Outcome, TANGENT_RATIO } from '../src/core/outcome.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { runTrajectory } from '../src/reference/gd.ts';
import { lambdaMax } from '../src/reference/linalg.ts';
import { anisotropic, doubleWell, mfScalar, quadratic } from './reference-fixtures.ts';

const N = 600;
const T = 300;

describe('x²/2: GD is x_k = (1 - h)^k x₀', () => {
  it('converges at h = 0.5 monotonically, with λ = ln|1 - h|', () => {
    const tr = runTrajectory(quadratic, [3], 0.5, [], 40);
    tr.iterates.forEach((x, k) => expect(x[0]).toBeCloseTo(3 * 0.5 ** k, 14));
    expect(tr.escape).toBeNull();
    const rec = classifyTrajectory(quadratic, [3], 0.5, { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.CONVERGED);
    expect(rec.period).toBe(1);
    expect(rec.iter).toBe(N);
    expect(rec.lyapunov).toBeCloseTo(Math.log(0.5), 12);
    expect(rec.sharpness).toBe(1);
    expect(Math.abs(rec.final0)).toBeLessThan(1e-100);
    expect(rec.final1).toBeNaN();
  });

  it('converges at h = 1.5 with a sign flip every step', () => {
    const tr = runTrajectory(quadratic, [3], 1.5, [], 40);
    for (let k = 0; k <= 40; k++) {
      expect(Math.sign(tr.iterates[k][0])).toBe(k % 2 === 0 ? 1 : -1);
      expect(tr.iterates[k][0]).toBeCloseTo(3 * (-0.5) ** k, 14);
    }
    expect(tr.sharpness.every((s) => s === 1)).toBe(true);
    const rec = classifyTrajectory(quadratic, [3], 1.5, { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.CONVERGED);
    expect(rec.period).toBe(1);
    expect(rec.lyapunov).toBeCloseTo(Math.log(0.5), 12);
  });

  it('diverges at h = 2.1 at the analytic escape iteration', () => {
    for (const [x0, R] of [
      [0.7, 1e6],
      [-2.3, 1e3],
      [1e-3, 50],
    ]) {
      // Smallest k with |1 - h|^k |x0| > R, from logarithms (no GD involved).
      const kAnalytic = Math.floor((Math.log(R) - Math.log(Math.abs(x0))) / Math.log(1.1)) + 1;
      // Not on a rounding knife-edge, so the comparison below is meaningful.
      expect(Math.abs(1.1 ** kAnalytic * Math.abs(x0) - R) / R).toBeGreaterThan(1e-6);
      expect(1.1 ** (kAnalytic - 1) * Math.abs(x0)).toBeLessThanOrEqual(R);
      const rec = classifyTrajectory(quadratic, [x0], 2.1, {
        iterations: N,
        transient: T,
        settings: { divergeRadius: R },
      });
      expect(rec.outcome).toBe(Outcome.DIVERGED);
      expect(rec.iter).toBe(kAnalytic);
      expect(rec.period).toBe(0);
      for (const v of [rec.lyapunov, rec.f, rec.sharpness, rec.final0, rec.obs0]) expect(v).toBeNaN();
      const tr = runTrajectory(quadratic, [x0], 2.1, [], N, R);
      expect(tr.escape).toBe(kAnalytic);
      expect(tr.iterates).toHaveLength(kAnalytic + 1);
    }
  });

  it('counts a non-finite iterate as escaped whatever the radius', () => {
    const settings = { divergeRadius: Number.MAX_VALUE };
    const rec = classifyTrajectory(quadratic, [1e300], 3, { iterations: 40, transient: 0, settings });
    expect(rec.outcome).toBe(Outcome.DIVERGED);
    // x_k = (-2)^k 1e300 is finite up to k = 27 (2^27 · 1e300 < 1.8e308), but the step's h·∇f = 3·x_26
    // ≈ 2.0e308 overflows first, so x_27 = x_26 - ∞ is the escaped iterate.
    expect(rec.iter).toBe(27);
    const nan = classifyTrajectory(quadratic, [NaN], 0.5, { iterations: 40, transient: 0, settings });
    expect(nan.outcome).toBe(Outcome.DIVERGED);
    expect(nan.iter).toBe(1);
  });
});

describe('mf-scalar (1 - xy)²/2', () => {
  it('multiplies x² - y² by 1 - h²r² each step (NOTES.md), to 1e-12 relative', () => {
    let checked = 0;
    for (const h of [0.3, 0.9, 1.2]) {
      for (const start of [
        [0.3, 1.7],
        [2.5, -0.4],
        [-1.1, -0.2],
        [0.05, 2.2],
      ]) {
        const tr = runTrajectory(mfScalar, start, h, [], 200);
        for (let k = 0; k + 1 < tr.iterates.length; k++) {
          const [x, y] = tr.iterates[k];
          const [x1, y1] = tr.iterates[k + 1];
          const r = x * y - 1;
          const predicted = (1 - h * h * r * r) * (x * x - y * y);
          // Relative to the scale x² + y² of the numbers whose difference is taken.
          const scale = Math.max(x1 * x1 + y1 * y1, x * x + y * y);
          expect(Math.abs(x1 * x1 - y1 * y1 - predicted)).toBeLessThanOrEqual(1e-12 * scale);
          // The exact reduction behind it: x + y scales by 1 - hr, x - y by 1 + hr.
          expect(Math.abs(x1 + y1 - (1 - h * r) * (x + y))).toBeLessThanOrEqual(1e-12 * Math.sqrt(scale));
          expect(Math.abs(x1 - y1 - (1 + h * r) * (x - y))).toBeLessThanOrEqual(1e-12 * Math.sqrt(scale));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('converges at h = 0.9 onto xy = 1 with |x - y| ≤ sqrt(2/h - 2), sharpness x² + y² < 2/h', () => {
    const h = 0.9;
    const rec = classifyTrajectory(mfScalar, [0.3, 1.7], h, { iterations: 2000, transient: 1000 });
    expect(rec.outcome).toBe(Outcome.CONVERGED);
    expect(rec.final0 * rec.final1).toBeCloseTo(1, 12);
    expect(Math.abs(rec.final0 - rec.final1)).toBeLessThanOrEqual(Math.sqrt(2 / h - 2));
    expect(rec.sharpness).toBeCloseTo(rec.final0 ** 2 + rec.final1 ** 2, 12);
    expect(rec.sharpness).toBeLessThan(2 / h);
    expect(rec.f).toBeLessThan(1e-28);
    expect(rec.obs0).toBeCloseTo(rec.final0 ** 2 - rec.final1 ** 2, 14);
    expect(rec.obs1).toBeNaN();
  });
});

describe('the double well (x² - 1)²/4: GD is u ↦ u + h u (1 - u²)', () => {
  const F = (u: number, h: number) => u + h * u * (1 - u * u);
  const dF = (u: number, h: number) => 1 + h * (1 - 3 * u * u);

  it('has period 2 just above h = 1, with λ = ½ ln|F′(p)F′(q)| < 0', () => {
    // The fixed point u = 1 has multiplier F′(1) = 1 - 2h = 1 - h·f″(1): it flips through -1 at h = 1,
    // where a period-2 orbit is born. Find that orbit at h = 1.1 by Newton on F(F(u)) - u from u = 0.9
    // and check that it attracts: |F′(p) F′(q)| < 1.
    const h = 1.1;
    expect(dF(1, h)).toBeLessThan(-1);
    // Newton from the symmetric side would find the unstable cycle u ↦ -u (u² = 1 + 2/h); start it
    // near the fixed point, on the side the flip bifurcation grows from.
    let p = 1.2;
    for (let it = 0; it < 50; it++) {
      const q = F(p, h);
      const g = F(q, h) - p;
      const dg = dF(q, h) * dF(p, h) - 1;
      p -= g / dg;
    }
    const q = F(p, h);
    expect(Math.abs(F(q, h) - p)).toBeLessThan(1e-14);
    expect(Math.abs(p - q)).toBeGreaterThan(0.1);
    const multiplier = dF(p, h) * dF(q, h);
    expect(Math.abs(multiplier)).toBeLessThan(1);

    const rec = classifyTrajectory(doubleWell, [0.9], h, { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.PERIODIC);
    expect(rec.period).toBe(2);
    expect(rec.lyapunov).toBeLessThan(0);
    expect(rec.lyapunov).toBeCloseTo(0.5 * Math.log(Math.abs(multiplier)), 6);
    expect([p, q].some((u) => Math.abs(u - rec.final0) < 1e-9)).toBe(true);
  });

  it('is chaotic at h = 1.9: aperiodic with a positive exponent', () => {
    const rec = classifyTrajectory(doubleWell, [0.9], 1.9, { iterations: 4000, transient: 1000 });
    expect(rec.outcome).toBe(Outcome.CHAOTIC);
    expect(rec.period).toBe(0);
    expect(rec.lyapunov).toBeGreaterThan(0.5);
    expect(Math.abs(rec.final0)).toBeLessThan(2);
    // In one dimension λ is the orbit average of ln|F′|: check against that, computed directly (with
    // GD's own rounding, u - h·u(u² - 1): a chaotic orbit amplifies any other rounding within steps).
    let u = 0.9;
    let sum = 0;
    for (let k = 0; k < 4000; k++) {
      if (k >= 1000) sum += Math.log(Math.abs(dF(u, 1.9)));
      u -= 1.9 * (u * (u * u - 1));
    }
    expect(rec.lyapunov).toBeCloseTo(sum / 3000, 10);
  });

  it('calls a fixed point reached exactly converged even though λ > 0 (outcome rule 5)', () => {
    const rec = classifyTrajectory(doubleWell, [0], 0.5, { iterations: 100, transient: 10 });
    expect(rec.outcome).toBe(Outcome.CONVERGED);
    expect(rec.lyapunov).toBeCloseTo(Math.log(1.5), 12);
  });

  it('marks a period-2 orbit chaotic when its exponent exceeds the chaos threshold', () => {
    const rec = classifyTrajectory(doubleWell, [0.9], 1.1, {
      iterations: N,
      transient: T,
      settings: { chaosThreshold: -1 },
    });
    expect(rec.period).toBe(2);
    expect(rec.outcome).toBe(Outcome.CHAOTIC);
  });

  it('leaves λ NaN when the exponent is disabled, and still calls the orbit periodic', () => {
    const rec = classifyTrajectory(doubleWell, [0.9], 1.1, {
      iterations: N,
      transient: T,
      settings: { lyapunov: false },
    });
    expect(rec.lyapunov).toBeNaN();
    expect(rec.outcome).toBe(Outcome.PERIODIC);
  });

  it('finds no period when the longest one looked for is shorter than the orbit', () => {
    const rec = classifyTrajectory(doubleWell, [0.9], 1.1, {
      iterations: N,
      transient: T,
      settings: { maxPeriod: 1 },
    });
    expect(rec.period).toBe(0);
    expect(rec.outcome).toBe(Outcome.UNSETTLED);
  });
});

describe('per-coordinate rates and the tangent map in 2-D', () => {
  // f = x²/2 + 3y²/2: J = diag(1 - h_x, 1 - 3h_y), so λ is the log of the larger |entry|.
  it('uses one rate per coordinate', () => {
    const tr = runTrajectory(anisotropic, [1, 1], [1.5, 0.2], anisotropic.paramValues, 10);
    tr.iterates.forEach((x, k) => {
      expect(x[0]).toBeCloseTo((-0.5) ** k, 14);
      expect(x[1]).toBeCloseTo(0.4 ** k, 14);
    });
    const rec = classifyTrajectory(anisotropic, [1, 1], [1.5, 0.2], { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.CONVERGED);
    // Σ ln‖J v‖ telescopes to ln‖J^m u‖ with m = N - T and u the unit vector along J^w v₀, w =
    // LYAPUNOV_WARMUP the tangent's warm-up (rule 4) and v₀ = (1, r)/√(1 + r²) (tangentStart): the
    // warm-up has turned u to the stronger direction up to (0.4/0.5)^w, so the exponent is ln 0.5
    // to rounding (the rest is (r·0.8^w)²/(2m) ≈ 1e-16) rather than the -ln(1 + r²)/(2m) ≈ -5.4e-4
    // that v₀ itself would show.
    const m = N - T;
    const r = TANGENT_RATIO;
    const w = LYAPUNOV_WARMUP;
    const u = [0.5 ** w, r * 0.4 ** w];
    const exact = Math.log(Math.hypot(u[0] * 0.5 ** m, u[1] * 0.4 ** m) / Math.hypot(u[0], u[1])) / m;
    expect(rec.lyapunov).toBeCloseTo(exact, 12);
    expect(Math.abs(exact - Math.log(0.5))).toBeLessThan(1e-8);
    expect(
      Math.abs(Math.log(Math.hypot(0.5 ** m, r * 0.4 ** m) / Math.hypot(1, r)) / m - Math.log(0.5)),
    ).toBeGreaterThan(5e-4);
  });

  it('diverges when one coordinate alone is unstable', () => {
    // h_y · 3 = 2.1 > 2: y grows by 1.1 per step while x converges.
    const rec = classifyTrajectory(anisotropic, [1, 1], [0.5, 0.7], { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.DIVERGED);
    expect(rec.iter).toBe(Math.floor(Math.log(1e6) / Math.log(1.1)) + 1);
  });

  it('takes parameters from the options over the compiled ones', () => {
    const rec = classifyTrajectory(anisotropic, [1, 1], 0.5, {
      iterations: N,
      transient: T,
      params: [1, 5],
    });
    expect(rec.outcome).toBe(Outcome.DIVERGED);
    expect(rec.iter).toBe(Math.floor(Math.log(1e6) / Math.log(1.5)) + 1);
  });

  it('counts a start or rates of the wrong length in words that agree with the count', () => {
    // They read "x0 has 1 entries" and "the objective 1 coordinates".
    expect(() => classifyTrajectory(anisotropic, [1], 0.5, { iterations: N, transient: T })).toThrow(
      new RangeError('x0 has 1 entry, the objective 2 coordinates'),
    );
    expect(() => runTrajectory(quadratic, [1, 2], 0.5, [], 10)).toThrow(
      new RangeError('x0 has 2 entries, the objective 1 coordinate'),
    );
    expect(() => runTrajectory(anisotropic, [1, 1], [0.5], [], 10)).toThrow(
      new RangeError('rate has 1 entry, the objective 2 coordinates'),
    );
  });
});

describe('lambdaMax', () => {
  function randomOrthogonal(n: number, rand: () => number): Float64Array {
    const q = new Float64Array(n * n);
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < n; r++) q[r * n + c] = rand() - 0.5;
      for (let pass = 0; pass < 2; pass++)
        for (let d = 0; d < c; d++) {
          let dot = 0;
          for (let r = 0; r < n; r++) dot += q[r * n + c] * q[r * n + d];
          for (let r = 0; r < n; r++) q[r * n + c] -= dot * q[r * n + d];
        }
      let norm = 0;
      for (let r = 0; r < n; r++) norm += q[r * n + c] ** 2;
      for (let r = 0; r < n; r++) q[r * n + c] /= Math.sqrt(norm);
    }
    return q;
  }

  it('matches the largest of known eigenvalues for n = 1 … 8', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 1; n <= 8; n++) {
      for (let trial = 0; trial < 20; trial++) {
        const eig = Array.from({ length: n }, () => 10 * (rand() - 0.5));
        const q = randomOrthogonal(n, rand);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += q[i * n + k] * eig[k] * q[j * n + k];
            a[i * n + j] = s;
          }
        const copy = Float64Array.from(a);
        expect(lambdaMax(a, n)).toBeCloseTo(Math.max(...eig), 11);
        expect(a).toEqual(copy);
      }
    }
  });

  it('handles a diagonal matrix, repeated eigenvalues and non-finite entries', () => {
    expect(lambdaMax([2, 0, 0, 0, -1, 0, 0, 0, 7], 3)).toBe(7);
    expect(lambdaMax([3, 0, 0, 0, 3, 0, 0, 0, 3], 3)).toBe(3);
    expect(lambdaMax([1, 1, 1, 1], 2)).toBeCloseTo(2, 15);
    expect(lambdaMax([NaN, 0, 0, 1], 2)).toBeNaN();
    expect(lambdaMax([1, 0, 0, 0, Infinity, 0, 0, 0, 1], 3)).toBeNaN();
    expect(lambdaMax([NaN], 1)).toBeNaN();
    expect(lambdaMax([-Infinity], 1)).toBeNaN();
    expect(lambdaMax([1, Infinity, Infinity, 1], 2)).toBeNaN();
    // Large but finite: no overflow in the closed form or the rotations.
    expect(lambdaMax([1e300, 1e300, 1e300, 1e300], 2)).toBeCloseTo(2e300, -290);
    expect(lambdaMax([1e200, 0, 0, 0, -1e200, 0, 0, 0, 3], 3)).toBe(1e200);
  });
});
