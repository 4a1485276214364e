/**
 * The note beside GD's flows where GD overshoots (src/reference/overshoot.ts): at h·λmax > 1 GD
 * flips sign along the sharpest direction every step, which no flow ẋ = F(x) does, so the gradient
 * flow and the modified equations drawn beside it are no approximation of it. The inspector and
 * `gdlab trajectory --flows` used to draw them there without a word (x²/2 at h = 1.5: GD (−1/2)^k,
 * the flows smooth decays). tests/cli-trajectory.test.ts holds the notes of its other runs.
 */
import { describe, expect, it } from 'vitest';
import type { TrajectoryJson } from '../src/cli/trajectory.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { DEFAULT_OPTIMIZER, type OptimizerKind } from '../src/optimizer/rules.ts';
import { findOvershoot, overshootNote } from '../src/reference/overshoot.ts';
import { inspectPixel, MAX_FLOW_SAMPLES } from '../src/ui/trajectory-inspector/inspect.ts';
import { runCli } from './helpers/cli.ts';

const TAIL =
  ': GD overshoots there, flipping sign along the sharpest direction (1 − h·λmax < 0); no flow ' +
  'ẋ = F(x) follows that, so the flows are drawn for comparison only, not as an approximation of GD';

/** `gdlab trajectory …args`'s JSON, its notes also on stderr one line each, as a user sees them. */
async function trajectory(...args: string[]): Promise<TrajectoryJson> {
  const { stdout, stderr } = await runCli(['trajectory', ...args], { timeout: 60_000 });
  const out = JSON.parse(stdout) as TrajectoryJson;
  expect(stderr).toBe(out.notes.map((n) => `gdlab trajectory: ${n}\n`).join(''));
  return out;
}

/** A one-pixel map at start x0 and rate h (each to a relative 2^-30). */
function onePixel(expr: string, x0: number, h: number, kind: OptimizerKind = 'gd', lrPerCoord?: number[]) {
  const d = 2 ** -30;
  return parseSpec({
    objective: { expr, preset: null, params: {} },
    optimizer: { ...DEFAULT_OPTIMIZER, kind },
    lr: h,
    ...(lrPerCoord ? { lrPerCoord } : {}),
    x0: [x0, ...(lrPerCoord ? [x0] : [])],
    plane: {
      u: { quantity: 'x', min: x0 * (1 - d), max: x0 * (1 + d) },
      v: lrPerCoord
        ? { quantity: 'lr.y', min: h * (1 - d), max: h * (1 + d) }
        : { quantity: 'lr', min: h * (1 - d), max: h * (1 + d) },
    },
    size: [1, 1],
    iterations: 600,
    transient: 300,
  });
}

describe('GD overshooting beside its flows', () => {
  it('is found at the first h·λmax > 1, strictly, with the largest value, NaN skipped', () => {
    expect(findOvershoot(0.5, [1.9, 2, 1.5])).toBeNull();
    expect(findOvershoot(0.5, [NaN, 2.5, 5, 3, 5])).toEqual({ k: 1, value: 1.25, maxK: 2, max: 2.5 });
    expect(findOvershoot(1, [NaN, Infinity])).toEqual({ k: 1, value: Infinity, maxK: 1, max: Infinity });
    expect(findOvershoot(1.5, [])).toBeNull();
  });

  it('is written with its step and value, more digits where four would read "1 > 1"', () => {
    expect(overshootNote({ k: 3, value: 1.23456, maxK: 3, max: 1.23456 })).toBe(
      `h·λmax(∇²f) = 1.235 > 1 first at step 3${TAIL}`,
    );
    expect(overshootNote({ k: 0, value: 1 + 1e-7, maxK: 4, max: 2.00001 })).toBe(
      `h·λmax(∇²f) = 1.0000001 > 1 first at step 0 (up to 2.00001 > 2 at step 4, ` +
        `where |1 − h·λmax| > 1: the linearised step grows along it)${TAIL}`,
    );
    // At exactly 2 the multiplier is −1: a period-2 flip, not growth.
    expect(overshootNote({ k: 0, value: 2, maxK: 0, max: 2 })).toBe(
      `h·λmax(∇²f) = 2 > 1 first at step 0${TAIL}`,
    );
  });

  it('is noted by the inspector on x²/2 at h = 1.5, where GD is (−1/2)^k and the flows decay', () => {
    const d = inspectPixel(onePixel('x^2/2', 1, 1.5), 0, 0);
    expect(d.h[0]).toBe(1.5);
    expect(d.states[0].slice(0, 4)).toEqual([1, -0.5, 0.25, -0.125]);
    expect(d.flows.gf![0].slice(1, 4).every((x) => x > 0)).toBe(true);
    expect(d.overshoot).toBe(`h·λmax(∇²f) = 1.5 > 1 first at step 0${TAIL}`);
    // Kept apart from the notes on how the flows were computed.
    expect(d.flowNote).toBe('flows shown for the first 300 steps');
  });

  it('is not noted at h = 0.5, nor where no flows are drawn', () => {
    expect(inspectPixel(onePixel('x^2/2', 1, 0.5), 0, 0).overshoot).toBeNull();
    // Heavy ball at h = 1.5 flips too, but no flow is drawn beside it.
    const hb = inspectPixel(onePixel('x^2/2', 1, 1.5, 'momentum'), 0, 0);
    expect(hb.flows).toEqual({});
    expect(hb.overshoot).toBeNull();
    // h = (0.5, 1.5): y flips, but there is no single step to sample a flow at.
    const per = inspectPixel(onePixel('x^2/2 + y^2/2', 1, 1.5, 'gd', [0.5, 1.5]), 0, 0);
    expect(per.flowNote).toBe('no flows for per-coordinate rates: there is no single time step h');
    expect(per.overshoot).toBeNull();
  });

  it('looks only at the steps the flows are drawn beside', () => {
    // The double well from 1e-90 at h = 0.8: x grows 1.8-fold a step near the top, so GD reaches
    // the well (h·f'' = 1.6 at x = 1) after the flows' 300 samples.
    const d = inspectPixel(onePixel('x^4/4 - x^2/2', 1e-90, 0.8), 0, 0);
    const all = findOvershoot(d.h[0], d.sharpness)!;
    expect(all.k).toBeGreaterThan(MAX_FLOW_SAMPLES);
    expect(all.k).toBeLessThan(400);
    expect(d.overshoot).toBeNull();
    // From 1e-30 it gets there within them: the step the note names is GD's own first.
    const near = inspectPixel(onePixel('x^4/4 - x^2/2', 1e-30, 0.8), 0, 0);
    const first = findOvershoot(near.h[0], near.sharpness)!;
    expect(first.k).toBeLessThan(MAX_FLOW_SAMPLES);
    expect(near.overshoot).toMatch(new RegExp(`^h·λmax\\(∇²f\\) = 1\\.\\d+ > 1 first at step ${first.k}: `));
    expect(0.8 * (3 * near.states[0][first.k] ** 2 - 1)).toBeGreaterThan(1);
    expect(0.8 * (3 * near.states[0][first.k - 1] ** 2 - 1)).toBeLessThanOrEqual(1);
  });

  it('is noted by gdlab trajectory only where h·λmax > 1 beside flows, with the first step and its value', async () => {
    const quad = ['--objective', 'x^2/2', '--x0', '1', '--iters', '20', '--flows', 'gf,me1'];
    // h = 1.5: x_k = (−1/2)^k. h = 0.5: x_k = 0.5^k, no flip; h = 1: the multiplier is 0 (x₁ = 0
    // exactly), nothing flips.
    expect((await trajectory(...quad, '--lr', '1.5')).notes).toEqual([
      `h·λmax(∇²f) = 1.5 > 1 first at step 0${TAIL}`,
    ]);
    for (const lr of ['0.5', '1']) expect((await trajectory(...quad, '--lr', lr)).notes).toEqual([]);
    // Without flows the note would qualify nothing.
    const bare = await trajectory('--objective', 'x^2/2', '--x0', '1', '--iters', '20', '--lr', '1.5');
    expect(bare.notes).toEqual([]);
    // The double well from near its top at h = 0.8: f'' = 3x² − 1 starts negative and passes
    // 1/h = 1.25 on the way to the minimum at 1 (where h·f'' = 1.6): the note names that step.
    const out = await trajectory(
      ...['--objective', 'x^4/4 - x^2/2', '--lr', '0.8', '--x0', '0.1', '--iters', '60', '--flows', 'gf'],
    );
    let x = 0.1;
    let first = -1;
    for (let k = 0; first < 0; k++) {
      if (0.8 * (3 * x * x - 1) > 1) first = k;
      else x -= 0.8 * (x * x * x - x);
    }
    expect(first).toBeGreaterThan(3);
    expect(out.notes).toHaveLength(1);
    const m = /^h·λmax\(∇²f\) = ([0-9.]+) > 1 first at step (\d+): GD overshoots/.exec(out.notes[0]);
    expect(m, out.notes[0]).not.toBeNull();
    expect(Number(m![2])).toBe(first);
    expect(Number(m![1])).toBeCloseTo(0.8 * (3 * x * x - 1), 3);
    expect(out.notes[0].endsWith(TAIL)).toBe(true);
    // GD settles at 1 flipping around it, (1 − 1.6)^k, while gradient flow creeps up from below.
    const last = out.iterates.slice(-3).map(([v]) => v - 1);
    expect(last[0] * last[1]).toBeLessThan(0);
    expect(out.flows.gf!.slice(first).every(([v]) => v < 1)).toBe(true);
  });
});
