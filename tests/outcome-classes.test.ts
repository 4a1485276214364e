/**
 * The outcome classes mean what a dynamicist means (src/core/outcome.ts): a cycle repeats with the
 * same amplitude, a chaotic orbit is bounded with λ > 0, a slowly growing orbit is escaping and a
 * slowly contracting oscillation is not settled. Checked on x²/2, whose GD is x_k = (1 - h)^k x₀.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideOutcome, divisorsPass, Outcome, periodOf } from '../src/core/outcome.ts';
import { countOutcomes, type OutcomeCounts } from '../src/core/records.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { doubleWell, mfScalar, quadratic } from './reference-fixtures.ts';

const N = 500;
const T = 300;

describe('decideOutcome (rule 6)', () => {
  const theta = 1e-3;
  it('orders the classes: fixed point, cycle, escaping, chaotic, unsettled', () => {
    expect(decideOutcome(1, 0.5, 1, 100, 100, theta)).toBe(Outcome.CONVERGED);
    // A one-step rest with a stretching tangent map: resting when the window's second half stayed
    // within tol·s, passing (and classified by the rest of rule 6) when it wandered beyond.
    expect(decideOutcome(1, 0.5, 1, 1e-5, 100, theta, 1e-4)).toBe(Outcome.CONVERGED);
    expect(decideOutcome(1, 0.5, 1, 0.1, 100, theta, 1e-4)).toBe(Outcome.CHAOTIC);
    expect(decideOutcome(1, -0.5, 1, 0.1, 100, theta, 1e-4)).toBe(Outcome.CONVERGED);
    expect(decideOutcome(2, -0.1, 1, 1, 100, theta)).toBe(Outcome.PERIODIC);
    expect(decideOutcome(2, Number.NaN, 1, 1, 100, theta)).toBe(Outcome.PERIODIC);
    // A positive exponent outranks a (rounding-closed) cycle.
    expect(decideOutcome(2, 0.3, 1, 1, 100, theta)).toBe(Outcome.CHAOTIC);
    expect(decideOutcome(0, 0.3, 1, 1.5, 100, theta)).toBe(Outcome.CHAOTIC);
    expect(decideOutcome(0, Number.NaN, 1, 1.5, 100, theta)).toBe(Outcome.UNSETTLED);
    expect(decideOutcome(0, Number.NaN, 1, 2.5, 100, theta)).toBe(Outcome.ESCAPING);
  });

  it('calls an orbit escaping when its extent grows at half the rate of the tangent vector', () => {
    // λ = 0.01 over half H = 100: the threshold ratio is e^{0.5}.
    expect(decideOutcome(0, 0.01, 1, Math.exp(0.49), 100, theta)).toBe(Outcome.CHAOTIC);
    expect(decideOutcome(0, 0.01, 1, Math.exp(0.51), 100, theta)).toBe(Outcome.ESCAPING);
    // No window, no growth, and no chaos: an exponent over fewer than 32 steps (H < 16) says the orbit
    // stretches, not that it is chaotic, nor (R2 above tol·s) that it rests.
    expect(decideOutcome(0, 0.01, 1, 1e9, 0, theta)).toBe(Outcome.UNSETTLED);
    expect(decideOutcome(0, 0.5, 1, 1, 15, theta)).toBe(Outcome.UNSETTLED);
    expect(decideOutcome(0, 0.5, 1, 1, 16, theta)).toBe(Outcome.CHAOTIC);
    expect(decideOutcome(2, 0.5, 1, 1, 15, theta)).toBe(Outcome.UNSETTLED);
    expect(decideOutcome(1, 0.5, 1, 0.1, 15, theta, 1e-4)).toBe(Outcome.UNSETTLED);
    // A huge exponent saturates instead of overflowing to ∞·0.
    expect(decideOutcome(0, 1e6, 0, 0, 100, theta)).toBe(Outcome.CHAOTIC);
  });

  it("calls growth escaping only when the tail reaches half of R2 (R2'): a burst that came back is not", () => {
    // R2 = 2.5 > 2·R1, reached again over the tail (a runaway), or not (a burst that came back).
    expect(decideOutcome(0, Number.NaN, 1, 2.5, 100, theta, Infinity, 2.5)).toBe(Outcome.ESCAPING);
    expect(decideOutcome(0, Number.NaN, 1, 2.5, 100, theta, Infinity, 1.25)).toBe(Outcome.ESCAPING);
    expect(decideOutcome(0, Number.NaN, 1, 2.5, 100, theta, Infinity, 1.2)).toBe(Outcome.UNSETTLED);
    // With λ > θ a burst that came back is what a bounded chaotic orbit does.
    expect(decideOutcome(0, 0.01, 1, 2, 100, theta, Infinity, 0.1)).toBe(Outcome.CHAOTIC);
    expect(decideOutcome(0, 0.01, 1, 2, 100, theta, Infinity, 2)).toBe(Outcome.ESCAPING);
  });

  it('holds its bounds exactly: λ > θ is strict, and a half of H = 16 steps is long enough', () => {
    // λ = θ is not chaos: at θ = 0 the neutral 2-cycle of x²/2 at h = 2 (λ = ln|1 - h| = 0) stays a
    // cycle, and an orbit with λ = θ and no period is unsettled, not chaotic.
    expect(decideOutcome(2, 0, 1, 1, 100, 0)).toBe(Outcome.PERIODIC);
    expect(decideOutcome(0, theta, 1, 1.5, 100, theta)).toBe(Outcome.UNSETTLED);
    // Rule 5 judges growth from H ≥ 16: R2 = 3 > 2·R1 is escaping at H = 16, says nothing at H = 15.
    expect(decideOutcome(0, Number.NaN, 1, 3, 16, theta)).toBe(Outcome.ESCAPING);
    expect(decideOutcome(0, Number.NaN, 1, 3, 15, theta)).toBe(Outcome.UNSETTLED);
  });

  it('rule 3: a candidate that fails its divisor test stands when the orbit is back exactly after 2p steps', () => {
    const tol = 1e-4;
    // d_1 … d_16 of a float32 16-cycle near its 8-cycle, across the double well: d_4 = d_12 = 3e-3,
    // d_8 = 3e-6 (within tol of the orbit's extent, not of d_4), d_16 = 0.
    const d = Array.from({ length: 16 }, (_, i) =>
      i === 15 ? 0 : i === 7 ? 3e-6 : (i + 1) % 4 === 0 ? 3e-3 : 0.5,
    );
    expect(divisorsPass(d, 8, tol)).toBe(false);
    expect(divisorsPass(d, 8, tol, 16)).toBe(true);
    expect(periodOf(d, 16, 1, tol)).toBe(8);
    // Without d_16 (P = 15), or with d_16 above 0, the approach to a 4-cycle it may be is not settled.
    expect(periodOf(d, 15, 1, tol)).toBe(0);
    expect(
      periodOf(
        d.map((v, i) => (i === 15 ? 1e-12 : v)),
        16,
        1,
        tol,
      ),
    ).toBe(0);
  });

  it('counts every class, with aperiodic = chaotic + unsettled', () => {
    const counts = countOutcomes({
      outcome: Uint8Array.from([0, 1, 2, 2, 3, 4, 4, 5]),
      period: Uint32Array.from([0, 1, 2, 4, 0, 0, 0, 0]),
    });
    expect(counts).toEqual({
      diverged: 1,
      escaping: 1,
      converged: 1,
      periodic: { '2': 1, '4': 1 },
      chaotic: 1,
      unsettled: 2,
      aperiodic: 3,
    });
  });
});

describe('x²/2 near h = 2 in float64', () => {
  // The pixel centres nearest 2 of a 128-column sweep of [1.9, 2.1].
  const below = 1.9 + 63.5 * (0.2 / 128);
  const above = 1.9 + 64.5 * (0.2 / 128);
  const lambda = (h: number) => Math.log(Math.abs(1 - h));

  it('a contracting oscillation is not a 2-cycle, even when small', () => {
    for (const x0 of [2, 0.3, 0.015]) {
      const rec = classifyTrajectory(quadratic, [x0], below, { iterations: N, transient: T });
      expect(rec.outcome, `x0 = ${x0}`).toBe(Outcome.UNSETTLED);
      expect(rec.period).toBe(0);
      expect(rec.lyapunov).toBeCloseTo(lambda(below), 12);
    }
  });

  it('a slowly growing oscillation is escaping, not chaotic', () => {
    for (const h of [above, 1.9 + 66.5 * (0.2 / 128), 2.01])
      for (const x0 of [1.9, 0.015]) {
        const rec = classifyTrajectory(quadratic, [x0], h, { iterations: N, transient: T });
        expect(rec.outcome, `h = ${h}, x0 = ${x0}`).not.toBe(Outcome.CHAOTIC);
        expect(rec.outcome).not.toBe(Outcome.PERIODIC);
        // λ = ln|1 - h| > θ: the growth criterion, not the exponent, decides.
        if (lambda(h) > 1e-3) expect(rec.outcome).toBe(Outcome.ESCAPING);
      }
  });

  it('h = 2 exactly is the neutral 2-cycle x, -x', () => {
    const rec = classifyTrajectory(quadratic, [0.7], 2, { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.PERIODIC);
    expect(rec.period).toBe(2);
  });
});

describe('genuine cycles and chaos keep their class', () => {
  it('double well: period 2 at h = 1.1, period 4 at h = 1.25, chaos at h = 1.9', () => {
    const at = (h: number, iterations = N, transient = T) =>
      classifyTrajectory(doubleWell, [0.9], h, { iterations, transient });
    expect([at(1.1).outcome, at(1.1).period]).toEqual([Outcome.PERIODIC, 2]);
    expect([at(1.25).outcome, at(1.25).period]).toEqual([Outcome.PERIODIC, 4]);
    expect(at(1.9, 4000, 1000).outcome).toBe(Outcome.CHAOTIC);
  });

  it('a slow approach to a 2-cycle just below its doubling is unsettled, not period 4 (rule 3, b_i)', () => {
    // The double well's 2-cycle has multiplier -1 at h = √5 - 1 = 1.23607 and attracts below it. After
    // 700 steps the approach (its deviation flipping sign every 2 steps) comes back after 4 within
    // tol·a_4 but not within tol·d_2: without the divisor guard these read as period 4.
    const at = (h: number, iterations: number, transient: number) => {
      const r = classifyTrajectory(doubleWell, [0.3], h, { iterations, transient });
      return [r.outcome, r.period];
    };
    const doubling = Math.sqrt(5) - 1;
    expect(at(1.234, 700, 500)).toEqual([Outcome.PERIODIC, 2]);
    for (const h of [1.2345, 1.2355, doubling - 1e-4]) {
      expect(at(h, 700, 500), `h = ${h}`).toEqual([Outcome.UNSETTLED, 0]);
      // Long enough, the same start settles on the 2-cycle that attracts it.
      expect(at(h, 20000, 19000), `h = ${h}`).toEqual([Outcome.PERIODIC, 2]);
    }
    // Past the doubling the 4-cycle is real: its returns after 2 steps are of its own size. Just past
    // it the newborn cycle is split by only √(h - h*) and is approached as slowly: unsettled, as on
    // the other side.
    for (const h of [1.237, 1.24, 1.25]) expect(at(h, 700, 500), `h = ${h}`).toEqual([Outcome.PERIODIC, 4]);
    expect(at(doubling + 1e-4, 700, 500)).toEqual([Outcome.UNSETTLED, 0]);
  });

  it('mf-scalar at h = 1.1 from (0.3, 0.3): the period-2 orbit of the diagonal', () => {
    const rec = classifyTrajectory(mfScalar, [0.3, 0.3], 1.1, { iterations: N, transient: T });
    expect(rec.outcome).toBe(Outcome.PERIODIC);
    expect(rec.period).toBe(2);
  });
});

describe('a short window says nothing of chaos, on both engines', () => {
  it("calls the double well's starts leaving its maximum unsettled over 50 steps, converged over 200", async () => {
    const dir = tempDir('gdlab-short-window-');
    for (const engine of ['cpu', 'gpu']) {
      const counts = async (iters: number) => {
        const file = join(dir, `${engine}-${iters}.json`);
        // Starts within 1e-12 of the maximum at 0, whose multiplier 1 + h gives λ = ln(1 + h) ≈ 0.47
        // while they leave it: over steps 30 … 49 (T = 3N/5) that is all the exponent sees.
        await runCli([
          ...['basin', '--objective', 'double-well', '--plane', 'lr,x', '--lr', '0.55:0.65'],
          ...['--x', '-1e-12:1e-12', '--size', '4x4', '--iters', String(iters), '--engine', engine],
          ...['--json', file],
        ]);
        return (JSON.parse(readFileSync(file, 'utf8')) as { counts: OutcomeCounts }).counts;
      };
      const short = await counts(50);
      expect(short.chaotic, engine).toBe(0);
      expect(short.unsettled, engine).toBe(16);
      expect((await counts(200)).converged, engine).toBe(16);
    }
  });
});

describe("Adam's bursts on x²/2 are bounded: not escaping, in both engines (rule 5's R2')", () => {
  it('an (h, x₀) map of Adam reads its bursting orbits chaotic, not escaping', async () => {
    const dir = tempDir('gdlab-adam-');
    for (const engine of ['cpu', 'gpu']) {
      const file = join(dir, `${engine}.json`);
      await runCli([
        ...['basin', '--objective', 'quadratic', '--optimizer', 'adam', '--plane', 'lr,x'],
        ...['--lr', '0.05:3', '--x', '-2:2', '--size', '24x24', '--iters', '3000'],
        ...['--engine', engine, '--json', file],
      ]);
      const c = (JSON.parse(readFileSync(file, 'utf8')) as { counts: OutcomeCounts }).counts;
      // Without R2' 160 (float64) and 108 (float32) of the 576 pixels read escaping: a second half
      // that held a larger burst than the first, and came back.
      expect(c.diverged, engine).toBe(0);
      expect(c.escaping, engine).toBeLessThanOrEqual(3);
      expect(c.chaotic, engine).toBeGreaterThan(200);
    }
  });
});

describe('gdlab basin on x²/2 across h = 2, both engines', () => {
  it('reports no chaotic and no periodic pixel: slow growth is escaping, slow contraction not settled', async () => {
    const dir = tempDir('gdlab-classes-');
    const counts: Record<string, OutcomeCounts> = {};
    for (const engine of ['cpu', 'gpu']) {
      const file = join(dir, `${engine}.json`);
      // The command line, as a user runs it.
      await runCli([
        ...['basin', '--objective', 'quadratic', '--plane', 'x,lr', '--x', '-2:2', '--lr', '1.9:2.1'],
        ...['--size', '128x128', '--iters', '500', '--engine', engine, '--json', file],
      ]);
      counts[engine] = (JSON.parse(readFileSync(file, 'utf8')) as { counts: OutcomeCounts }).counts;
      expect(counts[engine].chaotic, engine).toBe(0);
      expect(counts[engine].periodic, engine).toEqual({});
      // Columns above h = 2 that have not left the radius yet grow: they are escaping.
      expect(counts[engine].escaping, engine).toBeGreaterThan(1000);
      expect(counts[engine].unsettled, engine).toBeGreaterThan(0);
    }
    // Divergence and the period test are exact in f32 here, and so is the growth criterion.
    expect(counts.gpu).toEqual(counts.cpu);
  });
});
