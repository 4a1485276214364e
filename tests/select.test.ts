/**
 * Engine selection (src/select): `auto` takes a hardware adapter, weighs a software one against the
 * float64 CPU engine for the spec at hand, and says why; `gpu` and `cpu` force one. On this machine
 * the only adapter is SwiftShader: auto must choose the CPU engine for (1 - xy)²/2 and SwiftShader for
 * an objective of elementary functions, and name SwiftShader.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { adapterCompileMs, costModelDiagram, estimateCost, specWork } from '../src/select/cost.ts';
import { softwareAdapter, softwareRasteriser } from '../src/engine/adapter-kind.ts';
import { decide } from '../src/select/decide.ts';
import { createEngine, createEnsembleEngine } from '../src/select/node.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { ParallelCpuEngine } from '../src/cpu/basin-engine.ts';
import { ParallelEnsembleEngine } from '../src/cpu/ensemble-engine.ts';

const basin = parseSpec({
  objective: { expr: '(1 - x*y)^2/2', preset: 'mf-scalar', params: {} },
  lr: 0.5,
  x0: [0, 0],
  plane: { u: { quantity: 'x', min: 0.3, max: 2 }, v: { quantity: 'y', min: 0.3, max: 2 } },
  size: [1024, 1024],
  iterations: 1000,
  transient: 600,
});

/** The objectives of the cost model's fit (bench/cost-model.md). */
const OBJECTIVES = {
  mf: '(1 - x*y)^2/2',
  trig: 'sin(3*x)*cos(2*y) + exp(-x^2 - y^2) + (x^2 + y^2)/4',
  quartic: '(x^2+y^2-1)^2/4 + 0.1*x^3*y - 0.2*x*y^2 + 0.05*(x-y)^4',
};

describe('software rasterisers', () => {
  it('are known by name or by the fallback flag; hardware is not', () => {
    expect(
      softwareRasteriser({
        vendor: 'google',
        architecture: 'swiftshader',
        description: 'SwiftShader driver',
      }),
    ).toBe('SwiftShader');
    expect(softwareRasteriser({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.7, 256 bits)' })).toBe(
      'llvmpipe',
    );
    expect(softwareRasteriser({ vendor: 'mesa', description: 'lavapipe' })).toBe('lavapipe');
    expect(softwareRasteriser({ vendor: 'unknown', isFallbackAdapter: true })).toBe('a fallback adapter');
    expect(
      softwareRasteriser({ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false }),
    ).toBeNull();
  });

  it("the engines' defaults call the same adapters software as the selection does", () => {
    for (const name of [
      'google swiftshader swiftshader-device-subzero- SwiftShader driver 5.0.0',
      'mesa llvmpipe (LLVM 15.0.7, 256 bits)',
      'Microsoft Basic Render Driver',
      'mesa softpipe',
      'a software adapter',
    ])
      expect(softwareAdapter(name), name).toBe(true);
    for (const name of [
      'nvidia hopper NVIDIA H200',
      'apple m2 Apple M2 Max',
      'amd rdna-3 Radeon RX 7900',
      undefined,
    ])
      expect(softwareAdapter(name), name).toBe(false);
  });
});

describe('decide', () => {
  const cost = (cpuMs: number, adapterMs: number) => () => ({ cpuMs, adapterMs, threads: 2 });
  const sw = { name: 'google swiftshader', software: 'SwiftShader' };
  const hw = { name: 'nvidia ampere', software: null };
  it('auto: hardware adapter → GPU; software → the faster estimate; none → CPU', () => {
    expect(decide('auto', hw, cost(1, 100), '--engine auto')).toEqual({
      kind: 'gpu',
      reason: 'auto: hardware adapter (nvidia ampere)',
    });
    const cpu = decide('auto', sw, cost(1300, 34_000), '--engine auto');
    expect(cpu.kind).toBe('cpu');
    expect(cpu.reason).toBe(
      'auto: the only adapter is software (SwiftShader), and the float64 CPU engine is estimated 26× faster for this spec (≈1.3 s on 2 CPU threads against ≈34 s on SwiftShader)',
    );
    // Small times with two figures, so that they agree with the ratio beside them.
    expect(decide('auto', sw, cost(1.12, 73), '--engine auto').reason).toMatch(
      /estimated 65× faster for this spec \(≈1\.1 ms on 2 CPU threads against ≈73 ms on SwiftShader\)$/,
    );
    expect(decide('auto', sw, cost(5000, 2000), '--engine auto').kind).toBe('gpu');
    // Close calls go to whichever estimate is faster, by any margin: 1.5 s against 1 s on the CPU is
    // 1.5× (one decimal below 10×), 0.9 s against 1 s the adapter's.
    expect(decide('auto', sw, cost(1000, 1500), '--engine auto').reason).toMatch(/estimated 1\.5× faster/);
    expect(decide('auto', sw, cost(1000, 900), '--engine auto').kind).toBe('gpu');
    expect(decide('auto', null, cost(1, 1), '--engine auto').reason).toBe(
      'auto: no WebGPU adapter, so the float64 CPU engine',
    );
  });
  it('a forced choice wins, and a forced GPU without an adapter says it fell back', () => {
    expect(decide('cpu', hw, cost(1, 1), '--engine cpu')).toEqual({ kind: 'cpu', reason: '--engine cpu' });
    expect(decide('gpu', sw, cost(1, 100), '--engine gpu')).toEqual({
      kind: 'gpu',
      reason: '--engine gpu (google swiftshader)',
    });
    expect(decide('gpu', null, cost(1, 1), '--engine gpu').reason).toMatch(
      /no WebGPU adapter: the float64 CPU/,
    );
  });
});

describe('cost model', () => {
  it('counts the work of basin and ensemble specs, and the share of steps with the exponent', () => {
    expect(specWork(basin)).toEqual({ trajectories: 1024 * 1024, steps: 1000, kept: 0, lyapunovShare: 0.4 });
    const ens = parseSpec({
      ...basin,
      kind: 'bifurcation',
      size: [300, 64],
      transient: 500,
      ensemble: { samples: 20, keep: 100 },
    });
    expect(specWork(ens)).toEqual({ trajectories: 6000, steps: 600, kept: 100, lyapunovShare: 100 / 600 });
  });

  // Fresh runs on this project's machine (2 shared cores, SwiftShader 5.0 through Dawn; the CPU engine
  // on 2 worker threads), in ms, the first run of each engine in its process: 512² × 500 basin maps
  // and 256 columns × 256 samples × (300 + 200) bifurcation diagrams, without and with the exponent.
  const MEASURED = [
    ['basin', 'mf', false, 346, 426],
    ['basin', 'mf', true, 379, 699],
    ['basin', 'trig', false, 4267, 1306],
    ['basin', 'trig', true, 4478, 1852],
    ['basin', 'quartic', false, 396, 639],
    ['basin', 'quartic', true, 572, 819],
    ['bifurcation', 'mf', false, 351, 813],
    ['bifurcation', 'mf', true, 515, 886],
    ['bifurcation', 'trig', false, 2419, 1364],
    ['bifurcation', 'trig', true, 2284, 1468],
    ['bifurcation', 'quartic', false, 402, 836],
    ['bifurcation', 'quartic', true, 694, 1263],
  ] as const;
  const measuredSpec = (kind: 'basin' | 'bifurcation', expr: string, lyapunov: boolean) =>
    kind === 'basin'
      ? parseSpec({
          objective: { expr, preset: null, params: {} },
          lr: 0.3,
          x0: [0, 0],
          plane: { u: { quantity: 'x', min: -1.5, max: 1.5 }, v: { quantity: 'y', min: -1.5, max: 1.5 } },
          size: [512, 512],
          iterations: 500,
          transient: 300,
          classify: { lyapunov },
        })
      : costModelDiagram(expr, lyapunov);

  it.each(MEASURED)(
    '%s of %s (exponent %s): within 2× of the measured runs, and the faster engine chosen',
    (kind, name, lyapunov, cpuMs, adapterMs) => {
      const spec = measuredSpec(kind, OBJECTIVES[name], lyapunov);
      const e = estimateCost(compileObjective({ expr: spec.objective.expr, params: {} }).graph!, spec, 2);
      for (const [model, measured] of [
        [e.cpuMs, cpuMs],
        [e.adapterMs, adapterMs],
      ]) {
        expect(model / measured).toBeGreaterThan(0.5);
        expect(model / measured).toBeLessThan(2);
      }
      expect(e.adapterMs < e.cpuMs).toBe(adapterMs < cpuMs);
    },
  );

  it('a 1024² × 1000 map of (1 - xy)²/2: the CPU engine a little faster; of elementary functions, SwiftShader', () => {
    const mf = compileObjective({ expr: basin.objective.expr, params: {} });
    const e = estimateCost(mf.graph!, basin, 2);
    expect(e.threads).toBe(2);
    // 1.05e9 steps at about 2 ns a step on each engine (whole processes measured 2.0 s on the CPU
    // engine, 2.75 s on SwiftShader).
    expect(e.cpuMs).toBeGreaterThan(1000);
    expect(e.cpuMs).toBeLessThan(3000);
    expect(e.adapterMs / e.cpuMs).toBeGreaterThan(1);
    expect(e.adapterMs / e.cpuMs).toBeLessThan(2);
    const trig = compileObjective({ expr: OBJECTIVES.trig, params: {} });
    const t = estimateCost(trig.graph!, { ...basin, objective: { ...basin.objective, expr: trig.expr } }, 2);
    expect(t.adapterMs / t.cpuMs).toBeLessThan(0.5);
  });
  it("counts SwiftShader's compilation of general powers, which grows with their square", () => {
    // 80 terms x^(y+k): 240 powers, about 10 s to compile, where the run itself is well under one.
    const expr = Array.from({ length: 80 }, (_, i) => `x^(y+${i})`).join('+');
    const c = compileObjective({ expr, params: {} });
    expect(adapterCompileMs(c.graph!)).toBe(20 * 240 + 0.1 * 240 ** 2);
    const spec = { ...basin, objective: { ...basin.objective, expr }, size: [64, 64] as [number, number] };
    const e = estimateCost(c.graph!, spec, 2);
    expect(e.adapterMs - adapterCompileMs(c.graph!)).toBeLessThan(e.cpuMs);
    expect(e.adapterMs).toBeGreaterThan(e.cpuMs);
    expect(adapterCompileMs(compileObjective({ expr: basin.objective.expr, params: {} }).graph!)).toBe(0);
  });
});

describe('createEngine in Node', () => {
  it('auto chooses the CPU engine over SwiftShader for (1 - xy)²/2, SwiftShader for elementary functions, and names it; gpu and cpu force one', async () => {
    const auto = await createEngine({ spec: basin, threads: 2 });
    try {
      expect(auto.engine).toBeInstanceOf(ParallelCpuEngine);
      expect(auto.decision.kind).toBe('cpu');
      expect(auto.decision.reason).toMatch(
        /^auto: the only adapter is software \(SwiftShader\).*estimated [\d.]+× faster/,
      );
    } finally {
      auto.dispose();
    }
    const gpu = await createEngine({ choice: 'gpu' });
    try {
      expect(gpu.engine).toBeInstanceOf(GpuBasinEngine);
      expect(gpu.engine.info).toMatchObject({ kind: 'gpu', precision: 'f32' });
      expect(gpu.decision.reason).toMatch(/^--engine gpu \(.*swiftshader/i);
    } finally {
      gpu.dispose();
    }
    const cpu = await createEngine({ choice: 'cpu', threads: 2 });
    expect(cpu.engine.info).toEqual({ kind: 'cpu', precision: 'f64', adapter: 'cpu, 2 threads' });
    expect(cpu.decision).toEqual({ kind: 'cpu', reason: '--engine cpu' });
    cpu.dispose();
    // An objective of elementary functions: SwiftShader's f32 vector maths beats a JS Math call per
    // lane (about 4× measured at 512² × 500), and auto says so.
    const trigSpec = parseSpec({ ...basin, objective: { expr: OBJECTIVES.trig, preset: null, params: {} } });
    const trig = await createEngine({ spec: trigSpec, threads: 2 });
    try {
      expect(trig.engine).toBeInstanceOf(GpuBasinEngine);
      expect(trig.decision.reason).toMatch(
        /^auto: the only adapter is software \(SwiftShader\), and it is estimated faster for this spec than the CPU engine \(≈[\d.]+ s on 2 CPU threads against ≈[\d.]+ s on SwiftShader\)$/,
      );
    } finally {
      trig.dispose();
    }
    // A map small enough to run on the calling thread: the estimate and the result name one thread.
    const small = parseSpec({ ...basin, size: [64, 32], iterations: 200, transient: 120 });
    const one = await createEngine({
      spec: small,
      threads: 2,
      subject: 'the first entry (small), which decides for all 2',
    });
    try {
      expect(one.decision.reason).toMatch(
        /estimated [\d.]+× faster for the first entry \(small\), which decides for all 2 \(≈\d+ ms on 1 CPU thread against/,
      );
      const r = await one.engine.runBasin(small, { records: 'outcome' });
      expect(r.info.adapter).toBe('cpu, 1 thread');
      const c = r.counts;
      const periodic = Object.values(c.periodic).reduce((a, b) => a + b, 0);
      expect(c.diverged + c.escaping + c.converged + periodic + c.chaotic + c.unsettled).toBe(64 * 32);
    } finally {
      one.dispose();
    }
    const ens = await createEnsembleEngine({ choice: 'auto', threads: 2 });
    expect(ens.engine).toBeInstanceOf(ParallelEnsembleEngine);
    ens.dispose();
  });
});
