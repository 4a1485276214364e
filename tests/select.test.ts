/**
 * Engine selection (src/select): `auto` takes a hardware adapter, weighs a software one against the
 * float64 CPU engine for the spec at hand, and says why; `gpu` and `cpu` force one. On this machine
 * the only adapter is SwiftShader, so auto must choose the CPU engine and name SwiftShader.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { estimateCost, specWork } from '../src/select/cost.ts';
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
    expect(specWork(basin)).toEqual({ trajectories: 1024 * 1024, steps: 1000, lyapunovShare: 0.4 });
    const ens = parseSpec({
      ...basin,
      kind: 'bifurcation',
      size: [300, 64],
      transient: 500,
      ensemble: { samples: 20, keep: 100 },
    });
    expect(specWork(ens)).toEqual({ trajectories: 6000, steps: 600, lyapunovShare: 100 / 600 });
  });
  it('estimates mf-scalar tens of times faster on the CPU; elementary functions narrow the gap', () => {
    const mf = compileObjective({ expr: basin.objective.expr, params: {} });
    const e = estimateCost(mf.graph!, basin, 2);
    expect(e.threads).toBe(2);
    // 1.05e9 steps at a few ns per step on two threads, and about 100 ns on SwiftShader.
    expect(e.cpuMs).toBeGreaterThan(1000);
    expect(e.cpuMs).toBeLessThan(3000);
    expect(e.adapterMs / e.cpuMs).toBeGreaterThan(20);
    const trig = compileObjective({
      expr: 'sin(3*x)*cos(2*y) + exp(-x^2 - y^2) + (x^2 + y^2)/4',
      params: {},
    });
    const t = estimateCost(trig.graph!, { ...basin, objective: { ...basin.objective, expr: trig.expr } }, 2);
    expect(t.adapterMs / t.cpuMs).toBeGreaterThan(1);
    expect(t.adapterMs / t.cpuMs).toBeLessThan(e.adapterMs / e.cpuMs / 3);
  });
});

describe('createEngine in Node', () => {
  it('auto chooses the CPU engine over SwiftShader and names it; gpu and cpu force one', async () => {
    const auto = await createEngine({ spec: basin, threads: 2 });
    try {
      expect(auto.engine).toBeInstanceOf(ParallelCpuEngine);
      expect(auto.decision.kind).toBe('cpu');
      expect(auto.decision.reason).toMatch(
        /^auto: the only adapter is software \(SwiftShader\).*estimated \d+× faster/,
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
    const ens = await createEnsembleEngine({ choice: 'auto', threads: 2 });
    expect(ens.engine).toBeInstanceOf(ParallelEnsembleEngine);
    ens.dispose();
  });
});
