/**
 * The emitted WGSL compiles in Dawn (no compilation messages at all) and evaluates f, ∇f, ∇²f, ∇²f·v
 * and the observables to the float64 tape's values on readback, for every preset and a few generated
 * expressions. Kept small: one device, one dispatch of a few dozen points per objective.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import type { CompiledObjective } from '../src/objective/types.ts';
import { PRESETS } from '../src/presets.ts';
import { withDevice } from './helpers/gpu.ts';
import { runOnGpu, stride, type GpuEvalCase } from './helpers/objective-gpu.ts';
import { expressionArb } from './objective-gen.ts';

interface Case extends GpuEvalCase {
  /** Whether the objective's functions call transcendental builtins (looser WGSL accuracy). */
  transcendental: boolean;
}

/**
 * f32 tolerance. Arithmetic rounds with relative error 2⁻²⁴ ≈ 6e-8 per operation, and these objectives
 * chain a few dozen operations with intermediate values ≲ 50, so polynomials get 2e-4·(1 + |value|),
 * still a tenth of a percent of a wrong formula's O(1) error. WGSL allows sin and cos an absolute
 * error of 2⁻¹¹ ≈ 4.9e-4 on [-π, π] (and exp2/log2, hence pow, errors that grow with the argument),
 * which derivative factors of a few multiply: expressions with transcendental functions get 2.5e-3.
 */
/** Largest |GPU - float64| / tolerance seen, reported so the margin is visible. */
let worst = 0;

function compare(k: Case, got: Float32Array): string[] {
  const { c } = k;
  const n = c.dim;
  const errors: string[] = [];
  const g = new Float64Array(n);
  const hv = new Float64Array(n);
  const h = new Float64Array(n * n);
  k.points.forEach((x, i) => {
    const o = i * stride(n);
    c.grad(x, k.params, g);
    c.hvp(x, k.params, k.dirs[i], hv);
    c.hess(x, k.params, h);
    const want = [
      c.f(x, k.params),
      ...g,
      ...hv,
      ...h,
      c.observableCount > 0 ? c.observable(0, x, k.params) : NaN,
      c.observableCount > 1 ? c.observable(1, x, k.params) : NaN,
    ];
    want.forEach((w, j) => {
      const v = got[o + j];
      if (Number.isNaN(w)) {
        if (!Number.isNaN(v)) errors.push(`${k.label} at ${x}: output ${j} should be NaN, got ${v}`);
        return;
      }
      const tol = (k.transcendental ? 2.5e-3 : 2e-4) * (1 + Math.abs(w));
      worst = Math.max(worst, Math.abs(v - w) / tol);
      if (!(Math.abs(v - w) <= tol)) errors.push(`${k.label} at ${x}: output ${j} GPU ${v}, float64 ${w}`);
    });
  });
  return errors;
}

function usesTranscendental(c: CompiledObjective): boolean {
  return /\b(sin|cos|tan|exp|log|pow|obj_pow|sinh|cosh|obj_tanh)\(/.test(
    c.wgsl.slice(c.wgsl.indexOf('fn objective_f')),
  );
}

function randomPoints(dim: number, count: number, lo: number, hi: number, seed: number): number[][] {
  const rng = fc.array(
    fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: dim, maxLength: dim }),
    {
      minLength: count,
      maxLength: count,
    },
  );
  const [pts] = fc.sample(rng, { seed, numRuns: 1 });
  // The GPU sees f32 inputs; the float64 reference must evaluate at exactly those points.
  return pts.map((p) => p.map(Math.fround));
}

/** Every case evaluated on a fresh device and compared with float64: the list of mismatches. */
async function gpuMismatches(cases: Case[]): Promise<string[]> {
  return withDevice(async (device) => {
    const all: string[] = [];
    for (const k of cases) all.push(...compare(k, await runOnGpu(device, k)));
    return all;
  });
}

describe('WGSL on Dawn', () => {
  it('every preset matches the float64 tape', async () => {
    const cases: Case[] = PRESETS.map((preset, i) => {
      const c = compileObjective({
        expr: preset.formula,
        params: { ...preset.params },
        observables: [`${preset.vars[0]}^2`],
      });
      const points = randomPoints(c.dim, 32, -2, 2, 100 + i);
      const dirs = randomPoints(c.dim, 32, -1, 1, 200 + i);
      return {
        label: preset.id,
        c,
        points,
        dirs,
        params: Float64Array.from(c.paramValues, Math.fround),
        transcendental: usesTranscendental(c),
      };
    });
    expect((await gpuMismatches(cases)).slice(0, 10)).toEqual([]);
    console.log(`presets: worst |GPU - float64| / tolerance = ${worst.toFixed(3)}`);
  });

  it('integer powers past 4, written out as repeated squaring, match the float64 tape', async () => {
    // Each a chain of let statements (a helper's loop was unrolled per call by the shader compiler).
    const c = compileObjective({
      expr: 'x^5 + y^7 - x^13*y^-6 + (x*y)^16 + a*x^-9',
      params: { a: 0.5 },
      observables: ['y^31', 'x^1000'],
    });
    expect(c.wgsl).not.toMatch(/\bfor \(|\bloop\b/);
    const k: Case = {
      label: 'powers',
      c,
      points: randomPoints(2, 16, 0.6, 1.01, 500),
      dirs: randomPoints(2, 16, -1, 1, 501),
      params: Float64Array.from(c.paramValues, Math.fround),
      transcendental: false,
    };
    expect((await gpuMismatches([k])).slice(0, 10)).toEqual([]);
  });

  it('generated expressions match the float64 tape', async () => {
    worst = 0;
    const exprs = fc.sample(
      expressionArb(['x', 'y', 'a'], 4).filter(
        (e) => /x/.test(e.text) && /y/.test(e.text) && e.text.length > 30,
      ),
      { seed: 99, numRuns: 8 },
    );
    const cases: Case[] = exprs.map((e, i) => {
      const c = compileObjective({
        expr: `${e.text} + 0*(x + y)`,
        params: { a: 0.75 },
        observables: [e.text, 'x*y'],
      });
      return {
        label: e.text,
        c,
        points: randomPoints(2, 16, -1.5, 1.5, 300 + i),
        dirs: randomPoints(2, 16, -1, 1, 400 + i),
        params: Float64Array.from(c.paramValues, Math.fround),
        transcendental: usesTranscendental(c),
      };
    });
    expect((await gpuMismatches(cases)).slice(0, 10)).toEqual([]);
    console.log(`generated: worst |GPU - float64| / tolerance = ${worst.toFixed(3)}`);
  });
});
