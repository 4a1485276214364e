/**
 * The WGSL ensemble engine against the float64 reference and the derived double-well cascade.
 * Small on purpose (SwiftShader on two shared cores).
 */
import { describe, expect, it, vi } from 'vitest';
import { prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine, type GpuEnsembleOptions } from '../src/engine/bifurcation.ts';
import { BufferPool } from '../src/engine/buffer-pool.ts';
import { Outcome } from '../src/core/outcome.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import {
  cascade,
  DOUBLE_WELL_CLI,
  DOUBLE_WELL_CLI_PERIODS,
  doubleWellSpec,
  escapingDoubleWellSpec,
  expectedPeriod,
  expectExactMass,
  expectSameEnsemble,
  lyapunov,
} from './bifurcation-fixtures.ts';
import { runCli } from './helpers/cli.ts';
import { runBothEngines } from './helpers/both-engines.ts';
import { withDevice } from './helpers/gpu.ts';

const C = cascade();

/** Counts of column c pooled into `pool` equal groups of rows, as fractions of the column's total. */
function pooled(r: BifurcationResult, c: number, pool: number): number[] {
  const { columns: W, rows: H } = r.plan;
  const out = new Array<number>(pool).fill(0);
  let total = 0;
  for (let row = 0; row < H; row++) {
    out[Math.floor((row * pool) / H)] += r.density[row * W + c];
    total += r.density[row * W + c];
  }
  return out.map((v) => v / total);
}

describe('GPU ensemble engine', () => {
  it('finds the double-well cascade (periods 1, 2, 4, 8) and chaos like float64', async () => {
    // Columns h = 0.905, 0.915, …, 1.395 with a fixed range, so the two engines share their bins.
    const spec = doubleWellSpec({ lr: [0.9, 1.4], columns: 50, rows: 64, range: [-1.6, 1.6] });
    const { gpu, cpu } = await runBothEngines(spec);
    expect(gpu.info).toMatchObject({ kind: 'gpu', precision: 'f32' });
    let periodic = 0;
    let chaotic = 0;
    for (let c = 0; c < 50; c++) {
      const h = gpu.plan.values[c];
      expect(gpu.stats.diverged[c]).toBe(0);
      expect(gpu.stats.bounded[c]).toBe(cpu.stats.bounded[c]);
      const want = expectedPeriod(h, C, 0.004);
      if (want !== undefined) {
        expect(gpu.stats.period[c], `h = ${h}`).toBe(want);
        expect(cpu.stats.period[c]).toBe(want);
        expect(gpu.stats.outcome[c]).toBe(want === 1 ? Outcome.CONVERGED : Outcome.PERIODIC);
        // A stable cycle has the same exponent in f32 (a sum of 200 logs of multipliers near the cycle's).
        expect(Math.abs(gpu.stats.lyapunov[c] - cpu.stats.lyapunov[c])).toBeLessThan(2e-3);
        // Its f32 orbit points differ from float64 by far less than a bin (3.2/64 = 0.05): every GPU
        // count lies within one row of a float64 count.
        for (let row = 0; row < 64; row++) {
          if (gpu.density[row * 50 + c] === 0) continue;
          const near = [row - 1, row, row + 1].some((q) => q >= 0 && q < 64 && cpu.density[q * 50 + c] > 0);
          expect(near, `h = ${h}, row ${row}`).toBe(true);
        }
        periodic++;
      } else if (h > C.h4 + 0.004 && lyapunov(h) > 0.05) {
        expect(gpu.stats.period[c], `h = ${h}`).toBeNull();
        expect(gpu.stats.outcome[c], `h = ${h}`).toBe(Outcome.CHAOTIC);
        expect(gpu.stats.lyapunov[c]).toBeGreaterThan(0.02);
        // f32 and float64 chaotic orbits decorrelate within tens of steps but sample the same invariant
        // density: 8 × 200 correlated iterates (exponent ≥ 0.05, so mixing within ~20 steps) put about
        // 80 independent draws in 8 pooled bins; their L1 error is ≈ Σ √(2pᵢ/πn) ≤ √(2·8/(π·80)) ≈ 0.25
        // per engine. 0.6 is that for both engines with room; a wrong map gives ~1 or more.
        const g = pooled(gpu, c, 8);
        const f = pooled(cpu, c, 8);
        const l1 = g.reduce((s, v, i) => s + Math.abs(v - f[i]), 0);
        expect(l1, `h = ${h}`).toBeLessThan(0.6);
        chaotic++;
      }
    }
    expect(periodic).toBeGreaterThanOrEqual(35);
    expect(chaotic).toBeGreaterThanOrEqual(5);
    expectExactMass(gpu);
  });

  it('counts each kept iterate of a bounded sample once, with escapes and a cut-off range', async () => {
    const spec = escapingDoubleWellSpec();
    const { gpu, cpu } = await runBothEngines(spec);
    expectExactMass(gpu);
    // Escape is decided early and far from the radius: the same samples escape in f32.
    expect(Array.from(gpu.stats.bounded)).toEqual(Array.from(cpu.stats.bounded));
    expect(gpu.outside.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Array.from(gpu.stats.diverged).some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('keeps no trajectory state when a run fits one dispatch, escaped samples included', async () => {
    // Such a run binds a state buffer of one Traj; escaped samples used to write theirs there, out of
    // bounds for every sample but the first (Dawn's robustness clamped the writes onto that one).
    const spec = escapingDoubleWellSpec();
    const { objective, plan } = prepareEnsemble(spec);
    const acquire = BufferPool.prototype.acquire;
    const states: GPUBuffer[] = [];
    const spy = vi.spyOn(BufferPool.prototype, 'acquire').mockImplementation(async function (
      this: BufferPool,
      label: string,
      size: number,
      usage: number,
      what: string,
    ) {
      const state = label === 'GpuEnsembleEngine.state';
      const b = await acquire.call(this, label, size, state ? usage | GPUBufferUsage.COPY_SRC : usage, what);
      if (state) states.push(b);
      return b;
    });
    try {
      const { result, words } = await withDevice(async (device) => {
        const result = await new GpuEnsembleEngine(device).runEnsemble(spec, objective, plan);
        expect(states).toHaveLength(1);
        const size = states[0].size;
        const read = device.createBuffer({ size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
        const enc = device.createCommandEncoder();
        enc.copyBufferToBuffer(states[0], 0, read, 0, size);
        device.queue.submit([enc.finish()]);
        await read.mapAsync(GPUMapMode.READ);
        const words = new Uint32Array(read.getMappedRange().slice(0));
        read.destroy();
        return { result, words };
      });
      expect(words.length * 4).toBeLessThanOrEqual(256);
      expect(Array.from(result.stats.diverged).some((v) => v > 0)).toBe(true);
      expect(words.filter((w) => w !== 0).length).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives the same result when split into many tiles and dispatches', async () => {
    // 12 columns × 7 samples = 84 trajectories: tiles of 10 straddle columns; 600 steps per dispatch
    // means 60 steps per chunk. The kernel is deterministic, so the counts must be identical.
    const spec = doubleWellSpec({
      lr: [0.9, 1.5],
      columns: 12,
      samples: 7,
      transient: 300,
      keep: 100,
      range: null,
    });
    const { objective, plan } = prepareEnsemble(spec);
    const [whole, split] = await withDevice(async (device) => [
      await new GpuEnsembleEngine(device).runEnsemble(spec, objective, plan),
      await new GpuEnsembleEngine(device, { maxTileSamples: 10, stepsPerDispatch: 600 }).runEnsemble(
        spec,
        objective,
        plan,
      ),
    ]);
    expectSameEnsemble(split, whole);
    // The automatic range is the extremes of the kept iterates, so nothing falls outside it.
    expect(whole.outside.every((v) => v === 0)).toBe(true);
  });
});

describe('GPU ensemble engine, histogram in workgroup memory or not', () => {
  it('bins the same counts with and without the workgroup histogram', async () => {
    // 64 samples a column: each workgroup of the binning pass holds one column's samples, so with
    // shared bins its counts go through workgroup memory (a GPU's default; SwiftShader's is none).
    // The range cuts the attractor, so the column's `outside` bin is used too.
    const spec = doubleWellSpec({
      lr: [1.2, 1.5],
      columns: 3,
      samples: 64,
      transient: 200,
      keep: 50,
      range: [-1, 1],
    });
    const { objective, plan } = prepareEnsemble(spec);
    const [shared, global] = await withDevice(async (device) => [
      await new GpuEnsembleEngine(device, { sharedBins: 3840 }).runEnsemble(spec, objective, plan),
      await new GpuEnsembleEngine(device, { sharedBins: 0 }).runEnsemble(spec, objective, plan),
    ]);
    expect(shared.outside.some((v) => v > 0)).toBe(true);
    expectSameEnsemble(shared, global);
    await withDevice(async (device) => {
      expect(() => new GpuEnsembleEngine(device, { sharedBins: 5000 })).toThrow(/sharedBins 5000/);
    });
  });
});

describe("GPU ensemble engine specialised to the run's geometry", () => {
  it("gives bit for bit the general kernel's result on long and short runs, with and without λ, heavy steps too", async () => {
    // Long: every part, no window in the tail; short: one-step loops and rule 2 tested exactly, the
    // window in the tail. λ adds the warm-up part and growth tracking.
    const cases = [
      { transient: 200, keep: 60, lyapunov: true },
      { transient: 200, keep: 60, lyapunov: false },
      { transient: 10, keep: 10, lyapunov: true },
      { transient: 10, keep: 10, lyapunov: false },
    ];
    await withDevice(async (device) => {
      for (const c of cases) {
        const base = doubleWellSpec({ lr: [1.2, 2.1], columns: 6, samples: 8, ...c, box: [0.1, 2.2] });
        const spec = parseSpec({ ...base, classify: { ...base.classify, lyapunov: c.lyapunov } });
        const { objective, plan } = prepareEnsemble(spec);
        const run = (options: GpuEnsembleOptions) =>
          new GpuEnsembleEngine(device, options).runEnsemble(spec, objective, plan);
        const general = await run({ general: true });
        // Specialised to the geometry; and with every step taken as heavy (forStep: one step per trip
        // and rule 2 exact in every entry point), in one dispatch and in chunks.
        for (const options of [{}, { heavyStepNodes: 0 }, { heavyStepNodes: 0, stepsPerDispatch: 700 }]) {
          expectSameEnsemble(await run(options), general, `${JSON.stringify(c)} ${JSON.stringify(options)}`);
        }
      }
    });
  });
});

describe('GPU ensemble engine, other observables and sweeps', () => {
  it('agrees with float64 on an expression observable in 2-D, f under a parameter sweep, and a start sweep', async () => {
    const base = {
      kind: 'bifurcation',
      iterations: 500,
      transient: 400,
      classify: { maxPeriod: 16, tol: 1e-4, divergeRadius: 1e6, lyapunov: true, chaosThreshold: 1e-3 },
    };
    // Scalar matrix factorization; xy → 1 at a converged minimizer, so the observable x*y ends at 1.
    const mf = parseSpec({
      ...base,
      objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
      lr: 0.5,
      x0: [0.5, 0.5],
      plane: { u: { quantity: 'lr', min: 0.2, max: 0.8 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [4, 32],
      ensemble: {
        samples: 8,
        box: { min: [0.5, 0.5], max: [1.2, 1.2] },
        keep: 100,
        observable: 'x*y',
        bins: 32,
        range: null,
      },
    });
    // GD on a·x²/2 is x ← (1 - h a) x: converges for a < 2/h = 2, escapes beyond. f ends at 0.
    const quad = parseSpec({
      ...base,
      objective: { expr: 'a*x^2/2', preset: null, params: { a: 1 } },
      lr: 1,
      x0: [1],
      plane: { u: { quantity: 'a', min: 0.5, max: 3.5 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [6, 16],
      ensemble: {
        samples: 4,
        box: { min: [0.5], max: [1] },
        keep: 100,
        observable: 'f',
        bins: 16,
        range: [-0.5, 0.5],
      },
    });
    // The double well at h = 1.1 from starts swept along x (no box): the 2-cycle around the sign of the start.
    const starts = parseSpec({
      ...base,
      objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
      lr: 1.1,
      x0: [0],
      plane: { u: { quantity: 'x', min: -1.2, max: 1.2 }, v: { quantity: 'lr', min: 1, max: 2 } },
      size: [4, 16],
      ensemble: { samples: 2, box: null, keep: 100, observable: 'x', bins: 16, range: [-1.5, 1.5] },
    });
    const results = [];
    for (const spec of [mf, quad, starts]) {
      const { gpu, cpu } = await runBothEngines(spec);
      results.push({ gpu, cpu });
      expect(gpu.stats.period).toEqual(cpu.stats.period);
      expect(Array.from(gpu.stats.bounded)).toEqual(Array.from(cpu.stats.bounded));
      for (let c = 0; c < gpu.plan.columns; c++) {
        if (!cpu.stats.bounded[c]) continue;
        expect(Math.abs(gpu.stats.min[c] - cpu.stats.min[c])).toBeLessThan(1e-4);
        expect(Math.abs(gpu.stats.max[c] - cpu.stats.max[c])).toBeLessThan(1e-4);
      }
      expectExactMass(gpu);
    }
    const mfCpu = results[0].cpu;
    expect(mfCpu.stats.period).toEqual([1, 1, 1, 1]);
    expect(Math.abs(mfCpu.stats.max[0] - 1)).toBeLessThan(1e-6);
    const q = results[1].gpu;
    expect(Array.from(q.stats.diverged)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(q.stats.period.slice(0, 3)).toEqual([1, 1, 1]);
    expect(q.stats.max[0]).toBeLessThan(1e-6);
    const s = results[2].gpu;
    expect(s.stats.period).toEqual([2, 2, 2, 2]);
    expect(s.stats.max[0]).toBeLessThan(0);
    expect(s.stats.min[3]).toBeGreaterThan(0);
  });
});

describe('GPU ensemble engine, control', () => {
  it('stops between dispatches when aborted, with an AbortError', async () => {
    const spec = doubleWellSpec({ lr: [0.9, 1.4], columns: 8, transient: 300, keep: 100 });
    const { objective, plan } = prepareEnsemble(spec);
    const controller = new AbortController();
    let calls = 0;
    const run = withDevice((device) =>
      new GpuEnsembleEngine(device, { stepsPerDispatch: 640 }).runEnsemble(spec, objective, plan, {
        signal: controller.signal,
        onProgress: () => {
          calls++;
          controller.abort();
        },
      }),
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });

  it('gdlab bifurcation --engine gpu reports the adapter and the float64 periods', async () => {
    const { stdout } = await runCli(['bifurcation', ...DOUBLE_WELL_CLI, '--engine', 'gpu'], {
      timeout: 120_000,
    });
    const json = JSON.parse(stdout);
    expect(json.engine.kind).toBe('gpu');
    expect(json.engine.precision).toBe('f32');
    expect(json.engine.adapter.length).toBeGreaterThan(0);
    expect(json.columns.map((c: { period: number }) => c.period)).toEqual(DOUBLE_WELL_CLI_PERIODS);
    expect(json.columns.map((c: { outcome: string }) => c.outcome)).toEqual(
      DOUBLE_WELL_CLI_PERIODS.map((p) => (p === 1 ? 'converged' : 'periodic')),
    );
  });

  it('skips NaN values of an observable as float64 does: √x where half the starts settle at x = -1', async () => {
    // The double well at h = 0.5 over starts in [-1.5, 1.5]: about half converge to -1, whose √x is NaN
    // at every kept step (counted outside), the rest to 1. The automatic range is that of the others,
    // in both engines: extremes that took a NaN in (SPIR-V's min may return it) would be [-1, 1].
    const spec = parseSpec({
      kind: 'bifurcation',
      objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
      lr: 0.5,
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 0.4, max: 0.6 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [2, 16],
      iterations: 300,
      transient: 200,
      ensemble: {
        samples: 8,
        box: { min: [-1.5], max: [1.5] },
        keep: 100,
        observable: 'sqrt(x)',
        bins: 16,
        range: null,
      },
    });
    const { gpu, cpu } = await runBothEngines(spec);
    const negative = Array.from(cpu.plan.starts).filter((x) => x < 0).length;
    expect(negative).toBeGreaterThan(0);
    expect(negative).toBeLessThan(8);
    expect(Array.from(cpu.outside)).toEqual([negative * 100, negative * 100]);
    expect(Array.from(gpu.outside)).toEqual(Array.from(cpu.outside));
    // The others' 100 kept iterates each in range (which bin, f32 and float64 may round apart at 1).
    const inRange = (r: BifurcationResult) => r.density.reduce((a, b) => a + b, 0);
    expect(inRange(gpu)).toBe((16 - 2 * negative) * 100);
    expect(inRange(cpu)).toBe((16 - 2 * negative) * 100);
    // Every other start ends at √1 = 1: a range of one value, widened by 10⁻³ each side.
    expect(cpu.range[0]).toBeCloseTo(0.999, 6);
    expect(cpu.range[1]).toBeCloseTo(1.001, 6);
    for (const k of [0, 1]) expect(gpu.range[k]).toBeCloseTo(cpu.range[k], 5);
  });
});
