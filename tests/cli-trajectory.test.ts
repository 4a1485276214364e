/** `gdlab trajectory` as a user runs it: spawned through bin/gdlab.js, JSON numbers checked. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrajectoryJson } from '../src/cli/trajectory.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { runCli, tempDir } from './helpers/cli.ts';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function gdlab(...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await runCli(args, { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function trajectory(...args: string[]): Promise<TrajectoryJson> {
  const r = await gdlab('trajectory', ...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TrajectoryJson;
}

/** A run whose notes (on stderr too, one line each) are the point. */
async function noted(...args: string[]): Promise<{ out: TrajectoryJson; stderr: string }> {
  const r = await gdlab('trajectory', ...args);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as TrajectoryJson;
  expect(r.stderr).toBe(out.notes.map((n) => `gdlab trajectory: ${n}\n`).join(''));
  return { out, stderr: r.stderr };
}

/** The tail of every overshoot note (src/reference/overshoot.ts). */
const OVERSHOOT_TAIL =
  ': GD overshoots there, flipping sign along the sharpest direction (1 − h·λmax < 0); no flow ' +
  'ẋ = F(x) follows that, so the flows are drawn for comparison only, not as an approximation of GD';

describe('gdlab trajectory', () => {
  it('gives x²/2 at h = 1.5 exactly: (-1/2)^k, converged, flows at t = k·h', async () => {
    const { out, stderr } = await noted(
      ...['--objective', 'quadratic', '--lr', '1.5', '--x0', '-2', '--iters', '40', '--flows', 'gf,me1,me2'],
    );
    // GD flips sign every step, the flows decay without: the note says the flows do not follow GD.
    expect(out.notes).toEqual([`h·λmax(∇²f) = 1.5 > 1 first at step 0${OVERSHOOT_TAIL}`]);
    expect(stderr).toMatch(/^gdlab trajectory: h·λmax\(∇²f\) = 1\.5 > 1 first at step 0: GD overshoots/);
    expect(out.t).toHaveLength(41);
    out.t.forEach((t, k) => expect(t).toBe(k * 1.5));
    out.iterates.forEach(([x], k) => expect(x).toBe(-2 * (-0.5) ** k));
    out.f.forEach((f, k) => expect(f).toBe(2 * 0.25 ** k));
    expect(out.sharpness.every((s) => s === 1)).toBe(true);
    expect(out.outcome).toMatchObject({ name: 'converged', code: 1, iter: 40, period: 1, final1: null });
    expect(out.outcome.lyapunov).toBeCloseTo(Math.log(0.5), 12);
    expect(out.outcome.obs0).toBeNull();
    // Gradient flow x₀e^{-t}; order 1 x₀e^{-(1 + h/2)t}; order 2 x₀e^{-(1 + h/2 + h²/3)t}.
    const rates = { gf: 1, me1: 1.75, me2: 1 + 0.75 + 0.75 };
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const flow = out.flows[kind]!;
      expect(flow).toHaveLength(41);
      for (const k of [0, 1, 5])
        expect(flow[k][0] / (-2 * Math.exp(-rates[kind] * k * 1.5)) - 1).toBeCloseTo(0, 9);
    }
    // The spec round-trips through parseSpec unchanged.
    expect(parseSpec(out.spec)).toEqual(out.spec);
    expect(out.spec).toMatchObject({ lr: 1.5, x0: [-2], iterations: 40, objective: { preset: 'quadratic' } });
  });

  it('stops x²/2 at h = 2.1 at the analytic escape iteration, flows sampled as far', async () => {
    const { out } = await noted(
      ...[
        '--objective',
        'x^2/2',
        '--lr',
        '2.1',
        '--x0',
        '0.7',
        '--iters',
        '500',
        '--radius',
        '1000',
        '--flows',
        'gf',
      ],
    );
    const k = Math.floor(Math.log(1000 / 0.7) / Math.log(1.1)) + 1;
    expect(out.outcome).toMatchObject({ name: 'diverged', code: 0, iter: k, period: 0 });
    expect(out.outcome.lyapunov).toBeNull();
    expect(out.iterates).toHaveLength(k + 1);
    expect(Math.abs(out.iterates[k][0])).toBeGreaterThan(1000);
    expect(Math.abs(out.iterates[k - 1][0])).toBeLessThanOrEqual(1000);
    expect(out.flows.gf).toHaveLength(k + 1);
    // GD grows by 1.1 a step while gradient flow decays: the note says past 2 too.
    expect(out.notes).toEqual([
      `h·λmax(∇²f) = 2.1 > 1 first at step 0 (up to 2.1 > 2 at step 0, where |1 − h·λmax| > 1: the linearised step grows along it)${OVERSHOOT_TAIL}`,
    ]);
    expect(out.spec.objective).toEqual({ expr: 'x^2/2', preset: null, params: {} });
    expect(out.spec.classify.divergeRadius).toBe(1000);
  });

  it('keeps the mf-scalar invariant, with parameters, observables and a negative start', async () => {
    const out = await trajectory(
      ...['--objective', '(c - x*y)^2/2', '--param', 'c=1', '--lr', '0.9', '--x0', '-0.3,1.7'],
      ...['--iters', '300', '--observable', 'x^2 - y^2', '--observable', 'x*y'],
    );
    for (let k = 0; k + 1 < out.iterates.length; k++) {
      const [x, y] = out.iterates[k];
      const [x1, y1] = out.iterates[k + 1];
      const r = x * y - 1;
      const scale = Math.max(x * x + y * y, x1 * x1 + y1 * y1);
      expect(Math.abs(x1 * x1 - y1 * y1 - (1 - 0.81 * r * r) * (x * x - y * y))).toBeLessThan(1e-12 * scale);
    }
    const o = out.outcome;
    expect(o.name).toBe('converged');
    expect(o.obs1).toBeCloseTo(1, 12);
    expect(o.obs0).toBeCloseTo(o.final0 ** 2 - o.final1 ** 2, 12);
    expect(Math.abs(o.final0 - o.final1)).toBeLessThanOrEqual(Math.sqrt(2 / 0.9 - 2));
    expect(o.sharpness).toBeCloseTo(o.final0 ** 2 + o.final1 ** 2, 10);
    expect(out.spec.objective.params).toEqual({ c: 1 });
    expect(out.spec.observables).toEqual(['x^2 - y^2', 'x*y']);
  });

  it('finds period 2 on the double well at h = 1.1, and uses preset defaults', async () => {
    const out = await trajectory(
      '--objective',
      'double-well',
      '--lr',
      '1.1',
      '--x0',
      '0.9',
      '--iters',
      '600',
    );
    expect(out.outcome).toMatchObject({ name: 'periodic', period: 2 });
    expect(out.outcome.lyapunov).toBeLessThan(0);
    // The preset's start is unbalanced, not the saddle (0, 0) where a trajectory stayed put: GD
    // balances (|x - y| ≤ √(2/h - 2) = 0.471 at h = 0.9), gradient flow keeps x² - y² = 3.15.
    const dflt = (await noted('--objective', 'mf-scalar', '--flows', 'gf')).out;
    expect(dflt.spec.lr).toBe(0.9);
    expect(dflt.spec.x0).toEqual([1.8, 0.3]);
    expect(dflt.iterates).toHaveLength(101);
    // ∇²f(1.8, 0.3) = [[0.09, 0.08], [0.08, 3.24]]: h·λmax = 0.9 × 3.242 = 2.918, and the first step
    // catapults past it. Gradient flow keeps x² − y² where GD balances: the note says so.
    expect(0.9 * (1.665 + Math.hypot(1.575, 0.08))).toBeCloseTo(2.918, 3);
    expect(dflt.notes).toEqual([
      `h·λmax(∇²f) = 2.918 > 1 first at step 0 (up to 5.121 > 2 at step 1, where |1 − h·λmax| > 1: the linearised step grows along it)${OVERSHOOT_TAIL}`,
    ]);
    expect(dflt.outcome.name).toBe('converged');
    const [x, y] = dflt.iterates[100];
    expect(x * y).toBeCloseTo(1, 6);
    expect(Math.abs(x - y)).toBeLessThan(Math.sqrt(2 / 0.9 - 2));
    const [u, v] = dflt.flows.gf![100];
    expect(u * u - v * v).toBeCloseTo(1.8 ** 2 - 0.3 ** 2, 3);
    expect(0.9 * (u * u + v * v)).toBeGreaterThan(2);
  });

  it('runs at a rate per coordinate (--lr.x, --lr.y): x²/2 + y²/2 scales each coordinate by 1 - h_i', async () => {
    const expr = ['--objective', 'x^2/2 + y^2/2', '--x0', '1,1', '--iters', '40'];
    // h_y = 2.5: y_k = (-1.5)^k while x_k = 0.5^k; every iterate exact in float64 until y escapes.
    const out = await trajectory(...expr, '--lr.x', '0.5', '--lr.y', '2.5', '--json', '-');
    expect(out.spec.lrPerCoord).toEqual([0.5, 2.5]);
    expect(out.iterates.slice(0, 4)).toEqual([
      [1, 1],
      [0.5, -1.5],
      [0.25, 2.25],
      [0.125, -3.375],
    ]);
    expect(out.outcome.name).toBe('diverged');
    // log_1.5(1e6) = 34.07: the first iterate beyond the radius is the 35th.
    expect(out.outcome.iter).toBe(35);
    // One coordinate's rate, the other --lr's: h = (1.5, 0.5) converges, as neither alone diverges.
    const mixed = await trajectory(...expr, '--lr', '0.5', '--lr.x', '1.5', '--json', '-');
    expect(mixed.spec.lrPerCoord).toEqual([1.5, 0.5]);
    expect(mixed.iterates[1]).toEqual([-0.5, 0.5]);
    expect(mixed.outcome.name).toBe('converged');
    for (const [args, message] of [
      [['--lr.x', '0.5'], '--lr is required for an expression'],
      [['--lr', '1', '--lr.z', '1'], "Unknown option '--lr.z'"],
      [['--lr', '1', '--lr.x3', '1'], "--lr.x3: the objective's variables are x, y"],
      [['--lr', '1', '--lr.y', '0'], "--lr.y: '0' must be positive"],
      [['--lr', '1', '--lr.y', '1', '--flows', 'gf'], '--flows: the flows are those of GD at one rate h'],
    ] as const) {
      const r = await gdlab('trajectory', ...expr, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('takes a start or a rate near the ends of float64: the plane it writes fits them', async () => {
    // "plane.u: max must exceed min" refused --x0 1e17, a plane the user never gave: x₀ ± 3 rounds
    // to x₀ there. GD on x²/2 at h = 1.5 is still x_k = (-1/2)^k x₀, exactly.
    const far = await trajectory(
      ...['--objective', 'x^2/2', '--lr', '1.5', '--x0', '1e17', '--iters', '5', '--radius', '1e20'],
    );
    expect(far.iterates.map(([x]) => x)).toEqual([1e17, -5e16, 2.5e16, -1.25e16, 6.25e15, -3.125e15]);
    expect(far.spec.plane.u).toEqual({ quantity: 'x', min: 5e16, max: 1.5e17 });
    expect(parseSpec(far.spec)).toEqual(far.spec);
    // 2h overflowed ("plane.v.max: must be a finite number, not Infinity"); x₁ = 1 - h·1 = -1e308.
    const steep = await trajectory(...['--objective', 'x^2/2', '--lr', '1e308', '--x0', '1', '--iters', '5']);
    expect(steep.iterates).toEqual([[1], [-1e308]]);
    expect(steep.outcome).toMatchObject({ name: 'diverged', iter: 1 });
    expect(steep.spec.plane.v).toEqual({ quantity: 'lr', min: 2.5e307, max: Number.MAX_VALUE });
    // h/4 to 2h was too narrow for 256 pixels; at h = 1e-320 the start does not move.
    const flat = await trajectory(...['--objective', 'x^2/2', '--lr', '1e-320', '--x0', '1', '--iters', '5']);
    expect(flat.iterates).toEqual([[1], [1], [1], [1], [1], [1]]);
    expect(parseSpec(flat.spec)).toEqual(flat.spec);
  });

  it('says when the start is a critical point, where no optimizer moves', async () => {
    const r = await gdlab(
      'trajectory',
      '--objective',
      'x^4/4 - x^2/2',
      '--lr',
      '1.3',
      '--x0',
      '0',
      '--iters',
      '5',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'gdlab trajectory: x0 = (0) is a critical point of f (its gradient is 0): the trajectory stays there\n',
    );
    const out = JSON.parse(r.stdout) as TrajectoryJson;
    expect(out.iterates).toEqual([[0], [0], [0], [0], [0], [0]]);
    expect(out.notes).toHaveLength(1);
  });

  it('writes --json FILE and says so on stdout', async () => {
    const file = join(tempDir('gdlab-'), 'out.json');
    const r = await gdlab(
      'trajectory',
      '--objective',
      'quadratic',
      '--lr',
      '0.5',
      '--x0',
      '4',
      '--iters',
      '8',
      '--json',
      file,
    );
    expect(r.code).toBe(0);
    // Eight steps halve x eight times: |x₂ - x₁| = 1 is far above tol, so no period within P = 7 is
    // found and the definition says not settled (λ = ln ½: a long transient, not chaos).
    expect(r.stdout).toMatch(/^wrote .*out\.json: unsettled \(period 0, λ = -0\.69314718/);
    const out = JSON.parse(readFileSync(file, 'utf8')) as TrajectoryJson;
    expect(out.iterates.map(([x]) => x)).toEqual([4, 2, 1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625]);
    expect(out.flows).toEqual({});
  });

  // At a kink the flows' RK4 error control used to sit at its substep cap on every step: hours for
  // 2000 steps, with --max-seconds looked at only before them (and never for runs this short).
  const kinked = ['--objective', 'abs(x)^1.5', '--lr', '0.1', '--x0', '1', '--iters', '2000'];

  it('stops the flows at --max-seconds: exit 1, one line, nothing written', async () => {
    const t0 = performance.now();
    const r = await gdlab('trajectory', ...kinked, '--flows', 'gf,me1,me2', '--max-seconds', '0.1');
    // Generous: the flows alone need about 7 M RK4 steps before their work allowance stops them.
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^gdlab trajectory: stopped after --max-seconds 0\.1 \((in the (gf|me1|me2) flow, at step \d+ of 2000|before the flows)\); nothing was written\n$/,
    );
  });

  it('stops a flow at a kink once its work allowance is spent, with a note; GD is whole', async () => {
    const r = await gdlab('trajectory', ...kinked, '--flows', 'gf');
    expect(r.code).toBe(0);
    // Two notes: f'' = 0.75/√|x| passes 1/h near the kink, where GD starts to hop across it.
    const m =
      /^gdlab trajectory: (h·λmax\(∇²f\) = [0-9.]+ > 1 first at step (\d+): [^\n]*)\ngdlab trajectory: (the gf flow stopped at step (\d+) of 2000: .* kink of f.*; its later samples are null)\n$/.exec(
        r.stderr,
      );
    expect(m, r.stderr).not.toBeNull();
    const out = JSON.parse(r.stdout) as TrajectoryJson;
    expect(out.notes).toEqual([m![1], m![3]]);
    let x = 1;
    let first = 0;
    while (!(0.1 * 0.75 > Math.sqrt(Math.abs(x)))) {
      x -= 0.1 * 1.5 * Math.sign(x) * Math.sqrt(Math.abs(x));
      first++;
    }
    expect(Number(m![2])).toBe(first);
    const stop = Number(m![4]);
    // ẋ = -1.5·√x reaches the kink at t = 4/3, step 13; the allowance lasts some ten steps more.
    expect(stop).toBeGreaterThan(13);
    expect(stop).toBeLessThan(50);
    const gf = out.flows.gf!;
    expect(gf).toHaveLength(2001);
    expect(gf.slice(0, stop + 1).every(([x]) => Number.isFinite(x))).toBe(true);
    expect(gf.slice(stop + 1).every(([x]) => x === null)).toBe(true);
    expect(out.iterates).toHaveLength(2001);
    expect(out.iterates.every(([x]) => Number.isFinite(x))).toBe(true);
  });

  it('times a long run on its first steps without running them unbounded', async () => {
    // Over 4000 steps, so the first 2000 are timed first: that timing run used to hang itself.
    const file = join(tempDir('gdlab-'), 'kink.json');
    const long = ['--objective', 'max(x, -x/3) + 0.001*x^2', '--lr', '0.1', '--x0', '1', '--iters', '20000'];
    const r = await gdlab('trajectory', ...long, '--flows', 'gf', '--max-seconds', '50', '--json', file);
    // The flow stops at the same step in the timing run and the whole run: not scaled, not refused.
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^gdlab trajectory: the gf flow stopped at step \d+ of 20000: [^\n]*\n$/);
    expect(JSON.parse(readFileSync(file, 'utf8')).flows.gf).toHaveLength(20001);
    // A stiff smooth flow (about 4600 RK4 steps a step) is timed for 0.5 s, not its 2000 steps.
    const t0 = performance.now();
    const stiff = await gdlab(
      ...['trajectory', '--objective', 'multiscale', '--lr', '1.1', '--iters', '100000', '--flows', 'me1'],
      ...['--max-seconds', '0.5'],
    );
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(stiff.code).toBe(1);
    expect(stiff.stderr).toMatch(
      /^gdlab trajectory: this trajectory would take more than .*, more than --max-seconds 0\.5; nothing was computed\n$/,
    );
  });

  it('lists every flag in --help', async () => {
    const r = await gdlab('trajectory', '--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--objective',
      '--param',
      '--lr',
      '--x0',
      '--iters',
      '--flows',
      '--transient',
      '--max-period',
      '--tol',
      '--radius',
      '--observable',
      '--json',
      '--help',
    ])
      expect(r.stdout).toContain(flag);
  });

  const base = ['--objective', 'quadratic', '--lr', '1', '--x0', '1', '--iters', '10'];
  // base with one flag's value replaced (a flag given twice is itself an error).
  const over = (flag: string, value: string) => {
    const i = base.indexOf(flag);
    return i < 0 ? [...base, flag, value] : base.map((a, k) => (k === i + 1 ? value : a));
  };
  const bad: [string, string[], RegExp][] = [
    ['no objective', ['--lr', '1'], /--objective is required/],
    ['syntax error', ['--objective', 'x^2/2 +', '--lr', '1', '--x0', '1'], /column/],
    [
      'unknown identifier',
      ['--objective', 'x^2 + foo', '--lr', '1', '--x0', '1'],
      /--objective: unknown identifier 'foo'/,
    ],
    [
      'constant not finite',
      ['--objective', 'x^2 + 0/0', '--lr', '1', '--x0', '1'],
      /^gdlab trajectory: --objective: the expression is not finite: 0\/0 = NaN \(column 7\)\n$/,
    ],
    ['expression without --lr', ['--objective', 'x^2', '--x0', '1'], /--lr is required/],
    ['expression without --x0', ['--objective', 'x*y', '--lr', '1'], /--x0 is required .*2 numbers: x, y/],
    ['lr not a number', over('--lr', 'abc'), /--lr: 'abc' is not a decimal number/],
    ['lr infinite', over('--lr', 'Infinity'), /--lr: 'Infinity' is not a decimal number/],
    ['lr zero', over('--lr', '0'), /--lr: '0' must be positive/],
    ['lr negative', over('--lr', '-1'), /--lr: '-1' must be positive/],
    ['x0 wrong length', over('--x0', '1,2'), /--x0: needs 1 number \(x\), got 2/],
    ['x0 empty entry', over('--x0', '1,,2'), /--x0: '' is not a decimal number/],
    ['x0 missing value', [...base, '--x0'], /--x0 <value>' argument missing/],
    ['iters one', over('--iters', '1'), /--iters: '1' must be an integer ≥ 2/],
    ['iters fraction', over('--iters', '2.5'), /--iters: '2.5' must be an integer/],
    ['iters too many', over('--iters', '2000000'), /--iters \(iterations\): must be at most 1000000/],
    [
      'transient too long',
      [...base, '--transient', '10'],
      /--transient \(transient\): must be less than iterations/,
    ],
    [
      'period too long',
      [...base, '--max-period', '10'],
      /--max-period \(classify.maxPeriod\): must be less than iterations/,
    ],
    ['tol negative', [...base, '--tol', '-1e-3'], /--tol \(classify.tol\): must be positive/],
    ['unknown flow', [...base, '--flows', 'gf,me3'], /--flows: unknown flow 'me3'; allowed: gf, me1, me2/],
    ['unknown flag', [...base, '--bogus'], /Unknown option '--bogus' \(see gdlab trajectory --help\)/],
    // basin's spelling of the start: the nearest flag is named.
    [
      'start as in basin',
      [...base, '--x', '1'],
      /Unknown option '--x' \(did you mean --x0\? see gdlab trajectory --help\)/,
    ],
    ['positional', [...base, 'extra'], /Unexpected argument 'extra'/],
    ['param without value', [...base, '--param', 'eps'], /--param: 'eps' must be NAME=VALUE/],
    ['param overflow', [...base, '--param', 'A=1e400'], /--param A: '1e400' is out of range/],
    [
      'unused param',
      [...base, '--param', 'eps=1'],
      /--param: 'eps' is not a parameter of this objective \(it has none\)/,
    ],
    [
      'misspelt param',
      ['--objective', 'multiscale', '--param', 'esp=0.1'],
      /--param: 'esp' is not a parameter of this objective \(its parameters: A, eps\)/,
    ],
    [
      'three observables',
      [...base, '--observable', 'x', '--observable', 'x', '--observable', 'x'],
      /at most two/,
    ],
    ['bad observable', [...base, '--observable', 'x +* 2'], /observable/i],
    ['lr in hex', over('--lr', '0x10'), /--lr: '0x10' is not a decimal number/],
    ['lr given twice', [...base, '--lr', '2'], /--lr is given twice \('--lr 1' and '--lr 2'\)/],
    [
      'unwritable json',
      [...base, '--json', '/nonexistent-dir/x.json'],
      /--json: cannot write '\/nonexistent-dir\/x.json': no such file or directory \(ENOENT\)/,
    ],
  ];
  it.each(bad)(
    'rejects %s with one clear message and exit status 2 (1 for I/O)',
    async (name, args, message) => {
      const r = await gdlab('trajectory', ...args);
      expect(r.code).toBe(name === 'unwritable json' ? 1 : 2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^gdlab trajectory: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
