/**
 * The legend's line for a map on which (nearly) every start diverged: the minimum near the plane's
 * middle and the stability limit 2/λmax it sets, found in float64, and nothing where that is not so.
 */
import { describe, expect, it } from 'vitest';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { divergenceHint, nearMinimum } from '../src/ui/map-legend/divergence-hint.ts';
import { compileSpec } from '../src/ui/shared/objective.ts';

const typed = (expr: string, over: Partial<ExperimentSpec> = {}) =>
  parseSpec({ ...defaultSpec(), objective: { expr, preset: null, params: {} }, ...over });
const hint = (s: ExperimentSpec, diverged = 65536) => divergenceHint(s, compileSpec(s), diverged, 65536);

describe('divergenceHint', () => {
  it('gives the minimum near the middle of the plane and 2/λmax there', () => {
    expect(hint(typed('x^2 + y^2'))).toBe(
      'Every start diverged at h = 1.1. Near the middle of the plane f has a minimum at (0, 0), where ' +
        'λmax(∇²f) = 2: GD can stay near it only for h < 2/λmax = 1; try a smaller rate, or sweep h (plane: lr).',
    );
    // From next to mf-scalar's saddle (0, 0) down the diagonal to the balanced minimum (1, 1).
    expect(hint(typed('(1 - x*y)^2/2'), 65000)).toMatch(
      /^99\.2% of the starts diverged at h = 1\.1\. .* a minimum at \(1, 1\), where λmax\(∇²f\) = 2: .* h < 2\/λmax = 1;/,
    );
    // A double well in x, stiff in y: the minimum (±1, 0), λmax = max(2, 4).
    expect(hint(typed('(x^2-1)^2/4 + 2*y^2', { lr: 0.6 }))).toMatch(
      /at h = 0\.6\. .* minimum at \(-?1, 0\), where λmax\(∇²f\) = 4: .* h < 2\/λmax = 0\.5;/,
    );
  });

  it('says less where there is no minimum to speak of, and nothing below 99% diverged', () => {
    const plain = 'Every start diverged at h = 1.1: try a smaller rate, or sweep h (plane: lr).';
    expect(hint(typed('-x^2 - y^2'))).toBe(plain);
    expect(hint(typed('x + y'))).toBe(plain);
    expect(hint(typed('x^2 + y^2'), 64880)).toBeNull();
    expect(hint(typed('x^2 + y^2', { kind: 'bifurcation' }))).toBeNull();
    // A plane over the rate, or another optimizer: the limit above is not theirs.
    const lrPlane = typed('x^2', {
      plane: { u: { quantity: 'lr', min: 2.1, max: 3 }, v: { quantity: 'x', min: -1, max: 1 } },
      x0: [0],
    });
    expect(hint(lrPlane)).toBe('Every start diverged, at every rate on the plane: try smaller rates.');
    const momentum = typed('x^2 + y^2', { optimizer: { ...defaultSpec().optimizer, kind: 'momentum' } });
    expect(hint(momentum)).toBe('Every start diverged at these rates: try smaller ones.');
  });

  it('descends to a minimum in float64, and refuses a saddle it starts on', () => {
    const obj = compileSpec(typed('(1 - x*y)^2/2'));
    const m = nearMinimum(obj, Float64Array.of(0.3, 0.2), new Float64Array(0))!;
    expect(m.x[0] * m.x[1]).toBeCloseTo(1, 7);
    expect(m.lmax).toBeCloseTo(m.x[0] ** 2 + m.x[1] ** 2, 6);
    expect(nearMinimum(obj, Float64Array.of(0, 0), new Float64Array(0))).toBeNull();
  });
});
