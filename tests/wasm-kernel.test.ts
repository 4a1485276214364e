/**
 * The compiled GD kernel (src/reference/kernel) against the interpreted float64 reference (runGrid
 * with `interpreted`: classifyInto over the tape): every field of every record, bit for bit, over specs that
 * exercise each part of the step (divergence, exponent, window, period test, parameter and rate
 * sweeps, observables, dimensions 1 to 3, the edges of the schedule).
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes } from '../src/core/records.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { schedule } from '../src/reference/kernel/segments.ts';
import { StepFlag } from '../src/reference/kernel/layout.ts';
import { sameAsInterpreted } from './helpers/compiled-basin.ts';

const base = (over: Record<string, unknown>) =>
  parseSpec({ size: [20, 18], iterations: 300, transient: 180, ...over });

describe('compiled kernel against the interpreted reference', () => {
  it('mf-scalar at h = 1.1 over starts: 2-cycles, fixed points and escapes, with observables', () => {
    const cols = sameAsInterpreted(
      base({
        objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
        lr: 1.1,
        x0: [0, 0],
        plane: { u: { quantity: 'x', min: -2.5, max: 2.5 }, v: { quantity: 'y', min: -2.5, max: 2.5 } },
        observables: ['x^2 - y^2', 'x*y'],
      }),
    );
    const counts = countOutcomes(cols);
    // Every class the map should hold is there, so each branch of the kernel ran.
    expect(counts.diverged).toBeGreaterThan(20);
    expect(counts.converged + (counts.periodic['2'] ?? 0)).toBeGreaterThan(50);
  });

  it('the double well over (lr, x) without exponents, and with a transient of 0', () => {
    const spec = {
      objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 0.5, max: 2.3 }, v: { quantity: 'x', min: -1.6, max: 1.6 } },
      size: [24, 10],
    };
    const cols = sameAsInterpreted(base({ ...spec, classify: { lyapunov: false } }));
    expect(Array.from(cols.lyapunov).every((l) => Number.isNaN(l))).toBe(true);
    sameAsInterpreted(base({ ...spec, transient: 0 }));
  });

  it('parameters and a per-coordinate rate swept, transcendental functions, a 3-D objective', () => {
    sameAsInterpreted(
      base({
        objective: {
          expr: 'a*x^2/2 + b*y^2/2 + 0.3*sin(3*x*y) + exp(-(x-y)^2)',
          preset: null,
          params: { a: 1, b: 2 },
        },
        x0: [0.8, -0.6],
        lr: 0.4,
        plane: { u: { quantity: 'a', min: 0.5, max: 4 }, v: { quantity: 'lr.y', min: 0.2, max: 1.2 } },
        size: [12, 12],
      }),
    );
    sameAsInterpreted(
      base({
        objective: {
          expr: '(x1^2 + x2^2 + x3^2 - 1)^2/4 + 0.2*x1*x2*x3 + abs(x3)^3',
          preset: null,
          params: {},
        },
        x0: [0.4, 0.3, -0.5],
        lr: 0.7,
        plane: { u: { quantity: 'x1', min: -1.5, max: 1.5 }, v: { quantity: 'x2', min: -1.5, max: 1.5 } },
        size: [10, 9],
      }),
    );
  });

  it('the edges of the schedule: checkpoint at step 1, a window too short to judge, an odd window', () => {
    const spec = {
      objective: { expr: 'x^4/4 - x^2/2 + 0.1*x', preset: null, params: {} },
      x0: [0],
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'lr', min: 0.1, max: 1.5 } },
      size: [9, 7],
    };
    sameAsInterpreted(base({ ...spec, iterations: 12, transient: 5, classify: { maxPeriod: 11 } }));
    sameAsInterpreted(base({ ...spec, iterations: 40, transient: 39 }));
    sameAsInterpreted(base({ ...spec, iterations: 91, transient: 20 }));
  });

  it("rule 3's divisor test: an orbit still approaching the double well's 2-cycle is no 4-cycle", () => {
    // One pixel at exactly (h, x0): a pixel's value is the centre of its range.
    const dw = { expr: '(x^2 - 1)^2/4', preset: null, params: {} };
    const pixel = (h: number) =>
      sameAsInterpreted(
        base({
          objective: dw,
          x0: [0.3],
          plane: {
            u: { quantity: 'lr', min: h - 0.125, max: h + 0.125 },
            v: { quantity: 'x', min: 0.175, max: 0.425 },
          },
          size: [1, 1],
          iterations: 700,
          transient: 500,
        }),
      );
    const obj = compileObjective(dw);
    const opts = { iterations: 700, transient: 500 };
    // Just below the doubling at √5 - 1: d_4 passes tol·a_4 (the candidate is 4) while d_2 is still
    // far above it, so d_4 > tol·d_2 fails the divisor test (which the kernels once lacked: 4).
    const slow = pixel(1.2345);
    expect([slow.outcome[0], slow.period[0]]).toEqual([Outcome.UNSETTLED, 0]);
    const slowRef = classifyTrajectory(obj, [0.3], 1.2345, opts);
    expect([slowRef.outcome, slowRef.period]).toEqual([Outcome.UNSETTLED, 0]);
    // Past it, a genuine 4-cycle.
    const cycle = pixel(1.24);
    expect([cycle.outcome[0], cycle.period[0]]).toEqual([Outcome.PERIODIC, 4]);
    expect(classifyTrajectory(obj, [0.3], 1.24, opts).period).toBe(4);
  });

  it('periods with divisors across the doubling, under GD and heavy ball, every field', () => {
    // The double well's 2-cycle doubles at √5 - 1 = 1.23607 and its 4-cycle before 1.3: candidates
    // 4 and 8 that pass the divisor test and (slow approaches) that fail it, the same under heavy
    // ball (whose d_i include the velocity) past its 2-cycle's doubling near h = 1.5.
    const cols = sameAsInterpreted(
      base({
        objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
        x0: [0.3],
        plane: { u: { quantity: 'lr', min: 1.225, max: 1.3 }, v: { quantity: 'x', min: 0.1, max: 1.4 } },
        size: [30, 8],
        iterations: 700,
        transient: 500,
      }),
    );
    const counts = countOutcomes(cols);
    expect(counts.periodic['4']).toBeGreaterThan(0);
    expect(counts.unsettled).toBeGreaterThan(0);
    sameAsInterpreted(
      base({
        objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
        lr: 1.25,
        x0: [0, 0],
        plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
        classify: { maxPeriod: 24 },
      }),
    );
    sameAsInterpreted(
      base({
        objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
        optimizer: { kind: 'momentum', beta: 0.3 },
        x0: [0.3],
        plane: { u: { quantity: 'lr', min: 1.48, max: 1.53 }, v: { quantity: 'x', min: 0.1, max: 1.4 } },
        size: [24, 6],
        iterations: 700,
        transient: 500,
      }),
    );
  });

  it('plans one kernel call per range with the flags of src/core/outcome.ts', () => {
    // N = 200, T = 100: the tangent's warm-up from 100 - 64 = 36, window halves 100…150 and
    // 150…200, checkpoint at 184.
    const s = schedule(200, 100, 16, true);
    const F = StepFlag;
    expect(s.segments.map((g) => [g.start, g.end, g.flags])).toEqual([
      [0, 36, 0],
      [36, 100, F.LYAPUNOV],
      [100, 150, F.LYAPUNOV | F.GROW1],
      [150, 184, F.LYAPUNOV | F.GROW2],
      [184, 200, F.LYAPUNOV | F.GROW2 | F.PERIOD],
    ]);
    expect(s.segments.map((g) => [g.checkpoint, g.anchor, g.measure])).toEqual([
      [false, false, false],
      [false, false, false],
      [false, true, true],
      [false, true, false],
      [true, false, false],
    ]);
    expect([s.K, s.half, s.lyapunov]).toEqual([184, 50, true]);
    // A transient shorter than the warm-up warms up from 0; without the exponent, no warm-up at all.
    expect(schedule(100, 40, 16, true).segments[0]).toMatchObject({ start: 0, end: 40, flags: F.LYAPUNOV });
    expect(schedule(200, 100, 16, false).segments[0]).toMatchObject({ start: 0, end: 100, flags: 0 });
    // T = 0: nothing to warm up, nothing to renormalise.
    expect(schedule(100, 0, 16, true).segments.some((g) => g.measure)).toBe(false);
  });
});
