/**
 * The WGSL helpers that give pow, log, sqrt, tanh and NaN propagation their float64 meaning (dag.ts,
 * power semantics), run on the device over every edge case of their domains: ±0, ±1, ±∞, NaN,
 * negative bases with odd, even and fractional exponents. The helpers are written without branches
 * (a select per case, later ones taking precedence), so an order slip would change one case only:
 * each is here. And the compile-time bound those branch-free helpers exist for: a chain of powers
 * with variable exponents that crashed SwiftShader (with branches) compiles within seconds.
 */
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import { withDevice } from './helpers/gpu.ts';
import { runOnGpu, stride } from './helpers/objective-gpu.ts';

const F32_MAX = 3.4028234663852886e38;

/** Whether the f32 v is the float64 w: NaN for NaN, the same infinity, else within pow's f32 error. */
function agrees(w: number, v: number): boolean {
  if (Number.isNaN(w)) return Number.isNaN(v);
  if (!Number.isFinite(w) || Math.abs(w) > F32_MAX) return v === Math.sign(w) * Infinity;
  if (Math.abs(w) < 1e-30) return Math.abs(v) < 1e-30;
  return Math.abs(v - w) <= 1e-5 * Math.abs(w);
}

// No subnormals: the GPU may flush them to zero, which the helpers then treat as zero.
const SPECIAL = [NaN, -Infinity, -3, -2, -1, -0.5, -0, 0, 0.5, 1, 2, 3, Infinity];
const EXPONENTS = [NaN, -Infinity, -3, -2, -1.5, -1, -0.5, -0, 0, 0.5, 1, 1.5, 2, 3, 1e30, Infinity];

/** f of `expr` on the device and in float64 at each point: the mismatches, as text. */
async function mismatches(device: GPUDevice, expr: string, points: number[][]): Promise<string[]> {
  const c = compileObjective({ expr, params: {} });
  const out = await runOnGpu(device, {
    label: expr,
    c,
    points,
    dirs: points.map((p) => p.map(() => 1)),
    params: new Float64Array(0),
  });
  const bad: string[] = [];
  points.forEach((x, i) => {
    const w = c.f(x, c.paramValues);
    const v = out[i * stride(c.dim)];
    if (!agrees(w, v)) bad.push(`${expr} at (${x.join(', ')}): GPU ${v}, float64 ${w}`);
  });
  return bad;
}

describe('WGSL helpers on Dawn', () => {
  it('pow, log, sqrt, tanh and NaN propagation agree with float64 on every edge case', async () => {
    const bad = await withDevice(async (device) => [
      ...(await mismatches(
        device,
        'x^y',
        SPECIAL.flatMap((a) => EXPONENTS.map((b) => [a, b])),
      )),
      // An odd exponent beyond 2²⁴, whose f32 literal is even: the base's sign is kept (pow_odd).
      ...(await mismatches(
        device,
        'x^16777217',
        SPECIAL.map((a) => [a]),
      )),
      ...(await mismatches(
        device,
        'log(x)',
        SPECIAL.map((a) => [a]),
      )),
      ...(await mismatches(
        device,
        'sqrt(x)',
        SPECIAL.map((a) => [a]),
      )),
      ...(await mismatches(
        device,
        'tanh(x)',
        [...SPECIAL, 100, -100].map((a) => [a]),
      )),
      ...(await mismatches(
        device,
        'exp(x)',
        SPECIAL.map((a) => [a]),
      )),
    ]);
    expect(bad).toEqual([]);
  });

  it('a chain of 40 powers with variable exponents compiles in seconds', async () => {
    // With a branch per case in each inlined helper, SwiftShader crashed on this (signal 11, after
    // a minute and 1.7 GB); 40 such powers summed took 13 s.
    let expr = 'x1';
    for (let i = 0; i < 40; i++) expr = `(${expr})^x${(i % 8) + 1}`;
    const point = [Array.from({ length: 8 }, () => 1.01)];
    const start = performance.now();
    const bad = await withDevice((device) => mismatches(device, expr, point));
    expect(bad).toEqual([]);
    expect(performance.now() - start).toBeLessThan(20_000);
  }, 60_000);
});
