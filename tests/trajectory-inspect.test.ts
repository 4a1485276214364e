/**
 * The trajectory inspector's flows (src/ui/trajectory-inspector/inspect.ts), computed on the page's
 * thread: at a kink of f they used to block it for seconds (abs(x)^1.2 from 1: 6 s) to minutes (from
 * 1.3), every interval at the RK4 substep cap.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../src/experiment/spec.ts';
import { inspectPixel, MAX_FLOW_SAMPLES } from '../src/ui/trajectory-inspector/inspect.ts';

/** A one-pixel map at start x0 = 1 and rate h = 0.1 (to rounding). */
function onePixel(expr: string) {
  const d = 2 ** -20;
  return parseSpec({
    objective: { expr, preset: null, params: {} },
    lr: 0.1,
    x0: [1],
    plane: {
      u: { quantity: 'x', min: 1 - d, max: 1 + d },
      v: { quantity: 'lr', min: 0.1 - d, max: 0.1 + d },
    },
    size: [1, 1],
    iterations: 2000,
    transient: 1000,
  });
}

describe('trajectory inspector flows', () => {
  it('stop at a kink after a bounded amount of work, with a note for each', () => {
    const t0 = performance.now();
    const d = inspectPixel(onePixel('abs(x)^1.2'), 0, 0, 60_000);
    // Deterministic: the work allowance, not the (here generous) time limit, stops every flow.
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(d.k).toHaveLength(2001);
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const col = d.flows[kind]![0];
      expect(col).toHaveLength(2001);
      const m = new RegExp(
        `the ${kind} flow stopped at step (\\d+) of ${MAX_FLOW_SAMPLES}: [^;]* kink of f`,
      ).exec(d.flowNote ?? '');
      expect(m, d.flowNote ?? '').not.toBeNull();
      const stop = Number(m![1]);
      // Gradient flow reaches the kink at t = 1/0.96 (step 10), the modified equations a little
      // sooner; the flow stops there, before its first interval at the substep cap.
      expect(stop).toBeGreaterThanOrEqual(8);
      expect(stop).toBeLessThan(20);
      expect(col.slice(0, stop + 1).every(Number.isFinite)).toBe(true);
      expect(col.slice(stop + 1).every(Number.isNaN)).toBe(true);
    }
    // The note on the steps shown is kept beside the flows' own.
    expect(d.flowNote).toMatch(/; flows shown for the first 300 steps$/);
  });

  it('stop when their time on the page is up, keeping what was integrated', () => {
    const d = inspectPixel(onePixel('abs(x)^1.5'), 0, 0, 0);
    expect(d.flowNote).toBe(
      ['gf', 'me1', 'me2']
        .map(
          (k) =>
            `the ${k} flow stopped at step 0 of 300: the flows may take 0 s together on the page's thread`,
        )
        .concat('flows shown for the first 300 steps')
        .join('; '),
    );
    expect(d.flows.gf![0][0]).toBe(1);
    expect(d.flows.gf![0].slice(1).every(Number.isNaN)).toBe(true);
  });

  it('sample each flow at t = k·h beside x_k: the closed forms on x²/2', () => {
    // ẋ = -c·x with c = 1, 1 + h/2, 1 + h/2 + h²/3: the series of -ln(1 - h)/h (NOTES.md).
    const d = inspectPixel(onePixel('x^2/2'), 0, 0);
    const h = d.h[0];
    const c = { gf: 1, me1: 1 + h / 2, me2: 1 + h / 2 + (h * h) / 3 };
    for (const k of [1, 10, 50])
      for (const kind of ['gf', 'me1', 'me2'] as const) {
        const rel = d.flows[kind]![0][k] / Math.exp(-c[kind] * k * h) - 1;
        expect(rel, `${kind} at k = ${k}`).toBeCloseTo(0, 8);
      }
    // At k = 10 (T = 1), GD (0.9^10) against each flow: 1.9e-2, 1.3e-3, 9.5e-5 in float64.
    const gd = d.states[0][10];
    expect(gd).toBeCloseTo(0.9 ** 10, 12);
    const err = (kind: 'gf' | 'me1' | 'me2') => Math.abs(d.flows[kind]![0][10] - gd);
    expect(err('gf')).toBeCloseTo(Math.exp(-1) - 0.9 ** 10, 6);
    expect(err('me1') / err('gf')).toBeLessThan(0.1);
    expect(err('me2') / err('me1')).toBeLessThan(0.15);
  });

  it('leave a smooth flow whole', () => {
    const d = inspectPixel(onePixel('x^2/2'), 0, 0);
    expect(d.flowNote).toBe('flows shown for the first 300 steps');
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const col = d.flows[kind]![0];
      expect(col.slice(0, 301).every(Number.isFinite)).toBe(true);
      // x₀e^{-t} for the gradient flow, at tol 1e-10 per interval.
      if (kind === 'gf') expect(col[100] / Math.exp(-100 * d.h[0]) / d.x0[0] - 1).toBeCloseTo(0, 7);
    }
  });
});
