/**
 * `gdlab bench` (`npm run bench`): steps per second of the basin engine with and without Lyapunov
 * exponents, of a bare GD kernel on the same backend (the ceiling), and of the float64 CPU reference,
 * in one run on the same workload; writes bench/results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BarePass } from '../engine/bare-pass.ts';
import { GpuBasinEngine } from '../engine/gpu-engine.ts';
import { requestNodeDevice } from '../engine/node-gpu.ts';
import { compileObjective } from '../objective/compile.ts';
import { countOutcomes } from '../outcome.ts';
import { getPreset } from '../presets.ts';
import { CpuBasinEngine } from '../reference/grid.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../spec/spec.ts';
import { CliError, parseFlags, parseInteger } from './args.ts';

export const help = `gdlab bench: steps per second of the basin engine, a bare GD kernel and the CPU reference

usage: gdlab bench [--size N] [--iters N] [--cpu-size N] [--repeat R] [--out FILE]

  --size N        GPU grid N×N (default 128: under a minute on SwiftShader; try 1024 on a real GPU)
  --iters N       GD iterations per trajectory (default 1000)
  --cpu-size N    CPU reference grid N×N (default 32), scaled per step
  --repeat R      runs of each GPU measurement; the fastest counts (default 2)
  --out FILE      where the JSON goes (default bench/results.json)

Workload: mf-scalar (1 - xy)²/2 at h = 1.1 over starts (x, y) ∈ [0.2, 1.6]², where every trajectory
stays bounded and ends on the attracting 2-cycle of the diagonal, so every step is real work.
"engine" classifies outcomes and periods (no Lyapunov exponent), "engine+lyapunov" adds the
exponent (a Hessian-vector product per step after the transient, here half the iterations), "bare"
is GD alone: no divergence test, no period check, no records.
`;

const OPTIONS = {
  size: { type: 'string' },
  iters: { type: 'string' },
  'cpu-size': { type: 'string' },
  repeat: { type: 'string' },
  out: { type: 'string' },
} as const;

function workload(size: number, iterations: number, lyapunov: boolean): ExperimentSpec {
  const preset = getPreset('mf-scalar');
  if (!preset) throw new CliError('the mf-scalar preset is missing');
  const base = defaultSpec();
  return parseSpec({
    ...base,
    objective: { expr: preset.formula, preset: preset.id, params: {} },
    lr: 1.1,
    x0: [0, 0],
    plane: { u: { quantity: 'x', min: 0.2, max: 1.6 }, v: { quantity: 'y', min: 0.2, max: 1.6 } },
    size: [size, size],
    iterations,
    transient: Math.floor(iterations / 2),
    classify: { ...base.classify, lyapunov },
  });
}

const fmt = (v: number) => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : `${(v / 1e6).toFixed(1)} M`);

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, OPTIONS, 'bench');
  const size = flags.size !== undefined ? parseInteger('size', flags.size) : 128;
  const iterations = flags.iters !== undefined ? parseInteger('iters', flags.iters, 20) : 1000;
  const cpuSize = flags['cpu-size'] !== undefined ? parseInteger('cpu-size', flags['cpu-size']) : 32;
  const repeat = flags.repeat !== undefined ? parseInteger('repeat', flags.repeat) : 2;
  const outFile = flags.out ?? 'bench/results.json';

  const gpu = await requestNodeDevice();
  if (!gpu)
    throw new CliError('no WebGPU adapter: the benchmark measures the GPU engine against its ceiling');
  const say = (s: string) => process.stdout.write(s + '\n');
  try {
    say(`adapter: ${gpu.adapterName}`);
    say(`workload: mf-scalar, h = 1.1, ${size}×${size} starts × ${iterations} iterations (all bounded)`);
    const engine = new GpuBasinEngine(gpu.device, compileObjective, { adapterName: gpu.adapterName });
    const classify = workload(size, iterations, false);
    const lyap = workload(size, iterations, true);
    const obj = compileObjective({ expr: classify.objective.expr, params: {} });
    const bare = await BarePass.create(gpu.device, obj);
    // Compile every pipeline and warm the driver before anything is timed.
    await engine.runBasin(workload(8, 40, false));
    await engine.runBasin(workload(8, 40, true));
    await bare.run({
      width: 8,
      height: 8,
      u: [0.2, 1.6],
      v: [0.2, 1.6],
      x0: [0, 0],
      h: [1.1, 1.1],
      p: [],
      iterations: 40,
    });

    const best = async (f: () => Promise<number>) => {
      let ms = Infinity;
      for (let r = 0; r < repeat; r++) ms = Math.min(ms, await f());
      return ms;
    };
    let bounded = 0;
    const steps = size * size * iterations;
    const engineMs = await best(async () => {
      const r = await engine.runBasin(classify);
      bounded = r.columns.outcome.length - countOutcomes(r.columns).diverged;
      if (r.steps !== steps) throw new Error(`expected ${steps} steps, the engine took ${r.steps}`);
      return r.ms;
    });
    const lyapMs = await best(async () => (await engine.runBasin(lyap)).ms);
    const bareMs = await best(() =>
      bare.run({
        width: size,
        height: size,
        u: [0.2, 1.6],
        v: [0.2, 1.6],
        x0: [0, 0],
        h: [1.1, 1.1],
        p: [],
        iterations,
      }),
    );
    const cpuSpec = workload(cpuSize, iterations, true);
    const cpu = await new CpuBasinEngine(compileObjective).runBasin(cpuSpec);

    const result = {
      adapter: gpu.adapterName,
      workload: {
        objective: 'mf-scalar',
        lr: 1.1,
        size: [size, size],
        iterations,
        bounded,
        cpu_size: [cpuSize, cpuSize],
      },
      engine_steps_per_s: steps / (engineMs / 1000),
      engine_lyapunov_steps_per_s: steps / (lyapMs / 1000),
      bare_steps_per_s: steps / (bareMs / 1000),
      cpu_steps_per_s: cpu.steps / (cpu.ms / 1000),
      ratios: {
        bare_over_engine: engineMs / bareMs,
        bare_over_engine_lyapunov: lyapMs / bareMs,
        engine_over_cpu: steps / engineMs / (cpu.steps / cpu.ms),
      },
      targets: { bare_over_engine: 1.5, bare_over_engine_lyapunov: 3 },
    };
    say('');
    say(
      `  engine (classify)     ${fmt(result.engine_steps_per_s)}steps/s   bare/engine ${result.ratios.bare_over_engine.toFixed(2)}× (target ≤ 1.5×)`,
    );
    say(
      `  engine (+lyapunov)    ${fmt(result.engine_lyapunov_steps_per_s)}steps/s   bare/engine ${result.ratios.bare_over_engine_lyapunov.toFixed(2)}× (target ≤ 3×)`,
    );
    say(`  bare GD kernel        ${fmt(result.bare_steps_per_s)}steps/s   (ceiling)`);
    say(
      `  CPU reference (f64)   ${fmt(result.cpu_steps_per_s)}steps/s   (${cpuSize}×${cpuSize}, with Lyapunov); engine/cpu ${result.ratios.engine_over_cpu.toFixed(1)}×`,
    );
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
    say(`\nwrote ${outFile}`);
    return 0;
  } finally {
    gpu.device.destroy();
  }
}
