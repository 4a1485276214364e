/**
 * Bifurcation diagrams in float64 (the reference engine), the picture and the CLI. The double-well
 * cascade is derived in float64 in tests/bifurcation-fixtures.ts, not quoted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { prepareEnsemble, runEnsembleSpec } from '../src/core/ensemble.ts';
import { bifurcationReadout, renderBifurcation } from '../src/engine/bifurcation-render.ts';
import { Outcome } from '../src/core/outcome.ts';
import { OUTCOME_PALETTE } from '../src/palette.ts';
import { fixedPointOverlays } from '../src/engine/bifurcation-overlays.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { CpuEnsembleEngine } from '../src/reference/ensemble.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { diagramFooter } from '../src/ui/bifurcation-view/ensemble-export.ts';
import {
  cascade,
  DOUBLE_WELL_CLI,
  DOUBLE_WELL_CLI_PERIODS,
  diagramSpec,
  doubleWellSpec,
  escapingDoubleWellSpec,
  expectedPeriod,
  expectExactMass,
  lyapunov,
} from './bifurcation-fixtures.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const cpu = new CpuEnsembleEngine();
const C = cascade();

describe('double-well cascade in float64', () => {
  it('derives the doublings from the map: h₁ = 1, h₂ = √5 - 1, and Feigenbaum spacing', () => {
    // h·f''(±1) = 2 with f''(±1) = 2; the 2-cycle's multiplier reaches -1 at √5 - 1 (the preset says so).
    expect(C.h1).toBe(1);
    expect(Math.abs(C.h2 - (Math.sqrt(5) - 1))).toBeLessThan(1e-9);
    const ratio = (C.h3 - C.h2) / (C.h4 - C.h3);
    expect(ratio).toBeGreaterThan(4.4);
    expect(ratio).toBeLessThan(4.9);
  });

  it('reports period 1, 2, 4, 8 in the cascade windows and null where the exponent is positive', async () => {
    const spec = doubleWellSpec({ lr: [0.9, 1.4], columns: 50 });
    const r = await runEnsembleSpec(cpu, spec);
    let asserted = 0;
    let chaotic = 0;
    const seen = new Set<number>();
    for (let c = 0; c < 50; c++) {
      const h = r.plan.values[c];
      expect(r.stats.diverged[c]).toBe(0);
      const want = expectedPeriod(h, C, 0.004);
      if (want !== undefined) {
        expect(r.stats.period[c], `h = ${h}`).toBe(want);
        seen.add(want);
        asserted++;
        // At the fixed points ±1 the exponent is exactly ln|F'(±1)| = ln|1 - 2h|.
        if (want === 1) expect(r.stats.lyapunov[c]).toBeCloseTo(Math.log(Math.abs(1 - 2 * h)), 6);
      } else if (h > C.h4 + 0.004) {
        const lam = lyapunov(h);
        if (lam > 0.05) {
          expect(r.stats.period[c], `h = ${h}, λ = ${lam}`).toBeNull();
          expect(r.stats.lyapunov[c]).toBeGreaterThan(0.02);
          chaotic++;
        } else if (lam < -0.02) expect(r.stats.period[c], `window at h = ${h}`).not.toBeNull();
      }
    }
    expect([...seen].sort()).toEqual([1, 2, 4, 8]);
    expect(asserted).toBeGreaterThanOrEqual(35);
    expect(chaotic).toBeGreaterThanOrEqual(5);
  });
});

describe('histogram mass', () => {
  it('counts every kept iterate of every bounded sample exactly once, diverged samples never', async () => {
    const spec = escapingDoubleWellSpec();
    const r = await runEnsembleSpec(cpu, spec);
    expectExactMass(r);
    const outside = r.outside.reduce((a, b) => a + b, 0);
    expect(outside).toBeGreaterThan(0);
    const d = Array.from(r.stats.diverged);
    expect(d.some((v) => v > 0 && v < 1)).toBe(true);
    expect(d.some((v) => v === 1)).toBe(true);
    // The automatic range holds every kept iterate of the starts that are not escaping (here every
    // bounded start: they diverge outright or settle): nothing outside.
    const auto = await runEnsembleSpec(cpu, { ...spec, ensemble: { ...spec.ensemble, range: null } });
    expectExactMass(auto);
    expect(Array.from(auto.stats.outcome)).not.toContain(Outcome.ESCAPING);
    expect(auto.outside.every((v) => v === 0)).toBe(true);
    expect(auto.range[0]).toBeLessThan(-1);
    expect(auto.range[1]).toBeGreaterThan(1);
    expect(diagramFooter(auto, auto.spec)).not.toMatch(/outside/);
  });

  it('an exported diagram counts in its footer the iterates an automatic range left out', async () => {
    // x²/2 across h = 2 (8 columns of 8 starts, 500 + 200 steps): the two escaping columns' 1600
    // kept iterates each lie beyond the range of the others (|x| ≤ 0.12 against up to ~50).
    const spec = diagramSpec('x^2/2', [1.96, 2.04], 8, 8, [0.1, 1.4]);
    const r = await runEnsembleSpec(cpu, spec);
    expect(Array.from(r.outside)).toEqual([0, 0, 0, 0, 1600, 1600, 0, 0]);
    expect(diagramFooter(r, spec)).toBe(
      'gdlab · f = x^2/2 · 8 starts per column × (500 + 200) steps · CPU float64 · 3200 long-run iterates outside the range',
    );
    // A range the reader fixed says nothing of what lies beyond it.
    const fixed = { ...spec, ensemble: { ...spec.ensemble, range: [-0.1, 0.1] as [number, number] } };
    expect(diagramFooter(await runEnsembleSpec(cpu, fixed), fixed)).not.toMatch(/outside/);
  });
});

describe('planEnsemble', () => {
  it('refuses counts that could overflow 32 bits and work beyond the spec limit', () => {
    const spec = doubleWellSpec({ lr: [1, 2], columns: 2 });
    const big = { ...spec, ensemble: { ...spec.ensemble, samples: 100_000, keep: 50_000 } };
    expect(() => prepareEnsemble(big)).toThrow(/could overflow a 32-bit count/);
    // 4096 columns × 10⁶ samples × 1200 steps: far beyond the spec's work limit.
    const huge = {
      ...spec,
      size: [4096, 64] as [number, number],
      ensemble: { ...spec.ensemble, samples: 1_000_000 },
    };
    expect(() => prepareEnsemble(huge)).toThrow(/exceeds the limit/);
  });
});

describe('renderBifurcation', () => {
  it('draws the strips and the log density, highest value on top', async () => {
    const spec = doubleWellSpec({ lr: [0.9, 1.1], columns: 2, rows: 8, samples: 4, range: [-1.6, 1.6] });
    const r = await runEnsembleSpec(cpu, spec);
    expect(r.stats.period).toEqual([1, 2]);
    expect(Array.from(r.stats.outcome)).toEqual([Outcome.CONVERGED, Outcome.PERIODIC]);
    const colours = {
      colormap: (t: number) => [Math.round(255 * t), 0, 0],
      column: (_o: Outcome, p: number | null) => [0, p ?? 0, 200],
      empty: [1, 2, 3],
    };
    const img = renderBifurcation(r, colours, { stripRows: 3 });
    expect([img.width, img.height, img.densityTop]).toEqual([2, 8 + 8, 8]);
    const px = (x: number, y: number) => Array.from(img.rgba.slice((y * 2 + x) * 4, (y * 2 + x) * 4 + 4));
    expect(px(0, 0)).toEqual([...OUTCOME_PALETTE.converged, 255]); // nothing diverged
    expect(px(0, 4)).toEqual([0, 1, 200, 255]);
    expect(px(1, 6)).toEqual([0, 2, 200, 255]);
    expect(px(0, 3)).toEqual([1, 2, 3, 255]);
    // Column 0 converges to ±1, rows floor((±1 + 1.6)/3.2·8) = 1 and 6 from the bottom; the fuller
    // of the two is the image's maximum, drawn at the top of the colormap.
    expect(r.density[1 * 2] + r.density[6 * 2]).toBe(4 * 200);
    const full = r.density[6 * 2] >= r.density[1 * 2] ? 6 : 1;
    expect(px(0, img.densityTop + 7 - full)).toEqual([255, 0, 0, 255]);
    expect(px(0, img.densityTop + 7 - 4)).toEqual([1, 2, 3, 255]);
    // The readout under that pixel: column 0 at h = 0.95, row `full`, its centre value and count.
    const read = bifurcationReadout(r, img.densityTop, 0.5, img.densityTop + 7 - full + 0.5)!;
    expect(read).toMatchObject({ column: 0, row: full, count: r.density[full * 2], period: 1, diverged: 0 });
    expect(read.u).toBeCloseTo(0.95, 12);
    expect(read.value).toBeCloseTo(-1.6 + (full + 0.5) * 0.4, 6);
    expect(bifurcationReadout(r, img.densityTop, 1, 4)).toMatchObject({ column: 1, row: null, period: 2 });
    expect(bifurcationReadout(r, img.densityTop, 2, 0)).toBeNull();
  });
});

describe('gdlab bifurcation', () => {
  it('writes the columns as JSON and a PNG that carries the spec', async () => {
    const dir = tempDir('gdlab-bif-');
    const args = [
      'bifurcation',
      ...DOUBLE_WELL_CLI,
      '--observable',
      'x',
      '--engine',
      'cpu',
      '--json',
      join(dir, 'b.json'),
      '--png',
      join(dir, 'b.png'),
    ];
    await runCli(args, { timeout: 60_000 });
    const json = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
    expect(json.engine).toMatchObject({ kind: 'cpu', precision: 'f64' });
    expect(json.engine.adapter).toMatch(/^cpu, \d+ threads?$/);
    expect(json.reason).toBe('--engine cpu');
    expect(json.columns).toHaveLength(8);
    const spec = parseSpec(json.spec);
    expect(spec.kind).toBe('bifurcation');
    expect(spec.iterations).toBe(1100);
    json.columns.forEach(
      (col: { lr: number; period: number | null; diverged: number; min: number; max: number }, i: number) => {
        expect(col.lr).toBeCloseTo(0.9 + (i + 0.5) * 0.05, 12);
        expect(col.diverged).toBe(0);
        const want = expectedPeriod(col.lr, C, 0.004);
        if (want !== undefined) expect(col.period, `h = ${col.lr}`).toBe(want);
        expect(col.max).toBeGreaterThanOrEqual(col.min);
      },
    );
    expect(json.columns.map((c: { period: number }) => c.period)).toEqual(DOUBLE_WELL_CLI_PERIODS);
    const png = decode(readFileSync(join(dir, 'b.png')));
    expect([png.width, png.height]).toEqual([8, 32 + 14]);
    expect(parseSpec(JSON.parse(png.text['gdlab-spec']))).toEqual(spec);
    expect(png.text.Source).toBe('gdlab CPU engine, float64');

    // --spec reopens the PNG: the same spec, the same columns.
    const again = join(dir, 'again.json');
    await runCli(['bifurcation', '--spec', join(dir, 'b.png'), '--engine', 'cpu', '--json', again], {
      timeout: 60_000,
    });
    const reopened = JSON.parse(readFileSync(again, 'utf8'));
    expect(parseSpec(reopened.spec)).toEqual(spec);
    expect(reopened.columns).toEqual(json.columns);
    // Only a spec of the command's kind, and no flag that would describe another experiment.
    for (const [args, message] of [
      [['density', '--spec', join(dir, 'b.png')], /a spec of kind 'bifurcation', not 'density'/],
      // basin ran it as a map of the diagram's plane, of its columns × rows.
      [
        ['basin', '--spec', join(dir, 'b.png')],
        /^gdlab basin: --spec '.*b\.png': a spec of kind 'bifurcation', not 'basin' \(gdlab bifurcation --spec runs it\)\n$/,
      ],
      [['bifurcation', '--spec', join(dir, 'b.png'), '--columns', '4'], /drop --columns or drop --spec/],
    ] as const) {
      const err = await runCli([...args]).catch((e: { code: number; stderr: string }) => e);
      expect((err as { code: number }).code).toBe(2);
      expect((err as { stderr: string }).stderr).toMatch(message);
    }
  });

  it('spreads the starts without --x0, so that a critical point at x₀ = 0 does not hide the diagram', async () => {
    // mf-scalar's start (0, 0) is a saddle of (1 - xy)²/2: with one start for every sample, every
    // column converged there (range [-0.001, 0.001], period 1). Spread over the middle half of the
    // preset's window, the samples that reach the diagonal show its 2-cycle for 1 < h < 1.236, in
    // both of its mirror images.
    const args = ['--lr', '1.05:1.2', '--columns', '3', '--rows', '16', '--samples', '16'];
    const run = async (objective: string) => {
      const { stdout } = await runCli(
        ['bifurcation', '--objective', objective, ...args, '--transient', '400', '--keep', '40'],
        { timeout: 60_000 },
      );
      return JSON.parse(stdout);
    };
    const mf = await run('mf-scalar');
    expect(parseSpec(mf.spec).ensemble.box).toEqual({ min: [-1.5, -1.5], max: [1.5, 1.5] });
    expect(mf.columns.map((c: { period: number }) => c.period)).toEqual([2, 2, 2]);
    expect(mf.range[0]).toBeLessThan(-0.7);
    expect(mf.range[1]).toBeGreaterThan(0.7);
    // A typed objective starts at 0, the double well's maximum: x₀ ± ½, middle half.
    const typed = await run('x^4/4 - x^2/2');
    expect(parseSpec(typed.spec).ensemble.box).toEqual({ min: [-0.25], max: [0.25] });
    for (const c of typed.columns) {
      expect(c.period).toBe(2);
      expect(c.min).toBeLessThan(-0.7);
      expect(c.max).toBeGreaterThan(0.7);
    }
  });

  it('sweeps a typed objective over the lab’s first range of rates without --lr: converge, chaos, diverge', async () => {
    const { stdout } = await runCli(
      [
        'bifurcation',
        '--objective',
        'x^4/4 - x^2/2',
        '--columns',
        '4',
        '--rows',
        '16',
        '--samples',
        '8',
      ].concat(['--transient', '400', '--keep', '40', '--engine', 'cpu']),
      { timeout: 60_000 },
    );
    const out = JSON.parse(stdout);
    expect(parseSpec(out.spec).plane.u).toEqual({ quantity: 'lr', min: 0.11, max: 2.42 });
    // Column centres 0.399, 0.976, 1.554, 2.131 against f″(±1) = 2: the minima below h = 1, chaos
    // past the doublings that start at h = 1 (h₂ = √5 - 1), every start of [-1/4, 1/4] diverged beyond h = 2.
    expect(out.columns.map((c: { outcome: string }) => c.outcome)).toEqual([
      'converged',
      'converged',
      'chaotic',
      'diverged',
    ]);
    expect(out.columns[0].min).toBeCloseTo(-1, 9);
    expect(out.columns[0].max).toBeCloseTo(1, 9);
    expect(out.columns[2].lyapunov).toBeGreaterThan(0.3);
  });

  it('with --png alone prints the range and the iterates outside it, as the JSON gives them', async () => {
    const dir = tempDir('gdlab-bif-');
    const args = [
      'bifurcation',
      '--objective',
      'x^2/2',
      '--lr',
      '1.96:2.04',
      '--columns',
      '8',
      '--rows',
      '16',
    ].concat(['--samples', '8', '--x0', '0.1:1.4', '--engine', 'cpu']);
    const { stdout } = await runCli([...args, '--png', join(dir, 'q.png')], { timeout: 60_000 });
    const json = JSON.parse((await runCli([...args, '--json', '-'], { timeout: 60_000 })).stdout);
    expect(json.outside).toBe(3200);
    const end = (v: number) => String(+v.toPrecision(6));
    // The diverged starts, which the picture shows only in its strip: the JSON's fractions × 8 starts.
    const diverged = json.columns.reduce((n: number, c: { diverged: number }) => n + c.diverged * 8, 0);
    expect(diverged).toBeGreaterThan(0);
    expect(stdout).toBe(
      `8 columns × 8 starts × (500 + 200) steps on cpu (f64, ${json.engine.adapter}) in ${/in ([\d.]+) s/.exec(stdout)![1]} s: ` +
        `x from ${end(json.range[0])} to ${end(json.range[1])} (from the data); 3200 long-run iterates outside ` +
        `(escaping starts do not set a range from the data); ${diverged} of 64 starts diverged\nengine: --engine cpu\n`,
    );
  });

  it('names a bad flag in one line with status 2', async () => {
    const fail = runCli(['bifurcation', '--objective', 'double-well', '--engine', 'tpu']);
    await expect(fail).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--engine: 'tpu' must be auto, gpu or cpu"),
    });
  });
});

describe('fixedPointOverlays', () => {
  it('finds the double well’s minima ±1 with threshold h = 2/f″ = 1 and the maximum at 0', () => {
    const obj = compileObjective({ expr: '(x^2 - 1)^2/4', params: {} });
    const points = fixedPointOverlays(obj, [], -2, 2.5, 1000);
    expect(points.map((p) => p.kind)).toEqual(['minimum', 'maximum', 'minimum']);
    expect(points[0].x).toBeCloseTo(-1, 12);
    expect(points[1].x).toBeCloseTo(0, 12);
    expect(points[2].x).toBeCloseTo(1, 12);
    expect(points[0].threshold).toBeCloseTo(C.h1, 10);
    expect(points[1].threshold).toBeNull();
    expect(points[1].curvature).toBeCloseTo(-1, 10);
    // A parameter moves them: a·x²/2 + x has its minimum at -1/a with threshold 2/a.
    const q = compileObjective({ expr: 'a*x^2/2 + x', params: { a: 4 } });
    const [m] = fixedPointOverlays(q, [4], -3, 3);
    expect(m.x).toBeCloseTo(-0.25, 12);
    expect(m.threshold).toBeCloseTo(0.5, 12);
    expect(fixedPointOverlays(compileObjective({ expr: '(1 - x*y)^2/2', params: {} }), [], -2, 2)).toEqual(
      [],
    );
  });
});
