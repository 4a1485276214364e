/**
 * What `gdlab bench` measures and how it is asked: its help, its flags (every workload checked before
 * any runs) and the workloads' specs (mf-scalar at h = 1.1, bounded and divergent planes, Adam beside
 * GD). bench.ts runs them.
 */
import { defaultSpec, parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../optimizer/rules.ts';
import { getPreset } from '../presets.ts';
import { CliError, inFlagTerms, parseFlags, parseInteger } from './args.ts';

/** Most rounds --repeat may ask for. */
const MAX_REPEAT = 100;
/** Time within which a workload's rounds go on past --repeat (to three times it). */
export const EXTRA_ROUNDS_MS = 10_000;

export const help = `gdlab bench: the basin engine against a bare GD kernel, on throughput, latency and divergent workloads

usage: gdlab bench [--size N] [--iters N] [--latency-iters N] [--cpu-size N] [--cpu-engine-size N]
                   [--repeat R] [--out FILE]

  --size N           grid N×N of every workload (default 1024)
  --iters N          iterations of the throughput and divergent workloads (default 1000)
  --latency-iters N  iterations of the latency workload (default 20)
  --cpu-size N       CPU reference grid N×N (default 32; 0 skips it), scaled per step
  --cpu-engine-size N  CPU engine grid N×N, one thread and all threads (default 256; 0 skips it)
  --repeat R         interleaved rounds at least (1 to 100); the fastest of each measurement counts
                     (default 3; a workload whose rounds are short runs more, up to 3R, within ${EXTRA_ROUNDS_MS / 1000} s)
  --out FILE         where the JSON goes (default bench/results.json)

Workload: mf-scalar (1 - xy)²/2 at h = 1.1 over starts (x, y) ∈ [0.2, 1.6]², where every trajectory
stays bounded and ends on the attracting 2-cycle of the diagonal, so every step is real work; the
transient is half the iterations. The divergent workload is the same over [-2, 2]², where 40% of the
starts diverge (the engine stops them, the bare kernel runs on with infinities; steps per second
count every pixel's N for both), without Adam. "engine" is runBasin as the lab calls it for a map coloured by
outcome (records: 'outcome'): classification, a summary word per pixel kept in GPU memory for the
picture (and λ beside it with the exponent), counts reduced on the GPU, the statistics read back;
"engine_records" is runBasin as the lab calls it for a map coloured by a field (records: 'keep'): the
same with the 48-byte records kept (value ranges are reduced when a colour asks for them: 40 ms more
at 1024² here); "engine_counts" is runBasin as \`gdlab basin --json\` calls it (records: 'none'):
summary words, counts reduced, nothing kept; "engine+lyapunov" is "engine" with the
exponent (a Hessian-vector product per step from the tangent's warm-up, 64 steps before the end of
the transient, on); "bare" is GD alone (its loop
unrolled as the engine's is), planned and submitted the same way, one word per pixel written and 16
bytes read back.
Each engine run is timed whole (everything runBasin's caller waits for); the phases come from one
more run that waits between them. Targets: engine/bare ≤ 1.3 (throughput), ≤ 2 (latency); with
Lyapunov ≤ 2.5. "adam" and "adam+lyapunov" are the same map under bias-corrected Adam (β 0.9, β₂
0.999, ε 1e-8) at h = 0.1, where every orbit stays bounded, measured in interleaved rounds of their
own after GD's (a run of 5-8 s slowed the runs after it) and beside the CPU engine's GD figures.
Untimed, each workload then checks on this adapter what the tests check on SwiftShader, with and
without the exponent ("agreement"): the statistics buffer against counts from the full readback,
summary-only counts against kept records' counts, the picture by outcome from summary words against
the kept records' picture, and the records of the run as planned against the
same run cut into chunks, bit for bit; and the same four on the double well across the doublings of
its 2- and 4-cycles ("doublings"), where rule 3's divisor test fails and the whole run's escape pass and
the chunked run's kernel replay it each their own way, in 700 steps and in 20 (where the whole run's
kernel leaves the test to statistics that count its candidates). Exit status 1 when one fails.
`;

const OPTIONS = {
  size: { type: 'string' },
  iters: { type: 'string' },
  'latency-iters': { type: 'string' },
  'cpu-size': { type: 'string' },
  repeat: { type: 'string' },
  'cpu-engine-size': { type: 'string' },
  out: { type: 'string' },
} as const;

/** Largest side of the grids the agreement checks run (bench-agreement.ts). */
export const AGREEMENT_SIDE = 1024;

/** Bias-corrected Adam at h = 0.1: the optimizer workload beside GD's. */
export const ADAM = { optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam' as const }, lr: 0.1 };

/** The bounded workload's plane, and the divergent one's: 40% of its starts diverge at h = 1.1. */
const BOUNDED_PLANE = { u: { quantity: 'x', min: 0.2, max: 1.6 }, v: { quantity: 'y', min: 0.2, max: 1.6 } };
export const DIVERGENT_PLANE = {
  u: { quantity: 'x', min: -2, max: 2 },
  v: { quantity: 'y', min: -2, max: 2 },
};

export function workload(
  size: number,
  iterations: number,
  lyapunov: boolean,
  over: { optimizer?: OptimizerSettings; lr?: number; plane?: typeof BOUNDED_PLANE } = {},
): ExperimentSpec {
  const preset = getPreset('mf-scalar');
  if (!preset) throw new CliError('the mf-scalar preset is missing');
  const base = defaultSpec();
  return parseSpec({
    ...base,
    objective: { expr: preset.formula, preset: preset.id, params: {} },
    lr: 1.1,
    x0: [0, 0],
    plane: BOUNDED_PLANE,
    size: [size, size],
    iterations,
    transient: Math.floor(iterations / 2),
    classify: { ...base.classify, lyapunov, maxPeriod: Math.min(base.classify.maxPeriod, iterations - 1) },
    ...over,
  });
}

/** The benchmark's settings, from its flags. */
export interface BenchFlags {
  size: number;
  iterations: number;
  latencyIters: number;
  cpuSize: number;
  repeat: number;
  outFile: string;
  engineSize: number;
}

export function benchFlags(argv: string[]): BenchFlags {
  const flags = parseFlags(argv, OPTIONS, 'bench');
  const size = flags.size !== undefined ? parseInteger('size', flags.size) : 1024;
  const iterations = flags.iters !== undefined ? parseInteger('iters', flags.iters, 20) : 1000;
  const latencyIters =
    flags['latency-iters'] !== undefined ? parseInteger('latency-iters', flags['latency-iters'], 20) : 20;
  const cpuSize = flags['cpu-size'] !== undefined ? parseInteger('cpu-size', flags['cpu-size'], 0) : 32;
  const repeat = flags.repeat !== undefined ? parseInteger('repeat', flags.repeat) : 3;
  // Unbounded, --repeat 1000000000 ran rounds of a tiny grid for good, with no word of how long.
  if (repeat > MAX_REPEAT) throw new CliError(`--repeat: at most ${MAX_REPEAT} rounds (got ${repeat})`);
  const outFile = flags.out ?? 'bench/results.json';
  const engineSize =
    flags['cpu-engine-size'] !== undefined
      ? parseInteger('cpu-engine-size', flags['cpu-engine-size'], 0)
      : 256;
  // Every workload checked before any runs: --cpu-size 100000 was refused after 26 s of GPU rounds.
  const sizes = [
    ['size', 'iters', size, iterations],
    ['size', 'latency-iters', size, latencyIters],
    ['cpu-engine-size', 'iters', engineSize, iterations],
    ['cpu-size', 'iters', cpuSize, iterations],
  ] as const;
  for (const [sizeFlag, itersFlag, side, n] of sizes) {
    const paths = { size: sizeFlag, iterations: itersFlag, transient: itersFlag };
    if (side > 0) inFlagTerms(argv, paths, () => workload(side, n, true));
  }
  return { size, iterations, latencyIters, cpuSize, repeat, outFile, engineSize };
}
