/**
 * The optimizer flags of `gdlab` as a user runs them (bin/gdlab.js in a child process): the issue's
 * heavy-ball map whose diverged fraction switches at h = 2(1 + β) = 3, Adam's trajectory against an
 * independent float64 Adam written here, a β sweep of the bifurcation columns, and one-line refusals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrajectoryJson } from '../src/cli/trajectory.ts';
import { runCli, tempDir } from './helpers/cli.ts';

async function gdlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runCli(args, { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Bias-corrected Adam in float64 as PyTorch's documentation writes it, step t = 1, 2, … */
function adam(x0: number[], h: number, steps: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[][] {
  const x = [...x0];
  const m = [0, 0];
  const v = [0, 0];
  const out = [[...x]];
  for (let t = 1; t <= steps; t++) {
    // f = (1 - xy)²/2: ∂f/∂x = -(1 - xy)y, ∂f/∂y = -(1 - xy)x.
    const r = 1 - x[0] * x[1];
    const g = [-r * x[1], -r * x[0]];
    for (let i = 0; i < 2; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mhat = m[i] / (1 - b1 ** t);
      const vhat = v[i] / (1 - b2 ** t);
      x[i] -= (h * mhat) / (Math.sqrt(vhat) + eps);
    }
    out.push([...x]);
  }
  return out;
}

describe('gdlab with --optimizer', () => {
  it('heavy ball on x²/2 at β = 0.5: the diverged fraction of each column switches at h = 3', async () => {
    const dir = tempDir('gdlab-optim-');
    const file = join(dir, 'momentum.json');
    const r = await gdlab(
      ...['basin', '--objective', 'quadratic', '--optimizer', 'momentum', '--beta', '0.5'],
      ...['--plane', 'lr,x', '--lr', '2.5:3.5', '--x', '-1:1', '--size', '128x64', '--iters', '2000'],
      ...['--json', file],
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(readFileSync(file, 'utf8')) as {
      spec: { optimizer: { kind: string; beta: number } };
      columns: { lr: number[]; diverged: number[] };
    };
    expect(out.spec.optimizer).toMatchObject({ kind: 'momentum', beta: 0.5 });
    const { lr, diverged } = out.columns;
    expect(lr).toHaveLength(128);
    // The first column with most of its pixels diverged, against Polyak's edge 2(1 + β) = 3.
    const first = diverged.findIndex((d) => d > 0.5);
    const step = 1 / 128;
    expect(Math.abs(lr[first] - 3)).toBeLessThanOrEqual(step);
    expect(diverged.slice(0, first - 1).every((d) => d === 0)).toBe(true);
    expect(diverged.slice(first + 1).every((d) => d === 1)).toBe(true);
  });

  it('Adam on mf-scalar: iterates an independent float64 Adam reproduces to 1e-10 relative', async () => {
    // The start lies on the minimizer xy = 1 (g = 0, so Adam stays put); a start off it makes
    // the same comparison over a moving orbit.
    for (const x0 of ['2,0.5', '2,1', '-0.3,1.7']) {
      const dir = tempDir('gdlab-optim-');
      const file = join(dir, 'adam.json');
      const r = await gdlab(
        ...['trajectory', '--optimizer', 'adam', '--objective', 'mf-scalar', '--lr', '0.1'],
        ...['--x0', x0, '--iters', '200', '--json', file],
      );
      expect(r.code).toBe(0);
      const out = JSON.parse(readFileSync(file, 'utf8')) as TrajectoryJson;
      const want = adam(x0.split(',').map(Number), 0.1, 200);
      expect(out.iterates).toHaveLength(201);
      for (let k = 0; k <= 200; k++)
        for (let i = 0; i < 2; i++)
          expect(Math.abs(out.iterates[k][i] - want[k][i])).toBeLessThanOrEqual(1e-10 * Math.abs(want[k][i]));
      expect(out.state.m).toHaveLength(201);
      expect(out.state.s).toHaveLength(201);
    }
  });

  it('bifurcation columns sweep β at one rate: heavy ball at h = 2.5 is stable for β > 1/4', async () => {
    const r = await gdlab(
      ...['bifurcation', '--objective', 'quadratic', '--optimizer', 'momentum', '--beta', '0:1'],
      ...['--lr', '2.5', '--columns', '20', '--rows', '20', '--samples', '2', '--transient', '200'],
      ...['--keep', '50', '--engine', 'cpu', '--json', '-'],
    );
    expect(r.code).toBe(0);
    const columns = (JSON.parse(r.stdout) as { columns: { beta: number; diverged: number }[] }).columns;
    for (const c of columns) expect(c.diverged).toBe(c.beta < 0.25 ? 1 : 0);
  });

  it('refuses what would be ignored or is out of range, in one line each', async () => {
    const cases: [string[], RegExp][] = [
      [['trajectory', '--objective', 'quadratic', '--beta', '0.5'], /--beta: GD has no beta/],
      [['trajectory', '--objective', 'quadratic', '--optimizer', 'sgd'], /--optimizer: 'sgd' must be one of/],
      [
        ['trajectory', '--objective', 'quadratic', '--optimizer', 'momentum', '--flows', 'gf'],
        /--flows: gradient flow and the modified equations approximate plain GD/,
      ],
      [
        ['trajectory', '--objective', 'quadratic', '--optimizer', 'momentum', '--beta', '1'],
        /--beta \(optimizer\.beta\): must be in \[0, 1\)/,
      ],
      [
        ['trajectory', '--objective', 'quadratic', '--optimizer', 'rmsprop', '--no-bias-correction'],
        /--no-bias-correction: only Adam/,
      ],
      [
        ['basin', '--objective', 'quadratic', '--plane', 'lr,beta', '--lr', '1:2', '--beta', '0:1'],
        /--beta: GD has no beta/,
      ],
      [
        ['basin', '--objective', 'quadratic', '--plane', 'lr,beta', '--lr', '1:2'],
        /--plane: 'beta' is not a quantity .*needs an --optimizer that uses it/,
      ],
      [
        [
          'basin',
          '--objective',
          'quadratic',
          '--optimizer',
          'momentum',
          '--plane',
          'lr,beta',
          '--lr',
          '1:2',
          '--beta',
          '0:2',
        ],
        /plane\.v: beta is a decay factor; its range must lie within \[0, 1\]/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await gdlab(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
