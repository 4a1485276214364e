/**
 * The bench's comparison of two runs' records (src/cli/bench-agreement.ts): bits, not values, pixel
 * by pixel, and counts whatever the order of their periods.
 */
import { describe, expect, it } from 'vitest';
import { differingPixels, sameCounts } from '../src/cli/bench-agreement.ts';
import { emptyCounts, type RecordColumns } from '../src/core/outcome.ts';

function columns(n: number): RecordColumns {
  const f = () => new Float32Array(n);
  return {
    width: n,
    height: 1,
    outcome: new Uint8Array(n),
    iter: new Uint32Array(n),
    period: new Uint32Array(n),
    lyapunov: f(),
    f: f(),
    sharpness: f(),
    obs0: f(),
    obs1: f(),
    final0: f(),
    final1: f(),
  };
}

describe('bench agreement', () => {
  it('counts the pixels that differ in any bit of any field, and those whose outcome or period differ', () => {
    const a = columns(6);
    const b = columns(6);
    a.lyapunov.fill(NaN);
    b.lyapunov.fill(NaN);
    expect(differingPixels(a, b)).toEqual({ any: 0, outcome: 0 });
    b.f[1] = -0;
    b.final1[2] = 1e-30;
    b.period[4] = 2;
    b.outcome[4] = 3;
    b.iter[5] = 7;
    expect(differingPixels(a, b)).toEqual({ any: 4, outcome: 1 });
  });

  it('compares counts field by field, periods in any order', () => {
    const a = { ...emptyCounts(), converged: 3, periodic: { '2': 5, '4': 1 } };
    const b = { ...emptyCounts(), converged: 3, periodic: { '4': 1, '2': 5 } };
    expect(sameCounts(a, b)).toBe(true);
    expect(sameCounts(a, { ...b, periodic: { '4': 1, '2': 6 } })).toBe(false);
    expect(sameCounts(a, { ...b, chaotic: 1 })).toBe(false);
  });
});
