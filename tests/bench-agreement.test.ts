/**
 * The bench's comparison of two runs' records (src/cli/bench-agreement.ts): bits, not values, pixel
 * by pixel, and counts whatever the order of their periods.
 */
import { describe, expect, it } from 'vitest';
import { differingPixels, sameCounts } from '../src/cli/bench-agreement.ts';
import { emptyCounts, type RecordColumns } from '../src/core/records.ts';

function columns(n: number, precision: 'f32' | 'f64' = 'f32'): RecordColumns {
  const f = () => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
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

  it('compares float64 columns in both of their words', () => {
    const a = columns(3, 'f64');
    const b = columns(3, 'f64');
    a.f.set([1, 1, 1]);
    b.f.set([1, 1 + 2 ** -52, 1]);
    b.sharpness[2] = 2 ** 1000;
    expect(differingPixels(a, b)).toEqual({ any: 2, outcome: 0 });
  });

  it('compares counts field by field, periods in any order', () => {
    const a = { ...emptyCounts(), converged: 3, periodic: { '2': 5, '4': 1 } };
    const b = { ...emptyCounts(), converged: 3, periodic: { '4': 1, '2': 5 } };
    expect(sameCounts(a, b)).toBe(true);
    expect(sameCounts(a, { ...b, periodic: { '4': 1, '2': 6 } })).toBe(false);
    expect(sameCounts(a, { ...b, chaotic: 1 })).toBe(false);
  });
});
