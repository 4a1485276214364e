/**
 * The optimizers in float64 (src/optimizer, src/reference/step.ts): heavy ball and Nesterov on x²/2
 * against the matrix power of their linear recurrences, RMSProp and Adam against independent
 * implementations written here, the exact tangent map against central differences, the Lyapunov
 * exponent against the spectral radius, and the compiled kernel against the tape bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/optimizer/rules.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { runTrajectory } from '../src/reference/gd.ts';
import { hyperVector, StateStepper } from '../src/reference/step.ts';
import { sameAsInterpreted } from './helpers/compiled-basin.ts';

const opt = (over: Partial<OptimizerSettings>): OptimizerSettings => ({ ...DEFAULT_OPTIMIZER, ...over });
const quadratic = compileObjective({ expr: 'x^2/2', params: {} });
const mf = compileObjective({ expr: '(1 - x*y)^2/2', params: {} });

/** (x_k, v_k) = A^k (x0, 0) for a 2×2 matrix A, by repeated multiplication. */
function matrixPower(a: number[], x0: number, k: number): [number, number] {
  let x = x0;
  let v = 0;
  for (let i = 0; i < k; i++) [x, v] = [a[0] * x + a[1] * v, a[2] * x + a[3] * v];
  return [x, v];
}

/** log of the spectral radius of [[a, b], [c, d]]. */
function logRadius([a, b, c, d]: number[]): number {
  const tr = a + d;
  const det = a * d - b * c;
  const disc = tr * tr - 4 * det;
  if (disc < 0) return 0.5 * Math.log(det);
  return Math.log(Math.max(Math.abs(tr + Math.sqrt(disc)), Math.abs(tr - Math.sqrt(disc))) / 2);
}

describe('linear recurrences on x²/2 (g = x)', () => {
  // Heavy ball: v' = βv + x, x' = x - hv' = (1 - h)x - hβv.  Nesterov: x' = x - h(x + βv')
  // = (1 - h - hβ)x - hβ²v.
  const cases = [
    { kind: 'momentum', A: (h: number, b: number) => [1 - h, -h * b, 1, b] },
    { kind: 'nesterov', A: (h: number, b: number) => [1 - h - h * b, -h * b * b, 1, b] },
  ] as const;
  for (const { kind, A } of cases)
    it(`${kind}: iterates and velocities are the matrix power, λ is log ρ(A)`, () => {
      for (const [h, beta] of [
        [0.3, 0.9],
        [1.4, 0.5],
        [2.9, 0.5],
      ]) {
        const o = opt({ kind, beta });
        const tr = runTrajectory(quadratic, [1.3], h, [], 60, 1e300, o);
        const a = A(h, beta);
        for (const k of [1, 2, 7, 30, 60]) {
          const [x, v] = matrixPower(a, 1.3, k);
          expect(Math.abs(tr.iterates[k][0] - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)));
          expect(Math.abs(tr.states[k][0] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
        }
        // The exponent of an orbit that stays bounded: the spectral radius of the tangent map A.
        if (logRadius(a) >= 0) continue;
        const rec = classifyTrajectory(quadratic, [1.3], h, {
          iterations: 3000,
          transient: 1000,
          optimizer: o,
          settings: { divergeRadius: 1e300 },
        });
        expect(rec.lyapunov).toBeCloseTo(logRadius(a), 2);
      }
    });

  it("heavy ball's boundary of convergence is h = 2(1 + β) (Polyak)", () => {
    for (const beta of [0, 0.5, 0.9]) {
      const edge = 2 * (1 + beta);
      const fate = (h: number) =>
        classifyTrajectory(quadratic, [0.5], h, {
          iterations: 4000,
          transient: 2000,
          optimizer: opt({ kind: 'momentum', beta }),
        }).outcome;
      expect(fate(edge * 0.98)).toBe(1); // converged
      expect(fate(edge * 1.02)).toBe(0); // diverged
    }
  });
});

/** RMSProp and Adam as a researcher would write them: per coordinate, PyTorch's formulas. */
function independent(
  kind: 'rmsprop' | 'adam',
  grad: (x: number[]) => number[],
  x0: number[],
  h: number,
  steps: number,
  { beta, beta2, eps, biasCorrection }: OptimizerSettings,
): number[][] {
  const x = [...x0];
  const m = x.map(() => 0);
  const s = x.map(() => 0);
  const out = [[...x]];
  for (let t = 1; t <= steps; t++) {
    const g = grad(x);
    for (let i = 0; i < x.length; i++) {
      s[i] = beta2 * s[i] + (1 - beta2) * g[i] * g[i];
      if (kind === 'rmsprop') x[i] -= (h * g[i]) / (Math.sqrt(s[i]) + eps);
      else {
        m[i] = beta * m[i] + (1 - beta) * g[i];
        const c1 = biasCorrection ? 1 - beta ** t : 1;
        const c2 = biasCorrection ? 1 - beta2 ** t : 1;
        x[i] -= (h * (m[i] / c1)) / (Math.sqrt(s[i] / c2) + eps);
      }
    }
    out.push([...x]);
  }
  return out;
}

const mfGrad = ([x, y]: number[]) => [-(1 - x * y) * y, -(1 - x * y) * x];

describe('RMSProp and Adam against independent implementations', () => {
  for (const [kind, over] of [
    ['rmsprop', {}],
    ['adam', {}],
    ['adam', { biasCorrection: false }],
    ['adam', { beta: 0.5, beta2: 0.9, eps: 1e-3 }],
  ] as const)
    it(`${kind} ${JSON.stringify(over)} on (1 - xy)²/2`, () => {
      const o = opt({ kind, ...over });
      const tr = runTrajectory(mf, [2, 1], 0.05, [], 100, 1e6, o);
      const want = independent(kind, mfGrad, [2, 1], 0.05, 100, o);
      for (let k = 0; k <= 100; k++)
        for (let i = 0; i < 2; i++)
          expect(Math.abs(tr.iterates[k][i] - want[k][i])).toBeLessThanOrEqual(1e-12 * Math.abs(want[k][i]));
    });
});

describe('the tangent map is the Jacobian of the whole update', () => {
  for (const kind of ['gd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const)
    it(`${kind}: J w against central differences of the step`, () => {
      const o = opt({ kind });
      const st = new StateStepper(mf, o);
      const hv = hyperVector(o);
      const h = Float64Array.of(0.2, 0.3);
      const z = st.alloc();
      st.start([1.4, 0.3], z);
      // A few steps first, so the optimizer's vectors are not zero.
      for (let k = 0; k < 5; k++) st.step(z, h, [], hv);
      const w = Float64Array.from({ length: st.tdim }, (_, i) => Math.cos(1 + i));
      const jw = new Float64Array(st.tdim);
      st.tangent(z, w, h, [], hv, jw);
      const eps = 1e-6;
      const plus = z.slice();
      const minus = z.slice();
      for (let i = 0; i < st.tdim; i++) {
        plus[i] += eps * w[i];
        minus[i] -= eps * w[i];
      }
      st.step(plus, h, [], hv);
      st.step(minus, h, [], hv);
      for (let i = 0; i < st.tdim; i++) {
        const fd = (plus[i] - minus[i]) / (2 * eps);
        expect(Math.abs(jw[i] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    });
});

describe('compiled kernel against the tape, bit for bit', () => {
  const FIELDS = ['outcome', 'iter', 'period', 'lyapunov', 'f', 'sharpness', 'final0', 'final1'] as const;
  const same = (spec: ExperimentSpec) => sameAsInterpreted(spec, FIELDS);
  const spec = (optimizer: Partial<OptimizerSettings>, over: Record<string, unknown> = {}) =>
    parseSpec({
      objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
      optimizer: opt(optimizer),
      lr: 0.6,
      x0: [0, 0],
      plane: { u: { quantity: 'x', min: -2.5, max: 2.5 }, v: { quantity: 'y', min: -2.5, max: 2.5 } },
      size: [10, 9],
      iterations: 240,
      transient: 120,
      ...over,
    });
  for (const kind of ['momentum', 'nesterov', 'rmsprop', 'adam'] as const)
    it(`${kind} over starts`, () => {
      const cols = same(spec({ kind }));
      // Not a trivial map: some pixels diverge or oscillate, some converge.
      expect(new Set(cols.outcome).size).toBeGreaterThan(1);
    });
  it('adam without bias correction, sweeping (h, β) and (h, β₂)', () => {
    same(
      spec(
        { kind: 'adam', biasCorrection: false },
        {
          x0: [1.5, 0.2],
          plane: { u: { quantity: 'lr', min: 0.05, max: 1 }, v: { quantity: 'beta', min: 0, max: 1 } },
        },
      ),
    );
    same(
      spec(
        { kind: 'adam' },
        {
          x0: [1.5, 0.2],
          plane: { u: { quantity: 'lr', min: 0.05, max: 1 }, v: { quantity: 'beta2', min: 0.5, max: 1 } },
        },
      ),
    );
  });
});
