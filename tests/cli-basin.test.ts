/** `gdlab basin` end to end: spawned as a user runs it, JSON and PNG checked against in-process engines. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, test } from 'vitest';
import { colourPixels, resolveColourSettings } from '../src/colormaps.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes } from '../src/core/records.ts';
import { CpuBasinEngine } from '../src/reference/grid.ts';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { withDevice } from './helpers/gpu.ts';

const dir = mkdtempSync(join(tmpdir(), 'gdlab-basin-'));
const bin = new URL('../bin/gdlab.js', import.meta.url).pathname;

function gdlab(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'basin', ...args], { encoding: 'utf8', env: process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MAP = ['--objective', 'mf-scalar', '--lr', '1.1', '--x', '-2:2', '--y', '-2:2', '--size', '24x20'];

describe('gdlab basin', () => {
  test('GPU: JSON counts and a PNG that carries its spec, as the engine gives them in process', async () => {
    const json = join(dir, 'gpu.json');
    const png = join(dir, 'gpu.png');
    const r = gdlab(...MAP, '--iters', '300', '--engine', 'gpu', '--json', json, '--png', png);
    // No fallback warning and no note: one GPU tile. (Dawn and Vulkan may log their own lines.)
    expect(r.stderr).not.toMatch(/no WebGPU adapter|gdlab basin:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^24×20 on gpu \(f32, .*\) in [\d.]+ s: diverged \d+/);
    expect(r.stdout).toMatch(/\nengine: --engine gpu \(.*\)\n$/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out).toMatchObject({ engine: 'gpu', precision: 'f32', size: [24, 20] });
    expect(out.reason).toMatch(/^--engine gpu \(/);
    expect(out.adapter).toMatch(/\w/);
    const spec = parseSpec(out.spec);
    expect(spec).toMatchObject({ lr: 1.1, iterations: 300, transient: 180, size: [24, 20] });
    expect(spec.plane).toEqual({
      u: { quantity: 'x', min: -2, max: 2 },
      v: { quantity: 'y', min: -2, max: 2 },
    });
    const c = out.counts;
    expect(
      c.diverged + c.converged + c.aperiodic + Object.values<number>(c.periodic).reduce((a, b) => a + b, 0),
    ).toBe(480);
    expect(c.periodic['2']).toBeGreaterThan(100);
    const mine = await withDevice(async (device) => {
      const r = await new GpuBasinEngine(device, compileObjective).runBasin(spec);
      return { counts: r.counts, steps: r.steps, columns: await r.readAll() };
    });
    expect(c).toEqual(countOutcomes(mine.columns));
    expect(c).toEqual(mine.counts);
    expect(out.steps).toBe(mine.steps);

    const decoded = decodeSpecPng(readFileSync(png));
    expect(decoded.spec).toEqual(spec);
    expect([decoded.width, decoded.height]).toEqual([24, 20]);
    // The picture states its engine and precision, which the spec does not hold.
    // SwiftShader flushes float32's subnormals to zero (src/engine/subnormals.ts), and says so.
    if (/swiftshader/i.test(out.adapter)) expect(out.subnormals).toBe('flushed');
    const flushed = out.subnormals === 'flushed' ? ', subnormals flushed to zero' : '';
    expect(decode(readFileSync(png)).text.Source).toBe(`gdlab GPU engine, float32${flushed}, ${out.adapter}`);
    const cpu = colourPixels(mine.columns, resolveColourSettings(spec, mine.columns));
    let exact = 0;
    for (let k = 0; k < cpu.length; k += 4)
      if ([0, 1, 2, 3].every((i) => Math.abs(cpu[k + i] - decoded.rgba[k + i]) <= 1)) exact++;
    expect(exact).toBe(480);
  });

  test('CPU engine: the float64 reference counts; --spec reopens a PNG and flags override it', async () => {
    const png = join(dir, 'cpu.png');
    const r = gdlab(...MAP, '--iters', '200', '--engine', 'cpu', '--json', '-', '--png', png);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ engine: 'cpu', precision: 'f64', reason: '--engine cpu' });
    expect(out.adapter).toMatch(/^cpu, \d+ threads?$/);
    expect(decode(readFileSync(png)).text.Source).toBe('gdlab CPU engine, float64');
    const ref = await new CpuBasinEngine(compileObjective).runBasin(parseSpec(out.spec));
    expect(out.counts).toEqual(countOutcomes(ref.columns));

    const again = gdlab('--spec', png, '--lr', '1.25', '--engine', 'cpu', '--json', '-');
    expect(again.status).toBe(0);
    const spec2 = JSON.parse(again.stdout).spec;
    expect(spec2.lr).toBe(1.25);
    expect(spec2.plane).toEqual(out.spec.plane);
    expect(spec2.iterations).toBe(200);
    expect(JSON.parse(again.stdout).counts.periodic['4']).toBeGreaterThan(100);
  });

  test('a picture coloured by a field states its range, which escaping pixels do not set', async () => {
    // x²/2 across h = 2 (CPU engine, float64): below 2 the starts shrink, above it they escape, still
    // bounded after 300 steps at up to ~10⁵; the range is the others' x_N, within ±1.4.
    const args = ['--objective', 'x^2/2', '--plane', 'x,lr', '--x', '-2:2', '--lr', '1.96:2.04'];
    const png = join(dir, 'final.png');
    const run = gdlab(
      ...args,
      ...['--size', '16x16', '--iters', '300', '--engine', 'cpu', '--color-by', 'final0'],
      ...['--png', png, '--json', join(dir, 'final.json')],
    );
    expect(run.status).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'final.json'), 'utf8'));
    const ref = await new CpuBasinEngine(compileObjective).runBasin(parseSpec(out.spec));
    const c = ref.columns;
    const others = c.final0.filter(
      (_, k) => c.outcome[k] !== Outcome.ESCAPING && Number.isFinite(c.final0[k]),
    );
    const escaping = c.final0.filter((_, k) => c.outcome[k] === Outcome.ESCAPING);
    expect(out.counts.escaping).toBe(escaping.length);
    expect(escaping.length).toBeGreaterThan(50);
    expect(Math.max(...escaping.map(Math.abs))).toBeGreaterThan(100);
    // In the engine's float64, where it was rounded to f32 beside "precision": "f64"; the f32 colour
    // pass maps its rounding.
    const range = [Math.min(...others), Math.max(...others)];
    expect(range.map(Math.fround)).not.toEqual(range);
    expect(out.colour).toEqual({ field: 'final0', log: false, range });
    expect(resolveColourSettings(parseSpec(out.spec), c).range).toEqual(range.map(Math.fround));
    // log10 in float64 too, of the least positive and the largest value.
    const logRun = gdlab(
      ...args,
      ...['--size', '16x16', '--iters', '300', '--engine', 'cpu', '--color-by', 'final0', '--log'],
      ...['--png', png, '--json', '-'],
    );
    expect(JSON.parse(logRun.stdout).colour.range).toEqual([
      Math.log10(Math.min(...others.filter((v) => v > 0))),
      Math.log10(Math.max(...others)),
    ]);
    expect(Math.max(...out.colour.range.map(Math.abs))).toBeLessThan(1.4);
    const line = `colour: final0 from ${+out.colour.range[0].toPrecision(6)} to ${+out.colour.range[1].toPrecision(6)}`;
    // Between the counts and the engine, which stays the last line.
    expect(run.stdout.split('\n').slice(1)).toEqual([
      `${line} (from the data; its ${escaping.length} escaping pixels do not set it)`,
      'engine: --engine cpu',
      '',
    ]);
    // λ not computed: no pixel has a value, and the summary does not invent a range for it.
    const none = gdlab(
      ...args,
      ...['--size', '8x8', '--iters', '50', '--engine', 'cpu', '--no-lyapunov', '--color-by', 'lyapunov'],
      ...['--png', png, '--json', join(dir, 'none.json')],
    );
    expect(JSON.parse(readFileSync(join(dir, 'none.json'), 'utf8')).colour).toEqual({
      field: 'lyapunov',
      log: false,
      range: null,
    });
    expect(none.stdout.split('\n')[1]).toBe('colour: lyapunov: no pixel has a value (all no-value grey)');
    // By outcome there is no range to state.
    const plain = gdlab(
      ...args,
      '--size',
      '8x8',
      '--iters',
      '50',
      '--engine',
      'cpu',
      '--png',
      png,
      '--json',
      '-',
    );
    expect(JSON.parse(plain.stdout).colour).toBeUndefined();
  });

  test('auto (the default) takes the CPU engine over SwiftShader, on every thread, and says why', () => {
    const json = join(dir, 'auto.json');
    const r = gdlab(
      ...MAP.slice(0, -1),
      '256x256',
      '--iters',
      '400',
      '--json',
      json,
      '--png',
      join(dir, 'auto.png'),
    );
    expect(r.status).toBe(0);
    const why =
      /^auto: the only adapter is software \(SwiftShader\), and the float64 CPU engine is estimated [\d.]+× faster/;
    expect(r.stdout).toMatch(/^256×256 on cpu \(f64, cpu, \d+ threads?\) in [\d.]+ s:/);
    expect(r.stdout.split('\n')[1]).toMatch(new RegExp(`^engine: ${why.source.slice(1)}`));
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out).toMatchObject({ engine: 'cpu', precision: 'f64' });
    expect(out.reason).toMatch(why);
    expect(out.steps).toBeGreaterThan(0);
  });

  test('sweeping lr and x on a 1-D objective, by --plane', () => {
    const r = gdlab(
      '--objective',
      'double-well',
      '--plane',
      'lr,x',
      '--lr',
      '0.5:2.3',
      '--x',
      '-1.8:1.8',
      '--size',
      '16x8',
      '--iters',
      '200',
      '--engine',
      'cpu',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.spec.plane.u).toEqual({ quantity: 'lr', min: 0.5, max: 2.3 });
    expect(out.counts.converged).toBeGreaterThan(0);
    expect(out.counts.diverged).toBeGreaterThan(0);
  });

  test('a typed 1-D objective draws lr against x without a range given, as the lab sets it up', () => {
    // It exited with "--lr: the plane sweeps lr, so it needs a range A:B": a first command failed.
    const r = gdlab('--objective', 'x^4/4 - x^2/2', '--size', '24x12', '--iters', '300', '--engine', 'cpu');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    // Rates from 0.1h to 2.2h (h = 1.1, the default rate), x over the default plane's range.
    expect(out.spec.plane.u).toEqual({ quantity: 'lr', min: 0.11, max: 2.42 });
    expect(out.spec.plane.v).toEqual({ quantity: 'x', min: -2.5, max: 2.5 });
    // The double well: its minima attract below h = 1, its 2-cycle follows, and far starts diverge.
    expect(out.counts.converged).toBeGreaterThan(0);
    expect(out.counts.periodic['2']).toBeGreaterThan(0);
    expect(out.counts.diverged).toBeGreaterThan(0);
  });

  test('--observable: a map coloured by obs0 spans its values (x + 1 over the range of x)', () => {
    const range = (extra: string[]) => {
      const file = join(dir, `obs-${extra.length}.json`);
      const r = gdlab(
        ...['--objective', 'double-well', '--size', '16x16', '--iters', '200', '--engine', 'cpu'],
        ...[...extra, '--png', join(dir, `obs-${extra.length}.png`), '--json', file],
      );
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(readFileSync(file, 'utf8')) as {
        spec: { observables: string[] };
        colour: { range: [number, number] };
      };
      return { observables: out.spec.observables, range: out.colour.range };
    };
    const x = range(['--color-by', 'final0']);
    const obs = range(['--observable', 'x + 1', '--color-by', 'obs0']);
    expect(obs.observables).toEqual(['x + 1']);
    expect(x.range[1]).toBeGreaterThan(x.range[0]);
    // x ↦ x + 1 is monotone and rounds monotonically: the extremes map onto the extremes.
    expect(obs.range).toEqual([x.range[0] + 1, x.range[1] + 1]);
  });

  test('usage errors name the flag and exit with 2', () => {
    const manyParams = join(dir, 'params.json');
    const params = Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`0bad${i}`, 'v']));
    writeFileSync(manyParams, JSON.stringify({ objective: { expr: 'x', preset: null, params } }));
    // A start of three numbers for (1 - xy)²/2, over (h, x): y₀ = 0.7 was dropped and the map ran from
    // y₀ = 0, silently (density and attractor refuse the same file).
    const longStart = join(dir, 'long-start.json');
    writeFileSync(
      longStart,
      JSON.stringify({
        objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
        x0: [0.3, 0.7, 0.9],
        plane: { u: { quantity: 'lr', min: 1, max: 2 }, v: { quantity: 'x', min: -2, max: 2 } },
      }),
    );
    const shortStart = join(dir, 'short-start.json');
    writeFileSync(shortStart, JSON.stringify({ x0: [0.3] }));
    // A density spec's plane is 1 × bins: basin ran it as a 1×60 map, where the other commands refuse
    // a spec of another kind.
    const densitySpec = join(dir, 'density-spec.json');
    writeFileSync(densitySpec, JSON.stringify({ kind: 'density', ensemble: { bins: 60 } }));
    const cases: [string[], RegExp][] = [
      [
        ['--spec', densitySpec, '--engine', 'cpu'],
        new RegExp(
          `^gdlab basin: --spec '${densitySpec}': a spec of kind 'density', not 'basin' \\(gdlab density --spec runs it\\)\\n$`,
        ),
      ],
      [
        [...MAP.filter((a, i) => a !== '--lr' && MAP[i - 1] !== '--lr'), '--lr', '1:2'],
        /--lr: a range is only for the swept quantities \(x, y\); give a value/,
      ],
      [[...MAP, '--lr', '1.2'], /--lr is given twice \('--lr 1.1' and '--lr 1.2'\)/],
      [
        ['--objective', 'mf-scalar', '--x', '0.5', '--y', '-2:2', '--lr', '1'],
        /--x: the plane sweeps x, so it needs a range/,
      ],
      [[...MAP, '--param', 'a=NaN'], /--param a: 'NaN' is not a decimal number/],
      [
        ['--objective', 'a*x^2/2 + y^2/2', '--param', 'a=Infinity', '--x', '-1:1', '--y', '-1:1'],
        /--param a: 'Infinity' is not a decimal number/,
      ],
      [[...MAP.slice(0, -2), '--size', '24'], /--size: '24' must be WxH/],
      // Fields no pixel can have painted the whole map mid grey, with status 0.
      [
        [...MAP, '--color-by', 'obs0'],
        /--color-by obs0: the map has no observables; give one with --observable EXPR/,
      ],
      [
        [...MAP, '--observable', 'x*y', '--color-by', 'obs1'],
        /--color-by obs1: the map has 1 observable; give two with --observable EXPR/,
      ],
      [
        ['--objective', 'double-well', '--color-by', 'final1'],
        /--color-by final1: the objective has one variable/,
      ],
      [
        [...MAP, '--observable', 'x', '--observable', 'y', '--observable', 'x*y'],
        /--observable: at most two \(got 3\)/,
      ],
      // It blamed classify.maxPeriod, a field the user never set.
      [[...MAP, '--iters', '1'], /^gdlab basin: --iters must be ≥ 2 \(got 1\)\n$/],
      [[...MAP, '--plane', 'x,q'], /--plane: 'q' is not a quantity of this objective/],
      [[...MAP, '--engine', 'tpu'], /--engine: 'tpu' must be auto, gpu or cpu/],
      [[...MAP.slice(0, -2), '--size', '20000x10'], /--size \(size\.0\): must be at most 16384/],
      // Three lines for one mistake: "must be an integer", "must be at most 9007199254740991" and this.
      [
        [...MAP.slice(0, -2), '--size', '99999999999999999999x8'],
        /^gdlab basin: invalid experiment spec:\n {2}--size \(size\.0\): must be at most 16384\n$/,
      ],
      // A name of 100 000 characters was echoed whole.
      [
        [...MAP, '--param', `${'a'.repeat(100_000)}=1`],
        new RegExp(
          `^gdlab basin: --param: the name '${'a'.repeat(40)}…' is too long \\(100000 characters; at most 64\\)\\n$`,
        ),
      ],
      // 150 000 bad parameter names overflowed the validator's stack: exit 1, as an I/O error.
      [
        ['--spec', manyParams, '--engine', 'cpu'],
        /^gdlab basin: invalid experiment spec:\n {2}objective\.params: too many parameters: 150000 \(at most 256\)\n$/,
      ],
      [
        ['--spec', longStart, '--size', '8x8', '--engine', 'cpu'],
        /^gdlab basin: invalid experiment spec:\n {2}x0: has 3 coordinates but the objective has 2 \(x, y\)\n$/,
      ],
      // It read "has 1 coordinates".
      [
        ['--spec', shortStart, '--size', '8x8', '--engine', 'cpu'],
        /^gdlab basin: invalid experiment spec:\n {2}x0: has 1 coordinate but the objective has 2 \(x, y\)\n$/,
      ],
      // A typed expression ran at the default spec's h = 1.1 (mf-scalar's): x² + y² diverged from
      // every start, with no word of the rate, where trajectory, density and attractor ask for it.
      [
        ['--objective', 'x^2 + y^2', '--x', '-1:1', '--y', '-1:1', '--size', '8x8', '--engine', 'cpu'],
        /^gdlab basin: --lr is required for an expression \(a value, or a range A:B where the plane sweeps lr\)\n$/,
      ],
      [
        ['--objective', 'x^2 + y^2', '--plane', 'lr.x,x', '--x', '-1:1', '--size', '8x8'],
        /^gdlab basin: --lr is required for an expression/,
      ],
      // Finite ends, infinite width: once every pixel diverged and x was null, silently.
      [
        [
          '--objective',
          'sin(x)+y^2',
          '--lr',
          '0.5',
          '--x',
          '-1.7e308:1.7e308',
          '--y',
          '-1:1',
          '--engine',
          'cpu',
          '--size',
          '16x16',
        ],
        /\n {2}plane\.u: range -1\.7e308:1\.7e308 is too wide \(max − min must be finite\)\n$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = gdlab(...args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(2);
    }
  });

  test('refuses a grid whose records the CPU engine cannot hold as memory, not as an invalid spec', () => {
    // 16 GiB of float64 records allocated at once. The spec is valid: the GPU engine runs it, and
    // it read "invalid experiment spec: size: …" with the usage status 2.
    const r = gdlab(...MAP.slice(0, -2), '--size', '16384x16384', '--iters', '20', '--engine', 'cpu');
    expect(r.stderr).toBe(
      "gdlab basin: out-of-memory error while allocating the CPU engine's records: 16384 × 16384 pixels " +
        'need 16.3 GiB of float64 records, more than its 4.0 GiB; use the GPU engine or a smaller grid, ' +
        'or render it in pieces (gdlab basin --tile)\n',
    );
    expect(r.status).toBe(1);
  });
});
