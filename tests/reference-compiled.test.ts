/** The reference engine on objectives from the compiler, against the hand-written ones. */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { resolveObjectiveOption } from '../src/presets.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { sampleFlow } from '../src/reference/flows.ts';
import { CpuBasinEngine, runGrid } from '../src/reference/grid.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { doubleWell, mfScalar, quadratic } from './reference-fixtures.ts';

const compiled = (id: string, observables: string[] = []) => {
  const r = resolveObjectiveOption(id);
  return compileObjective({ expr: r.expr, params: r.params, observables });
};

describe('compiled presets in the reference engine', () => {
  it('classify x²/2 exactly as the hand-written objective does, pixel for pixel', () => {
    const spec = parseSpec({
      objective: { expr: 'x^2/2', preset: 'quadratic', params: {} },
      x0: [1],
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'lr', min: 0.05, max: 2.2 } },
      size: [16, 24],
      iterations: 300,
      transient: 200,
    });
    const a = runGrid(spec, compiled('quadratic'));
    const b = runGrid(spec, quadratic);
    expect(a.columns.outcome).toEqual(b.columns.outcome);
    expect(a.columns.iter).toEqual(b.columns.iter);
    expect(a.steps).toBe(b.steps);
  });

  it('agree with the hand-written mf-scalar on outcomes, invariant and observables', () => {
    const spec = parseSpec({
      size: [24, 24],
      iterations: 400,
      transient: 200,
      lr: 0.9,
      observables: ['x^2 - y^2'],
    });
    const obj = compiled('mf-scalar', ['x^2 - y^2']);
    const a = runGrid(spec, obj).columns;
    const b = runGrid(spec, mfScalar).columns;
    let same = 0;
    for (let k = 0; k < 24 * 24; k++) {
      if (a.outcome[k] === b.outcome[k]) same++;
      if (a.outcome[k] === Outcome.CONVERGED && b.outcome[k] === Outcome.CONVERGED) {
        expect(a.final0[k]).toBeCloseTo(b.final0[k], 8);
        expect(a.obs0[k]).toBeCloseTo(b.obs0[k], 8);
        expect(a.sharpness[k]).toBeCloseTo(b.sharpness[k], 8);
      }
    }
    // Rounding differs between the two gradients; only a pixel on a basin boundary may differ.
    expect(same).toBeGreaterThanOrEqual(24 * 24 - 3);
  });

  it('give the period-2 double-well exponent and the order-2 flow of the hand-written derivatives', () => {
    const dw = compiled('double-well');
    const opts = { iterations: 600, transient: 300 };
    const a = classifyTrajectory(dw, [0.9], 1.1, opts);
    const b = classifyTrajectory(doubleWell, [0.9], 1.1, opts);
    expect(a.period).toBe(2);
    expect(a.lyapunov).toBeCloseTo(b.lyapunov, 10);
    const mf = compiled('mf-scalar');
    const fa = sampleFlow(mf, 'me2', [0.3, 1.7], 0.2, [], 20);
    const fb = sampleFlow(mfScalar, 'me2', [0.3, 1.7], 0.2, [], 20);
    for (let k = 0; k <= 20; k++) {
      expect(fa[k][0]).toBeCloseTo(fb[k][0], 10);
      expect(fa[k][1]).toBeCloseTo(fb[k][1], 10);
    }
  });

  it('run through CpuBasinEngine with its default compiler, parameters swept', async () => {
    const spec = parseSpec({
      objective: { expr: 'x^2/2 + A*eps*sin(x/eps)', preset: 'multiscale', params: { A: 1, eps: 0.01 } },
      x0: [0.7],
      lr: 0.5,
      plane: { u: { quantity: 'x', min: -1, max: 1 }, v: { quantity: 'A', min: 0, max: 1 } },
      size: [8, 6],
      iterations: 200,
      transient: 100,
    });
    const result = await new CpuBasinEngine().runBasin(spec);
    expect(result.info).toEqual({ kind: 'cpu', precision: 'f64', adapter: 'cpu' });
    const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
    expect(result.columns).toEqual(runGrid(spec, obj).columns);
    // Each pixel is the trajectory from its x with its A (eps from the spec), in the compiler's order.
    for (let j = 0; j < 6; j++)
      for (let i = 0; i < 8; i++) {
        const values: Record<string, number> = { A: (j + 0.5) / 6, eps: 0.01 };
        const rec = classifyTrajectory(obj, [-1 + ((i + 0.5) * 2) / 8], 0.5, {
          iterations: 200,
          transient: 100,
          params: obj.params.map((n) => values[n]),
        });
        const k = j * 8 + i;
        expect([result.columns.outcome[k], result.columns.iter[k]]).toEqual([rec.outcome, rec.iter]);
        expect(Object.is(result.columns.final0[k], rec.final0)).toBe(true);
      }
    // A sweep that did nothing would leave every row alike.
    expect(result.columns.final0.slice(0, 8)).not.toEqual(result.columns.final0.slice(40, 48));
  });
});
