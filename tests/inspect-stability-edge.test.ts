/**
 * The line the inspector draws beside the sharpness (src/ui/trajectory-inspector/inspect.ts,
 * stabilityEdge): the sharpness at which the spec's optimizer turns unstable. It was 2/h for every
 * optimizer, about half heavy ball's edge 2(1 + β)/h at β = 0.9, under trajectories that converge.
 */
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { DEFAULT_OPTIMIZER, type OptimizerKind } from '../src/optimizer/rules.ts';
import { runTrajectory } from '../src/reference/gd.ts';
import { inspectPixel, stabilityEdge } from '../src/ui/trajectory-inspector/inspect.ts';

/** A one-pixel map of a·x²/2 (sharpness a everywhere) at x0 = 1, h = 1 (to rounding). */
function onePixel(a: number, kind: OptimizerKind, beta = 0.9) {
  const d = 2 ** -30;
  return parseSpec({
    objective: { expr: `${a}*x^2/2`, preset: null, params: {} },
    optimizer: { ...DEFAULT_OPTIMIZER, kind, beta },
    lr: 1,
    x0: [1],
    plane: { u: { quantity: 'x', min: 1 - d, max: 1 + d }, v: { quantity: 'lr', min: 1 - d, max: 1 + d } },
    size: [1, 1],
    iterations: 3000,
    transient: 1500,
  });
}

describe('the stability edge beside the sharpness', () => {
  it('is 2/h, 2(1+β)/h and 2(1+β)/((1+2β)h), none for the adaptive optimizers', () => {
    expect(stabilityEdge('gd', 0.9, 0.5)).toEqual({ value: 4, label: '2/h' });
    expect(stabilityEdge('momentum', 0.9, 1)!.value).toBeCloseTo(3.8, 14);
    expect(stabilityEdge('momentum', 0.9, 1)!.label).toBe('2(1+β)/h');
    expect(stabilityEdge('nesterov', 0.9, 1)!.value).toBeCloseTo(3.8 / 2.8, 14);
    expect(stabilityEdge('nesterov', 0.5, 0.25)!.value).toBeCloseTo(6, 14);
    // β = 0: both momentum methods are GD.
    expect(stabilityEdge('momentum', 0, 0.4)!.value).toBeCloseTo(5, 14);
    expect(stabilityEdge('nesterov', 0, 0.4)!.value).toBeCloseTo(5, 14);
    expect(stabilityEdge('rmsprop', 0.9, 1)).toBeNull();
    expect(stabilityEdge('adam', 0.9, 1)).toBeNull();
  });

  it('is where the optimizer on a·x²/2 turns from converging to diverging', () => {
    for (const kind of ['gd', 'momentum', 'nesterov'] as const)
      for (const beta of [0.3, 0.9]) {
        const h = 0.7;
        const edge = stabilityEdge(kind, beta, h)!.value;
        const run = (a: number) => {
          const obj = compileObjective({ expr: `${a}*x^2/2`, params: {} });
          const t = runTrajectory(obj, [1], h, [], 4000, 1e6, { ...DEFAULT_OPTIMIZER, kind, beta });
          return t.escape === null ? Math.abs(t.iterates[4000][0]) : Infinity;
        };
        expect(run(0.98 * edge), `${kind} β ${beta} below`).toBeLessThan(1e-6);
        expect(run(1.02 * edge), `${kind} β ${beta} above`).toBe(Infinity);
      }
  });

  it('is drawn at 2(1+β)/h for heavy ball, above a converging sharpness that exceeds 2/h', () => {
    const d = inspectPixel(onePixel(3.7, 'momentum'), 0, 0);
    expect(d.h[0]).toBeCloseTo(1, 8);
    expect(d.edge!.label).toBe('2(1+β)/h');
    expect(d.edge!.value).toBeCloseTo(3.8, 7);
    expect(d.record!.period).toBe(1);
    expect(d.sharpness[2000]).toBe(3.7);
    expect(Math.abs(d.states[0][2000])).toBeLessThan(1e-30);
    // Nesterov at the same β: 1.357…, just above a converging sharpness of 1.35.
    const n = inspectPixel(onePixel(1.35, 'nesterov'), 0, 0);
    expect(n.edge!.value).toBeCloseTo(3.8 / 2.8, 7);
    expect(n.record!.period).toBe(1);
  });

  it('is 2/h for GD and absent for Adam, with a note saying why', () => {
    const g = inspectPixel(onePixel(1.5, 'gd'), 0, 0);
    expect(g.edge).toEqual({ value: 2 / g.h[0], label: '2/h' });
    const a = inspectPixel(onePixel(1.5, 'adam'), 0, 0);
    expect(a.edge).toBeNull();
    expect(a.flowNote).toMatch(/no stability line: Adam divides the step by √s \+ ε/);
  });
});
