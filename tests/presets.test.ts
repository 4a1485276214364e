import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import { getPreset, PRESETS, resolveObjectiveOption } from '../src/presets.ts';
import { resolveQuantity } from '../src/experiment/spec.ts';

const IDS = [
  'quadratic',
  'quadratic-2d',
  'double-well',
  'mf-scalar',
  'mf-matrix',
  'eos-minimal',
  'coupled-wells',
  'multiscale',
  'multiscale-double-well',
  'tiny-network',
];

/** Plain float64 GD with the compiled gradient. */
function gd(id: string, lr: number, x0: readonly number[], steps: number): number[] {
  const p = getPreset(id)!;
  const c = compileObjective({ expr: p.formula, params: { ...p.params } });
  const x = Float64Array.from(x0);
  const g = new Float64Array(c.dim);
  for (let k = 0; k < steps; k++) {
    c.grad(x, c.paramValues, g);
    for (let i = 0; i < c.dim; i++) x[i] -= lr * g[i];
  }
  return Array.from(x);
}

describe('presets', () => {
  it('are the ones issue 2 lists, each complete and consistent', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(IDS);
    for (const p of PRESETS) {
      const c = compileObjective({ expr: p.formula, params: { ...p.params } });
      expect(c.vars, p.id).toEqual(p.vars);
      expect(c.params.slice().sort(), p.id).toEqual(Object.keys(p.params).sort());
      expect(p.x0, p.id).toHaveLength(c.dim);
      expect(p.lrRange[0], p.id).toBeLessThan(p.lrRange[1]);
      expect(p.lr, p.id).toBeGreaterThanOrEqual(p.lrRange[0]);
      expect(p.lr, p.id).toBeLessThanOrEqual(p.lrRange[1]);
      for (const axis of [p.view.u, p.view.v]) {
        expect(axis.min, p.id).toBeLessThan(axis.max);
        expect(
          () => resolveQuantity(axis.quantity, c.vars, c.params),
          `${p.id} ${axis.quantity}`,
        ).not.toThrow();
      }
      expect(p.explanation.length, p.id).toBeGreaterThan(150);
      expect(p.citation, p.id).toMatch(/20\d\d/);
      expect(Number.isFinite(c.f(p.x0, c.paramValues)), p.id).toBe(true);
    }
  });

  it('name f0 and the temperature T = h·A²/4 for the multiscale ones', () => {
    for (const id of ['multiscale', 'multiscale-double-well']) {
      const p = getPreset(id)!;
      expect(p.temperature!(0.5, { A: 1, eps: 0.01 })).toBe(0.125);
      expect(p.temperature!(0.2, { A: 2 })).toBeCloseTo(0.2, 15);
      const f0 = compileObjective({ expr: p.f0!, params: {} });
      const f = compileObjective({ expr: p.formula, params: { ...p.params } });
      // f - f0 = A·ε·sin(x/ε) is at most A·ε in size.
      for (const x of [-1.3, 0.2, 0.9]) {
        const diff = f.f([x], f.paramValues) - f0.f([x], []);
        expect(Math.abs(diff - 0.01 * Math.sin(x / 0.01))).toBeLessThan(1e-15);
      }
    }
    for (const p of PRESETS.filter((q) => !q.id.startsWith('multiscale'))) {
      expect(p.f0, p.id).toBeUndefined();
      expect(p.temperature, p.id).toBeUndefined();
    }
  });

  it('resolve an objective option that is a preset id or an expression', () => {
    expect(resolveObjectiveOption('multiscale')).toEqual({
      expr: 'x^2/2 + A*eps*sin(x/eps)',
      preset: 'multiscale',
      params: { A: 1, eps: 0.01 },
    });
    expect(resolveObjectiveOption('multiscale', { eps: 0.001 }).params).toEqual({ A: 1, eps: 0.001 });
    expect(resolveObjectiveOption('sin(x)*k', { k: 2 })).toEqual({
      expr: 'sin(x)*k',
      preset: null,
      params: { k: 2 },
    });
    expect(getPreset('nope')).toBeUndefined();
    // The defaults object of a preset is not shared with the caller.
    resolveObjectiveOption('mf-matrix').params.a11 = 99;
    expect(getPreset('mf-matrix')!.params.a11).toBe(1);
  });
});

describe('numbers quoted in the explanations', () => {
  it('mf-scalar: each step multiplies x² - y² by 1 - h²r² (NOTES.md)', () => {
    const p = getPreset('mf-scalar')!;
    const c = compileObjective({ expr: p.formula, params: {} });
    const h = 0.9;
    const x = [1.5, 0.5];
    const g = new Float64Array(2);
    for (let k = 0; k < 20; k++) {
      const r = x[0] * x[1] - 1;
      const before = x[0] ** 2 - x[1] ** 2;
      c.grad(x, [], g);
      x[0] -= h * g[0];
      x[1] -= h * g[1];
      const want = before * (1 - h * h * r * r);
      expect(Math.abs(x[0] ** 2 - x[1] ** 2 - want)).toBeLessThan(1e-13 * (1 + Math.abs(before)));
    }
  });

  it('double-well: period 2 at h = 1.1, period 4 at h = 1.25, period 3 at h = 1.455, divergence at h = 2.1', () => {
    const period = (h: number): number => {
      const [u] = gd('double-well', h, [0.3], 20_000);
      let v = u;
      for (let p = 1; p <= 16; p++) {
        v = v + h * v * (1 - v * v);
        if (Math.abs(v - u) < 1e-9) return p;
      }
      return 0;
    };
    expect(period(0.9)).toBe(1);
    expect(period(1.1)).toBe(2);
    expect(period(1.25)).toBe(4);
    expect(period(1.455)).toBe(3);
    expect(Number.isFinite(gd('double-well', 2.1, [0.3], 200)[0])).toBe(false);
  });

  it('eos-minimal: GD from the default start settles at sharpness just under 2/η', () => {
    const p = getPreset('eos-minimal')!;
    const [x, y] = gd(p.id, p.lr, p.x0, 10_000);
    expect(Math.abs(x * x * y * y - 1)).toBeLessThan(1e-9);
    const sharpness = 2 * (x * x + y * y);
    expect(sharpness).toBeLessThan(2 / p.lr);
    expect(sharpness).toBeGreaterThan(2 / p.lr - 0.05);
    // Gradient flow conserves x² - y² and would end near sharpness 32, far above 2/η.
    const d = p.x0[0] ** 2 - p.x0[1] ** 2;
    const y2 = (-d + Math.sqrt(d * d + 4)) / 2;
    expect(2 * (y2 + 1 / y2)).toBeGreaterThan(31);
  });

  it('multiscale: the stationary variance is h·A²/(2(2 - h)), above the Gibbs T; the density flat-topped within |x| < A', () => {
    const p = getPreset('multiscale')!;
    const c = compileObjective({ expr: p.formula, params: { ...p.params } });
    const h = p.lr;
    const x = [0.7];
    const g = new Float64Array(1);
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let top = 0;
    const N = 200_000;
    for (let k = 0; k < 1000 + N; k++) {
      c.grad(x, c.paramValues, g);
      x[0] -= h * g[0];
      if (k >= 1000) {
        s += x[0];
        s2 += x[0] * x[0];
        s4 += x[0] ** 4;
        top = Math.max(top, Math.abs(x[0]));
      }
    }
    const variance = s2 / N - (s / N) ** 2;
    expect(variance).toBeCloseTo((h * 1) / (2 * (2 - h)), 2);
    expect(variance).toBeGreaterThan(p.temperature!(h, p.params) * 1.2);
    // The explanation's shape: kurtosis near 2.1, not a Gaussian's 3 (the mean is within 0.01 of 0,
    // so the raw fourth moment stands for the central one), and |x| < A = 1.
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    const kurtosis = s4 / N / variance ** 2;
    expect(kurtosis).toBeGreaterThan(2);
    expect(kurtosis).toBeLessThan(2.2);
    expect(top).toBeLessThan(1);
  });
});
