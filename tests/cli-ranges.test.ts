/**
 * Ranges on the command line (src/cli/args.ts parseRange, the diagram and attractor flags; basin's own
 * value-or-range flags in src/cli/basin.ts): exactly two finite numbers A:B with A < B, or a usage error
 * naming the flag. Nothing is dropped: '1:2:3' is not read as 1:2.
 */
import { describe, expect, it } from 'vitest';
import { nearFlags, parseRange } from '../src/cli/args.ts';
import { specFromFlags } from '../src/cli/basin-spec.ts';
import { runCli } from './helpers/cli.ts';

describe('parseRange', () => {
  it('reads A:B, negative ends and exponents included', () => {
    expect(parseRange('lr', '1.9:2.1')).toEqual([1.9, 2.1]);
    expect(parseRange('x0', '-2:-1')).toEqual([-2, -1]);
    expect(parseRange('range', '-1e-3:2.5e2')).toEqual([-0.001, 250]);
  });

  it('refuses a third number, a lone number, and an empty or reversed range', () => {
    expect(() => parseRange('lr', '1:2:3')).toThrow("--lr: '1:2:3' must be a range A:B");
    expect(() => parseRange('lr', '1')).toThrow("--lr: '1' must be a range A:B");
    // B = A spans nothing: a column or row of one rate, which is a value, not a range.
    expect(() => parseRange('lr', '1:1')).toThrow("--lr: range '1:1' must be increasing");
    expect(() => parseRange('lr', '2:1')).toThrow("--lr: range '2:1' must be increasing");
  });
});

describe('nearFlags', () => {
  const basinFlags = ['x', 'y', 'x1', 'x2', 'iters', 'samples', 'lr', 'no-lyapunov', 'max-period'];

  it('names the nearest known flags, nearest first, at most two', () => {
    expect(nearFlags('--iter', basinFlags)).toEqual(['--iters']);
    expect(nearFlags('--x0', basinFlags)).toEqual(['--x', '--x1']);
    expect(nearFlags('--max-periods', basinFlags)).toEqual(['--max-period']);
    // Two edits in a long name, one in a short one.
    expect(nearFlags('--sampels', basinFlags)).toEqual(['--samples']);
    expect(nearFlags('--lrr', basinFlags)).toEqual(['--lr']);
    expect(nearFlags('--ltr', basinFlags)).toEqual(['--lr']);
  });

  it('offers nothing unrelated, nothing for a flag that is known, and reads no name of hostile length', () => {
    expect(nearFlags('--bogus', basinFlags)).toEqual([]);
    expect(nearFlags('--lyapunov', basinFlags)).toEqual([]);
    expect(nearFlags('--iters', basinFlags)).toEqual([]);
    expect(nearFlags('--' + 'i'.repeat(10_000), basinFlags)).toEqual([]);
  });
});

describe('gdlab with a misspelt command', () => {
  it('names the nearest command, or none, in its first line, and exits 2', async () => {
    for (const [command, first] of [
      ['basn', "gdlab: unknown command 'basn' (did you mean basin?)"],
      ['bifurcaton', "gdlab: unknown command 'bifurcaton' (did you mean bifurcation?)"],
      ['xyzzy', "gdlab: unknown command 'xyzzy'"],
    ]) {
      const err = await runCli([command]).catch((e) => e);
      expect(err.code).toBe(2);
      expect(err.stderr.split('\n')[0]).toBe(first);
    }
  });
});

describe('basin ranges', () => {
  const flags = { objective: 'mf-scalar', lr: '1.1', y: '-2:2' };

  it('sweeps what a range gives, as given', () => {
    expect(specFromFlags({ ...flags, x: '-2:-0.5' }).plane.u).toEqual({ quantity: 'x', min: -2, max: -0.5 });
  });

  it('refuses an empty range with its flag, before the spec does', () => {
    expect(() => specFromFlags({ ...flags, x: '0.5:0.5' })).toThrow(
      "--x: range '0.5:0.5' must be increasing",
    );
    expect(() => specFromFlags({ ...flags, x: '1:2:3' })).toThrow("--x: '2:3' is not a decimal number");
  });
});
