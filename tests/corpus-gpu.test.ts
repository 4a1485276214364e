/**
 * Every objective of the hostile-input corpus compiles to WGSL that Dawn (SwiftShader here) accepts
 * without a message, and the GPU agrees with the float64 tape on f and ∇f at each corpus point:
 * within f32 rounding where float64 is within the f32 range, exactly on ±∞ (and on values beyond f32's
 * range, which must be the same infinity) and on NaN. Where the arithmetic fixes f, both engines must
 * give that value.
 */
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import { CORPUS_OBJECTIVES } from './corpus/objectives.ts';
import { withDevice } from './helpers/gpu.ts';
import { runOnGpu, stride, type GpuEvalCase } from './helpers/objective-gpu.ts';

const F32_MAX = 3.4028234663852886e38;

/** Whether the f32 value v is the float64 value w as far as float32 can say it. */
function agrees(w: number, v: number): boolean {
  if (Number.isNaN(w)) return Number.isNaN(v);
  if (!Number.isFinite(w) || Math.abs(w) > F32_MAX) return v === Math.sign(w) * Infinity;
  // Below the smallest normal f32 the GPU may flush to zero.
  if (Math.abs(w) < 1e-30) return Math.abs(v) < 1e-30;
  // pow goes through exp2(b·log2(a)) in f32, whose error grows with |b·log2(a)|: 2.5e-3 relative.
  return Math.abs(v - w) <= 2.5e-3 * Math.abs(w) + 2.5e-3;
}

describe('corpus objectives on the GPU', () => {
  it('compile without messages and agree with float64 on f and ∇f, infinities included', async () => {
    const cases: GpuEvalCase[] = CORPUS_OBJECTIVES.map((o) => {
      const c = compileObjective({ expr: o.expr, params: o.params ?? {} });
      const points = o.points.map((p) => p.map(Math.fround));
      return {
        label: o.label,
        c,
        points,
        dirs: points.map((p) => p.map(() => 1)),
        params: Float64Array.from(c.paramValues, Math.fround),
      };
    });
    const problems: string[] = [];
    let compared = 0;
    await withDevice(async (device) => {
      for (const [i, k] of cases.entries()) {
        const out = await runOnGpu(device, k);
        const o = CORPUS_OBJECTIVES[i];
        const n = k.c.dim;
        const g = new Float64Array(n);
        k.points.forEach((x, j) => {
          const base = j * stride(n);
          const f = k.c.f(x, k.params);
          k.c.grad(x, k.params, g);
          const want = o.f?.[j];
          if (want !== undefined && !Object.is(f, want) && !(Math.abs(f - want) <= 1e-12 * Math.abs(want)))
            problems.push(`${o.label} at ${x}: float64 f = ${f}, the arithmetic says ${want}`);
          [f, ...g].forEach((w, m) => {
            compared++;
            if (!agrees(w, out[base + m]))
              problems.push(`${o.label} at ${x}: output ${m} GPU ${out[base + m]}, float64 ${w}`);
          });
        });
      }
    });
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  });
});
