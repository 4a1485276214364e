/**
 * `gdlab attractor` as a user runs it: JSON with the histogram, ranges, counts and engine; a PNG whose
 * pixels are the histogram and whose spec reopens the same run (--spec), count for count.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const FLAGS = [
  'attractor',
  '--objective',
  'coupled-wells',
  '--lr',
  '1.4',
  '--x0',
  '0.3:1.2',
  '--bins',
  '48x40',
  '--samples',
  '64',
  '--transient',
  '200',
  '--keep',
  '300',
  '--engine',
  'cpu',
];

describe('gdlab attractor', () => {
  it('writes the histogram as JSON and as a PNG that reopens the same run', async () => {
    const dir = tempDir('gdlab-attractor-');
    const png = join(dir, 'a.png');
    const json = join(dir, 'a.json');
    await runCli([...FLAGS, '--json', json, '--png', png], { timeout: 60_000 });
    const out = JSON.parse(readFileSync(json, 'utf8'));
    const spec = parseSpec(out.spec);
    expect(spec.kind).toBe('attractor');
    expect(spec.objective.params).toEqual({ c: 0.1 });
    expect(out.engine).toMatchObject({ kind: 'cpu', precision: 'f64' });
    expect(out.reason).toBe('--engine cpu');
    expect([out.bins, out.u, out.v]).toEqual([[48, 40], 'x', 'y']);
    expect(out.counts).toHaveLength(48 * 40);
    // Every start in the box ends on the strange attractor: bounded, no common period, λ > 0.
    expect([out.bounded, out.samples, out.keep]).toEqual([64, 64, 300]);
    expect(out.counts.reduce((a: number, b: number) => a + b, 0) + out.outside).toBe(64 * 300);
    expect(out.outside).toBe(0);
    expect(out.period).toBeNull();
    expect(out.outcome).toBe('chaotic');
    expect(out.lyapunov).toBeGreaterThan(0.3);
    expect(out.range.u[0]).toBeLessThan(0);
    expect(out.range.u[1]).toBeGreaterThan(1.2);

    // The PNG: one pixel per cell, v up, black where a cell is empty; its spec is the JSON's.
    const dec = decodeSpecPng(readFileSync(png));
    expect([dec.width, dec.height]).toEqual([48, 40]);
    expect(dec.spec).toEqual(spec);
    let dark = 0;
    for (let j = 0; j < 40; j++)
      for (let i = 0; i < 48; i++) {
        const o = ((39 - j) * 48 + i) * 4;
        const black = dec.rgba[o] + dec.rgba[o + 1] + dec.rgba[o + 2] === 0;
        expect(black, `cell (${i}, ${j})`).toBe(out.counts[j * 48 + i] === 0);
        if (black) dark++;
      }
    expect(dark).toBeGreaterThan(0);

    // Reopened from the PNG: the same run, count for count.
    const { stdout } = await runCli(['attractor', '--spec', png, '--engine', 'cpu', '--json', '-'], {
      timeout: 60_000,
    });
    const again = JSON.parse(stdout);
    expect(again.spec).toEqual(out.spec);
    expect(again.counts).toEqual(out.counts);
    expect(again.range).toEqual(out.range);
  });

  it('spreads the starts around the preset’s start without --x0: the 2-D attractor, not the diagonal', async () => {
    // One start for all, (0.75, 0.75), lies on the invariant diagonal x = y: every sample drew the
    // diagonal map's attractor, a segment (u = v over [0.43, 1.21], λ 0.37). Spread over x₀ ± 1/4,
    // the samples find the strange attractor in the plane, with the preset's exponent, about 0.44.
    const { stdout } = await runCli(
      [
        ...['attractor', '--objective', 'coupled-wells', '--samples', '32', '--transient', '500'],
        ...['--keep', '300', '--bins', '32x32', '--engine', 'cpu', '--json', '-'],
      ],
      { timeout: 60_000 },
    );
    const out = JSON.parse(stdout);
    expect(parseSpec(out.spec).ensemble.box).toEqual({ min: [0.5, 0.5], max: [1, 1] });
    expect([out.bounded, out.outside, out.period, out.outcome]).toEqual([32, 0, null, 'chaotic']);
    expect(out.lyapunov).toBeGreaterThan(0.42);
    expect(out.range.u[0]).toBeLessThan(0);
    expect(out.range.u[1]).toBeGreaterThan(1.25);
  });

  it('runs a typed objective in one variable or in x1…x3, which the x,y default plane refused', async () => {
    const run = async (args: string[]) =>
      JSON.parse(
        (
          await runCli(
            [
              ...['attractor', ...args, '--samples', '16', '--transient', '200', '--keep', '200'],
              ...['--bins', '16x16', '--engine', 'cpu', '--json', '-'],
            ],
            { timeout: 60_000 },
          )
        ).stdout,
      );
    // The double well at h = 1.9 is the cubic map u ↦ u + hu(1 - u²), chaotic: its orbits fill
    // [-g(u*), g(u*)], g(u*) = u*(1 + h - hu*²) at the critical point u*² = (1 + h)/(3h), and a
    // float64 orbit of 10⁶ steps has λ = 0.8776. It failed with "plane.v: unknown quantity 'y'".
    const one = await run(['--objective', '(x^2 - 1)^2/4', '--lr', '1.9']);
    expect([one.u, one.v, one.bounded, one.period, one.outcome]).toEqual(['x', 'f', 16, null, 'chaotic']);
    const h = 1.9;
    const uc = Math.sqrt((1 + h) / (3 * h));
    const edge = uc * (1 + h - h * uc * uc);
    expect(edge).toBeCloseTo(1.379, 3);
    expect(one.range.u[1]).toBeLessThanOrEqual(edge + 1e-12);
    expect(one.range.u[1]).toBeGreaterThan(edge - 0.01);
    expect(one.range.u[0]).toBeCloseTo(-one.range.u[1], 2);
    expect(Math.abs(one.lyapunov - 0.8776)).toBeLessThan(0.02);
    expect(parseSpec(one.spec).plane).toEqual({
      u: { quantity: 'lr', min: 0.19, max: 4.18 },
      v: { quantity: 'x', min: -2.5, max: 2.5 },
    });
    // x1 and x3 contract to 0 and x2 to a well at ±1 (h·f″ = 1.8 < 2 there): every sample converges.
    const three = await run(['--objective', 'x1^2/2 + (x2^2 - 1)^2/4 + x3^2', '--lr', '0.9']);
    expect([three.u, three.v, three.bounded, three.outcome]).toEqual(['x1', 'x2', 16, 'converged']);
    expect(parseSpec(three.spec).plane).toEqual({
      u: { quantity: 'x1', min: -3, max: 3 },
      v: { quantity: 'x2', min: -3, max: 3 },
    });
  });

  it('names a bad flag in the flags’ terms, with status 2', async () => {
    const fail = async (args: string[]) => {
      try {
        await runCli(['attractor', ...args], { timeout: 30_000 });
      } catch (e) {
        const err = e as { code: number; stderr: string };
        return { code: err.code, stderr: err.stderr };
      }
      throw new Error('gdlab attractor succeeded');
    };
    const base = ['--objective', 'coupled-wells', '--engine', 'cpu'];
    expect(await fail([...base, '--pair', 'x'])).toEqual({
      code: 2,
      stderr: "gdlab attractor: --pair: 'x' is not U,V (two quantities separated by a comma)\n",
    });
    expect(await fail([...base, '--pair', 'x,x'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--pair (attractor): u and v must be different quantities'),
    });
    // Commas inside parentheses are an expression's: min(x,y) is one quantity.
    expect(await fail([...base, '--pair', 'min(x,y),max(x,y),x'])).toEqual({
      code: 2,
      stderr:
        "gdlab attractor: --pair: 'min(x,y),max(x,y),x' is not U,V (two quantities separated by a comma)\n",
    });
    expect(await fail([...base, '--pair', 'min(x,y),max(x,z)'])).toMatchObject({
      stderr: expect.stringContaining("--pair (attractor.v): unknown identifier 'z'"),
    });
    expect(await fail([...base, '--pair', 'x,z'])).toMatchObject({
      stderr: expect.stringContaining("--pair (attractor.v): unknown identifier 'z'"),
    });
    expect(await fail([...base, '--bins', '64'])).toMatchObject({
      stderr: "gdlab attractor: --bins: '64' is not WxH (e.g. 256x256)\n",
    });
    // --bins is the plane's size: every line its bounds give names the flag, not a bare size.0.
    expect(await fail([...base, '--bins', '99999x99999'])).toEqual({
      code: 2,
      stderr:
        'gdlab attractor: invalid experiment spec:\n' +
        '  --bins (size): an attractor has at most 16777216 bins (W × H); 99999 × 99999 is more\n' +
        '  --bins (size.0): must be at most 16384\n' +
        '  --bins (size.1): must be at most 16384\n',
    });
    expect(await fail([...base, '--range-u', '-1.7e308:1.7e308'])).toEqual({
      code: 2,
      stderr:
        'gdlab attractor: invalid experiment spec:\n' +
        '  --range-u (attractor.uRange): range -1.7e308:1.7e308 is too wide (max − min must be finite)\n',
    });
    expect(await fail(['--spec', '/nonexistent.png', '--bins', '4x4'])).toMatchObject({
      stderr: 'gdlab attractor: --spec sets the experiment; drop --bins or drop --spec\n',
    });
  });
});
