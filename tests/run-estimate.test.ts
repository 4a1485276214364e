/**
 * The lab's estimate of a run from the speeds it measured (src/ui/gd-lab/run-estimate.ts): a speed
 * measured on one objective is scaled to another by the cost model's ratio of their steps' costs
 * (bench/cost-model.md), reused as measured on the same step; and the status line says a kernel is
 * compiling, not a time left, until the run's first progress (src/ui/gd-lab/status.ts).
 */
import { describe, expect, it } from 'vitest';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { KernelsSeen, SpeedBook, modelStepNs } from '../src/ui/gd-lab/run-estimate.ts';
import type { RunInFlight } from '../src/ui/gd-lab/run-controller.ts';
import { specSteps } from '../src/ui/gd-lab/spec-view.ts';
import { confirmLine, runLine } from '../src/ui/gd-lab/status.ts';

/** The default experiment: (1 − xy)²/2, 256² starts × 500 steps, transient 300, the exponent on. */
const mf = defaultSpec();
/** The cost model's objective of elementary functions: A, E = 19, 5 (gradient), 54, 5 (with the HVP). */
const TRIG = 'sin(3*x)*cos(2*y) + exp(-x^2-y^2) + (x^2+y^2)/4';
const trig = { ...mf, objective: { expr: TRIG, preset: null, params: {} } };
const withLyapunov = (s: ExperimentSpec, on: boolean) => ({
  ...s,
  classify: { ...s.classify, lyapunov: on },
});

/** A book with one measurement of `spec` at `rate` steps/s. */
function measured(engine: 'gpu' | 'cpu', spec: ExperimentSpec, rate: number): SpeedBook {
  const book = new SpeedBook();
  book.record(engine, spec, specSteps(spec), (specSteps(spec) / rate) * 1e3);
  return book;
}

describe('the speed expected of a spec', () => {
  it('is the measured one for the same step, whatever the grid, plane, parameters or iterations', () => {
    const book = measured('gpu', mf, 1e8);
    expect(book.basis('gpu', mf)).toEqual({ rate: 1e8, measured: 1e8, from: null });
    const bigger = {
      ...mf,
      size: [2048, 1024] as [number, number],
      iterations: 5000,
      transient: 2000,
      plane: { ...mf.plane, u: { ...mf.plane.u, min: -3 } },
    };
    expect(book.basis('gpu', bigger)).toEqual({ rate: 1e8, measured: 1e8, from: null });
    expect(specSteps(bigger) / book.basis('gpu', bigger)!.rate).toBe(specSteps(bigger) / 1e8);
  });

  it("scales to an objective of elementary functions by the cost model's ratio of step costs", () => {
    // SwiftShader's fit, ns a step: 1.2 + 0.04·A + 1.1·E + 1.7·(share with the exponent) + 70 ns per
    // trajectory over its 500 steps; the exponent's share is (500 − 300)/500 = 0.4, over which A and E
    // are the gradient's and the HVP's. (1 − xy)²/2: A = 0.6·6 + 0.4·15 = 9.6, E = 0;
    // the trig objective: A = 0.6·19 + 0.4·54 = 33, E = 5.
    const mfNs = 1.2 + 0.04 * 9.6 + 1.7 * 0.4 + 70 / 500;
    const trigNs = 1.2 + 0.04 * 33 + 1.1 * 5 + 1.7 * 0.4 + 70 / 500;
    expect(mfNs).toBeCloseTo(2.404, 12);
    expect(trigNs).toBeCloseTo(8.84, 12);
    const k = trigNs / mfNs; // 3.68
    const gpu = measured('gpu', mf, 1e8).basis('gpu', trig)!;
    expect(gpu.rate / (1e8 / k)).toBeCloseTo(1, 12);
    expect(gpu.measured).toBe(1e8);
    expect(gpu.from).toBe(mf);
    // 256² × 500 steps: 0.33 s measured, 1.2 s expected of the trig objective (it was 0.33 s).
    expect(specSteps(trig) / gpu.rate).toBeCloseTo((specSteps(mf) / 1e8) * 3.677, 3);

    // The CPU engine's fit: 2.5 + 0.15·A + 13·E ns (a JavaScript Math call per lane): 18× slower.
    const cpuK = (2.5 + 0.15 * 33 + 13 * 5) / (2.5 + 0.15 * 9.6);
    expect(cpuK).toBeCloseTo(18.39, 2);
    expect(measured('cpu', mf, 1e8).basis('cpu', trig)!.rate / (1e8 / cpuK)).toBeCloseTo(1, 12);
  });

  it('scales by the exponent, the optimizer, the iterations and map against ensemble', () => {
    const off = withLyapunov(mf, false);
    const book = measured('gpu', off, 1e8);
    // Without the exponent, (1 − xy)²/2 costs 1.2 + 0.04·6 + 70/500 = 1.58 ns a step.
    expect(book.basis('gpu', mf)!.rate).toBeCloseTo((1e8 * 1.58) / 2.404, 0);
    const adam = { ...off, optimizer: { ...off.optimizer, kind: 'adam' as const } };
    const ratio = (a: ExperimentSpec, b: ExperimentSpec) => modelStepNs('gpu', a)! / modelStepNs('gpu', b)!;
    expect(ratio(adam, off)).toBeCloseTo(1.81, 2);
    expect(book.basis('gpu', adam)!.rate / (1e8 / ratio(adam, off))).toBeCloseTo(1, 12);
    // Another objective at 20 iterations: the 70 ns of each trajectory weigh 3.5 ns on each step.
    const short = { ...trig, iterations: 20, transient: 10, classify: off.classify };
    expect(modelStepNs('gpu', short)).toBeCloseTo(1.2 + 0.04 * 19 + 1.1 * 5 + 70 / 20, 12);
    expect(book.basis('gpu', short)!.rate / (1e8 / ratio(short, off))).toBeCloseTo(1, 12);
    // An ensemble before any ensemble was measured: from the map, with its replay and binning.
    const diagram = parseSpec({ kind: 'bifurcation', objective: mf.objective });
    const scaled = book.basis('gpu', diagram)!;
    expect(scaled.from).toBe(off);
    expect(scaled.rate / (1e8 / ratio(diagram, off))).toBeCloseTo(1, 12);
    // Once an ensemble is measured, it is the ensembles' basis, and the map's stays the map's.
    book.record('gpu', diagram, specSteps(diagram), 1000);
    expect(book.basis('gpu', diagram)).toEqual({
      rate: specSteps(diagram),
      measured: specSteps(diagram),
      from: null,
    });
    expect(book.basis('gpu', off)).toEqual({ rate: 1e8, measured: 1e8, from: null });
  });

  it('comes back to the measured speed on returning to an objective, and is per engine', () => {
    const book = measured('gpu', mf, 1e8);
    book.record('gpu', trig, specSteps(trig), 1000);
    expect(book.basis('gpu', mf)).toEqual({ rate: 1e8, measured: 1e8, from: null });
    expect(book.basis('gpu', trig)!.rate).toBe(specSteps(trig));
    expect(book.basis('cpu', mf)).toBeNull();
  });
});

describe('kernels to compile', () => {
  const gpu = {};
  it('a new objective or variant on the GPU engine compiles; the grid, plane and parameters do not', () => {
    const k = new KernelsSeen();
    expect(k.compiles(gpu, 'gpu', mf)).toBe(true);
    k.compiled(gpu, mf);
    expect(k.compiles(gpu, 'gpu', mf)).toBe(false);
    expect(k.compiles(gpu, 'gpu', { ...mf, size: [1024, 1024], lr: 0.7 })).toBe(false);
    expect(k.compiles(gpu, 'gpu', trig)).toBe(true);
    expect(k.compiles(gpu, 'gpu', withLyapunov(mf, false))).toBe(true);
    expect(k.compiles(gpu, 'gpu', { ...mf, iterations: 2000 })).toBe(true);
    // The CPU engine compiles no kernel worth a word (its WebAssembly: 150 ms).
    expect(k.compiles(gpu, 'cpu', trig)).toBe(false);
    // A new backend (after a lost device) compiles everything again.
    expect(k.compiles({}, 'gpu', mf)).toBe(true);
  });

  it("an ensemble view's kernels go with the view that compiled them; the map's stay", () => {
    const k = new KernelsSeen();
    const diagram = parseSpec({ kind: 'bifurcation' });
    k.compiled(gpu, mf);
    k.compiled(gpu, diagram);
    expect(k.compiles(gpu, 'gpu', diagram)).toBe(false);
    expect(k.compiles(gpu, 'gpu', mf)).toBe(false);
    expect(k.compiles(gpu, 'gpu', diagram)).toBe(true);
  });
});

describe('the status line of a run in flight', () => {
  const run = (r: Partial<RunInFlight>): RunInFlight => ({
    spec: trig,
    phase: 'full',
    previewShown: false,
    progress: 0,
    started: performance.now(),
    progress0: 0,
    estimate: 52,
    compiling: false,
    ...r,
  });

  it('says the kernel compiles, not a time left, until the first progress', () => {
    const line = runLine(
      run({ compiling: true, started: performance.now() - 30_000, estimate: 1 }),
      undefined,
    );
    expect(line).toMatch(/ · compiling the kernel…$/);
    expect(line).not.toMatch(/left/);
    expect(runLine(run({}), undefined)).toMatch(/ · about 5[12] s left$/);
  });

  it("goes by the progress's pace once the estimate has run out", () => {
    // 10 s in, estimated 4 s, 40% done: 15 s left, not "0.00 s".
    const late = run({ started: performance.now() - 10_000, estimate: 4, progress: 0.4 });
    expect(runLine(late, undefined)).toMatch(/ · about 15 s left$/);
    // From the end of a compile that finished at 10%: 30% in 6 s, 60% to go.
    const after = run({ started: performance.now() - 6_000, estimate: 1, progress: 0.4, progress0: 0.1 });
    expect(runLine(after, undefined)).toMatch(/ · about 12 s left$/);
  });

  it('asks before a long run saying where its speed came from', () => {
    const book = measured('gpu', mf, 1e8);
    const big = { ...trig, size: [4096, 4096] as [number, number], iterations: 5000 };
    const basis = book.basis('gpu', big)!;
    // The exponent over 94% of the steps: A = 0.06·19 + 0.94·54 = 51.9, E = 5; 1.2 + 0.04·51.9 +
    // 1.1·5 + 1.7·0.94 + 70/5000 = 10.39 ns a step against 2.404: 4.32× slower than 100 M steps/s.
    expect(basis.rate).toBeCloseTo(1e8 / (10.388 / 2.404), -3);
    expect(confirmLine(big, specSteps(big) / basis.rate, basis)).toBe(
      `This basin map needs 83.9 G steps: about 1 h 0 min at 23.1 M steps/s, scaled by the cost model from the 100 M steps/s measured on (1 - x*y)^2/2.`,
    );
    expect(confirmLine(mf, 100, book.basis('gpu', mf))).toMatch(
      /about 1 min 40 s at the last measured 100 M steps\/s\.$/,
    );
  });
});
