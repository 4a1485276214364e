/** The float64 grid over a plane (src/experiment/plane.ts) and the CPU BasinEngine. */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes } from '../src/core/records.ts';
import { axisValue } from '../src/experiment/plane.ts';
import { CpuBasinEngine, runGrid } from '../src/reference/grid.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import type { CompiledObjective } from '../src/objective/types.ts';
import { anisotropic, mfScalar, quadratic } from './reference-fixtures.ts';

const fixtures: Record<string, CompiledObjective> = {
  [quadratic.expr]: quadratic,
  [mfScalar.expr]: mfScalar,
  [anisotropic.expr]: anisotropic,
};
const compile = ({ expr }: { expr: string }) => fixtures[expr];

describe('runGrid', () => {
  it('sweeps x against lr for x²/2: converged below h = 2, escaping at the analytic step above', () => {
    const spec = parseSpec({
      objective: { expr: 'x^2/2', preset: null, params: {} },
      x0: [0],
      plane: { u: { quantity: 'x', min: -3, max: 3 }, v: { quantity: 'lr', min: 0.1, max: 2.5 } },
      size: [12, 16],
      iterations: 500,
      transient: 300,
    });
    const { columns, steps } = runGrid(spec, quadratic);
    let expectedSteps = 0;
    let stableRows = 0;
    for (let j = 0; j < 16; j++) {
      if (axisValue({ min: 0.1, max: 2.5 }, j, 16) < 2) stableRows++;
      for (let i = 0; i < 12; i++) {
        const idx = j * 12 + i;
        const x0 = axisValue({ min: -3, max: 3 }, i, 12);
        const h = axisValue({ min: 0.1, max: 2.5 }, j, 16);
        if (h < 2) {
          expect(columns.outcome[idx]).toBe(Outcome.CONVERGED);
          expect(columns.iter[idx]).toBe(500);
          expect(columns.lyapunov[idx]).toBeCloseTo(Math.log(Math.abs(1 - h)), 10);
        } else {
          const k = Math.floor((Math.log(1e6) - Math.log(Math.abs(x0))) / Math.log(h - 1)) + 1;
          expect(columns.outcome[idx]).toBe(Outcome.DIVERGED);
          expect(columns.iter[idx]).toBe(k);
        }
        expectedSteps += columns.iter[idx];
      }
    }
    expect(steps).toBe(expectedSteps);
    // Row 0 is the bottom (v = min): h = 0.1 + 0.15 (j + ½) < 2 for rows 0 … 12, all converged.
    expect(stableRows).toBe(13);
    expect(countOutcomes(columns).converged).toBe(13 * 12);
    expect(columns.outcome.slice(0, 12).every((o) => o === Outcome.CONVERGED)).toBe(true);
    expect(columns.outcome.slice(15 * 12).every((o) => o === Outcome.DIVERGED)).toBe(true);
  });

  it('sweeps two parameters, and matches classifyTrajectory pixel by pixel', () => {
    const spec = parseSpec({
      objective: { expr: anisotropic.expr, preset: null, params: { a: 1, b: 3 } },
      x0: [1, -1],
      lr: 1,
      plane: { u: { quantity: 'a', min: 0, max: 3 }, v: { quantity: 'b', min: 0, max: 3 } },
      size: [9, 7],
      iterations: 300,
      transient: 200,
    });
    const { columns } = runGrid(spec, anisotropic);
    for (let j = 0; j < 7; j++)
      for (let i = 0; i < 9; i++) {
        const a = axisValue(spec.plane.u, i, 9);
        const b = axisValue(spec.plane.v, j, 7);
        const idx = j * 9 + i;
        // h = 1: stable iff |1 - a| < 1 and |1 - b| < 1.
        expect(columns.outcome[idx]).toBe(a < 2 && b < 2 ? Outcome.CONVERGED : Outcome.DIVERGED);
        const rec = classifyTrajectory(anisotropic, [1, -1], 1, {
          iterations: 300,
          transient: 200,
          params: [a, b],
        });
        expect(columns.iter[idx]).toBe(rec.iter);
        expect(Object.is(columns.final1[idx], rec.final1) || columns.final1[idx] === rec.final1).toBe(true);
      }
  });

  it('sweeps one coordinate rate against the scalar rate, the per-coordinate sweep winning', () => {
    const base = {
      objective: { expr: anisotropic.expr, preset: null, params: { a: 1, b: 3 } },
      x0: [1, 1],
      size: [6, 6],
      iterations: 300,
      transient: 200,
    };
    for (const plane of [
      { u: { quantity: 'lr', min: 0, max: 3 }, v: { quantity: 'lr.y', min: 0, max: 1 } },
      { u: { quantity: 'lr.y', min: 0, max: 1 }, v: { quantity: 'lr', min: 0, max: 3 } },
    ]) {
      const spec = parseSpec({ ...base, plane });
      const { columns } = runGrid(spec, anisotropic);
      const lrAxis = plane.u.quantity === 'lr' ? 'u' : 'v';
      for (let j = 0; j < 6; j++)
        for (let i = 0; i < 6; i++) {
          const hx = axisValue(lrAxis === 'u' ? plane.u : plane.v, lrAxis === 'u' ? i : j, 6);
          const hy = axisValue(lrAxis === 'u' ? plane.v : plane.u, lrAxis === 'u' ? j : i, 6);
          const stable = hx < 2 && 3 * hy < 2;
          expect(columns.outcome[j * 6 + i]).toBe(stable ? Outcome.CONVERGED : Outcome.DIVERGED);
        }
    }
  });

  it('writes final state, f, sharpness and the observable on mf-scalar', () => {
    const spec = parseSpec({
      size: [8, 8],
      iterations: 400,
      transient: 200,
      lr: 0.5,
      plane: { u: { quantity: 'x', min: -3, max: 3 }, v: { quantity: 'y', min: -3, max: 3 } },
    });
    const { columns } = runGrid(spec, mfScalar);
    let converged = 0;
    let saddle = 0;
    for (let k = 0; k < 64; k++) {
      if (columns.outcome[k] !== Outcome.CONVERGED) continue;
      converged++;
      const x = columns.final0[k];
      const y = columns.final1[k];
      // Starts on the antidiagonal x = -y (pixel centres of a symmetric window hit it exactly) stay on
      // it and converge to the saddle at the origin, its stable manifold; the others to xy = 1.
      if (k % 8 === 7 - Math.floor(k / 8)) {
        saddle++;
        expect(Math.abs(x) + Math.abs(y)).toBeLessThan(1e-100);
        expect(columns.sharpness[k]).toBeCloseTo(1, 12);
        continue;
      }
      expect(x * y).toBeCloseTo(1, 8);
      expect(columns.sharpness[k]).toBeCloseTo(x * x + y * y, 8);
      expect(columns.obs0[k]).toBeCloseTo(x * x - y * y, 12);
      expect(columns.f[k]).toBeLessThan(1e-16);
    }
    // On the antidiagonal GD is x ↦ x(1 - h(1 + x²)): from |x| = 0.375, 1.125 it contracts to 0; from
    // 1.875 (factor -1.26) and 2.625 it is thrown out.
    expect(saddle).toBe(4);
    expect(converged).toBeGreaterThan(40);
  });

  it('reports progress per row, fills a row range, and stops when aborted', () => {
    const spec = parseSpec({ size: [4, 10], iterations: 50, transient: 10 });
    const seen: [number, number][] = [];
    const part = runGrid(spec, mfScalar, { rowStart: 3, rowEnd: 6, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(part.columns.iter.slice(0, 12).every((v) => v === 0)).toBe(true);
    expect(part.columns.iter.slice(12, 24).every((v) => v > 0)).toBe(true);
    expect(part.columns.iter.slice(24).every((v) => v === 0)).toBe(true);

    const ac = new AbortController();
    let rows = 0;
    expect(() =>
      runGrid(spec, mfScalar, {
        signal: ac.signal,
        onProgress: () => {
          if (++rows === 2) ac.abort();
        },
      }),
    ).toThrow(/abort/i);
    expect(rows).toBe(2);
  });

  it('rejects a spec that does not fit the objective', () => {
    const spec = parseSpec({ x0: [0, 0, 0] });
    expect(() => runGrid(spec, mfScalar)).toThrow(/x0: has 3 coordinates but the objective has 2/);
    const spec2 = parseSpec({ plane: { u: { quantity: 'z', min: 0, max: 1 } } });
    expect(() => runGrid(spec2, mfScalar)).toThrow(/plane.u: unknown quantity 'z'/);
  });
});

describe('CpuBasinEngine', () => {
  const spec: ExperimentSpec = parseSpec({ size: [16, 12], iterations: 200, transient: 100, lr: 1.2 });

  it('returns float64 columns identical to runGrid, with info, steps and progress', async () => {
    const engine = new CpuBasinEngine(compile);
    const progress: number[] = [];
    const result = await engine.runBasin(spec, { onProgress: (d, t) => progress.push(d / t) });
    expect(result.info).toEqual({ kind: 'cpu', precision: 'f64', adapter: 'cpu' });
    expect(engine.info).toEqual(result.info);
    const direct = runGrid(spec, mfScalar);
    expect(result.columns).toEqual(direct.columns);
    expect(result.columns.f).toBeInstanceOf(Float64Array);
    expect(result.steps).toBe(direct.steps);
    expect(progress).toHaveLength(12);
    expect(progress.at(-1)).toBe(1);
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(result.spec).toBe(spec);
    const counts = countOutcomes(result.columns);
    expect(counts.diverged + counts.converged + counts.aperiodic).toBeGreaterThan(0);
    engine.dispose();
  });

  it('rejects with an AbortError when aborted, before or during the run', async () => {
    const engine = new CpuBasinEngine(compile);
    const before = new AbortController();
    before.abort();
    await expect(engine.runBasin(spec, { signal: before.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const during = new AbortController();
    let rows = 0;
    await expect(
      engine.runBasin(spec, {
        signal: during.signal,
        onProgress: () => {
          if (++rows === 3) during.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(rows).toBe(3);
  });
});
