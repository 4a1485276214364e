/**
 * The CPU section of `gdlab bench`: steps per second of the float64 engine compiled to WebAssembly,
 * on one thread (in process) and on every thread (the worker pool), with and without the Lyapunov
 * exponent, on the benchmark's workload; and the time of a bifurcation diagram (the cost model's:
 * bench/cost-model.md). Kept apart from the GPU measurements in bench.ts.
 */
import { availableParallelism } from 'node:os';
import { ParallelCpuEngine } from '../cpu/basin-engine.ts';
import { ParallelEnsembleEngine } from '../cpu/ensemble-engine.ts';
import { nodeWorkerPool } from '../cpu/node-pool.ts';
import type { WorkerPool } from '../cpu/pool.ts';
import { prepareEnsemble } from '../core/ensemble.ts';
import { allocColumns } from '../core/records.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { counted } from '../objective/limits.ts';
import { compileObjective } from '../objective/compile.ts';
import { runEnsembleCpu } from '../reference/ensemble.ts';
import { CompiledBasin } from '../reference/kernel/basin-block.ts';
import { costModelDiagram } from '../select/cost.ts';

export interface CpuBench {
  threads: number;
  size: [number, number];
  iterations: number;
  /** Steps per second: one thread and all threads, classify only and with the exponent. */
  one_thread_steps_per_s: number;
  one_thread_lyapunov_steps_per_s: number;
  all_threads_steps_per_s: number;
  all_threads_lyapunov_steps_per_s: number;
  /** The same under bias-corrected Adam (the bench's ADAM workload). */
  adam_one_thread_steps_per_s: number;
  adam_one_thread_lyapunov_steps_per_s: number;
  adam_all_threads_steps_per_s: number;
  adam_all_threads_lyapunov_steps_per_s: number;
  /** A diagram of (1 - xy)²/2: `size` columns × `size` samples × (300 + 200 kept) steps, in ms. */
  diagram: {
    size: [number, number];
    samples: number;
    iterations: number;
    keep: number;
    one_thread_ms: number;
    one_thread_lyapunov_ms: number;
    all_threads_ms: number;
    all_threads_lyapunov_ms: number;
  };
}

/** The cost model's diagram of (1 - xy)²/2 (costModelDiagram), `size` columns × `size` samples. */
const diagramSpec = (size: number, lyapunov: boolean) => costModelDiagram('(1 - x*y)^2/2', lyapunov, size);

const fmt = (v: number) => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : `${(v / 1e6).toFixed(1)} M`);

/**
 * Rows of a table: the label left-aligned in a column of its own, each figure right-aligned in its
 * column. Labels were padded by hand, and "Adam, 2 threads" came out a space short.
 */
function table(rows: { label: string; figures: string[]; after?: string }[]): string[] {
  const labelWidth = Math.max(21, ...rows.map((r) => r.label.length + 2));
  const widths = rows[0].figures.map((_, i) => Math.max(...rows.map((r) => r.figures[i].length)));
  return rows.map(
    (r) =>
      `    ${r.label.padEnd(labelWidth)}` +
      r.figures.map((f, i) => f.padStart(widths[i])).join('   with Lyapunov ') +
      (r.after ?? ''),
  );
}

/** The CPU section as `gdlab bench` prints it: every figure the JSON's. */
export function cpuBenchLines(b: CpuBench): string[] {
  const all = counted(b.threads, 'thread');
  const rate = (v: number) => `${fmt(v)}steps/s`;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const d = b.diagram;
  return [
    `  CPU engine (f64, WebAssembly), ${b.size[0]}×${b.size[1]} × ${b.iterations}:`,
    ...table([
      {
        label: '1 thread',
        figures: [rate(b.one_thread_steps_per_s), rate(b.one_thread_lyapunov_steps_per_s)],
      },
      {
        label: all,
        figures: [rate(b.all_threads_steps_per_s), rate(b.all_threads_lyapunov_steps_per_s)],
        after: `   (${(b.all_threads_steps_per_s / b.one_thread_steps_per_s).toFixed(2)}× one thread)`,
      },
      {
        label: 'Adam, 1 thread',
        figures: [rate(b.adam_one_thread_steps_per_s), rate(b.adam_one_thread_lyapunov_steps_per_s)],
      },
      {
        label: `Adam, ${all}`,
        figures: [rate(b.adam_all_threads_steps_per_s), rate(b.adam_all_threads_lyapunov_steps_per_s)],
      },
    ]),
    `  CPU engine, a diagram of (1 - xy)²/2, ${d.size[0]} columns × ${d.samples} samples × (300 + 200 kept):`,
    ...table([
      { label: '1 thread', figures: [ms(d.one_thread_ms), ms(d.one_thread_lyapunov_ms)] },
      { label: all, figures: [ms(d.all_threads_ms), ms(d.all_threads_lyapunov_ms)] },
    ]),
  ];
}

/**
 * Measures `workload(size, iterations, lyapunov, adam)` (the GPU section's specs, GD and Adam) on the
 * CPU engine; the fastest of `repeat` interleaved rounds counts, as for the GPU figures. Null where
 * this build cannot start the engine's workers.
 */
export async function benchCpu(
  workload: (size: number, iterations: number, lyapunov: boolean, adam: boolean) => ExperimentSpec,
  size: number,
  iterations: number,
  repeat: number,
  say: (line: string) => void,
): Promise<CpuBench | null> {
  const threads = availableParallelism();
  let pool: WorkerPool;
  try {
    pool = await nodeWorkerPool(threads);
  } catch (e) {
    // Where this build cannot start the CPU engine (the device machines' single-file pack), the GPU
    // figures are still written, and the CPU section says why it is empty.
    if (!(e instanceof Error && e.name === 'EngineUnavailable')) throw e;
    say(`  CPU engine: not measured: ${e.message}`);
    return null;
  }
  const engine = new ParallelCpuEngine(pool, { inProcessSteps: 0 });
  const ensembles = new ParallelEnsembleEngine(pool);
  try {
    const specs = {
      plain: workload(size, iterations, false, false),
      lyap: workload(size, iterations, true, false),
      adam: workload(size, iterations, false, true),
      adamLyap: workload(size, iterations, true, true),
    };
    const one = (spec: ExperimentSpec) => {
      const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
      const basin = new CompiledBasin(spec, obj);
      const cols = allocColumns(spec.size[0], spec.size[1]);
      const t0 = performance.now();
      const steps = basin.pixels(0, spec.size[0] * spec.size[1], cols);
      return steps / ((performance.now() - t0) / 1000);
    };
    const all = async (spec: ExperimentSpec) => {
      const r = await engine.runBasin(spec);
      return r.steps / (r.ms / 1000);
    };
    const diagrams = { plain: diagramSpec(size, false), lyap: diagramSpec(size, true) };
    /** ms of a diagram, in this thread or on the pool. */
    const diagram = async (spec: ExperimentSpec, pooled: boolean) => {
      const { objective, plan } = prepareEnsemble(spec);
      return pooled
        ? (await ensembles.runEnsemble(spec, objective, plan)).ms
        : (await runEnsembleCpu(spec, objective, plan)).ms;
    };
    // Start the workers and let V8 compile the kernels before anything is timed.
    await all(workload(64, 40, true, false));
    one(workload(64, 40, true, false));
    await diagram(diagramSpec(16, true), true);
    await diagram(diagramSpec(16, true), false);
    const best = {
      one: 0,
      oneLyap: 0,
      all: 0,
      allLyap: 0,
      adamOne: 0,
      adamOneLyap: 0,
      adamAll: 0,
      adamAllLyap: 0,
      diagram: Infinity,
      diagramLyap: Infinity,
      diagramAll: Infinity,
      diagramAllLyap: Infinity,
    };
    for (let r = 0; r < repeat; r++) {
      best.one = Math.max(best.one, one(specs.plain));
      best.oneLyap = Math.max(best.oneLyap, one(specs.lyap));
      best.all = Math.max(best.all, await all(specs.plain));
      best.allLyap = Math.max(best.allLyap, await all(specs.lyap));
      best.adamOne = Math.max(best.adamOne, one(specs.adam));
      best.adamOneLyap = Math.max(best.adamOneLyap, one(specs.adamLyap));
      best.adamAll = Math.max(best.adamAll, await all(specs.adam));
      best.adamAllLyap = Math.max(best.adamAllLyap, await all(specs.adamLyap));
      best.diagram = Math.min(best.diagram, await diagram(diagrams.plain, false));
      best.diagramLyap = Math.min(best.diagramLyap, await diagram(diagrams.lyap, false));
      best.diagramAll = Math.min(best.diagramAll, await diagram(diagrams.plain, true));
      best.diagramAllLyap = Math.min(best.diagramAllLyap, await diagram(diagrams.lyap, true));
    }
    const bench: CpuBench = {
      threads,
      size: [size, size],
      iterations,
      one_thread_steps_per_s: best.one,
      one_thread_lyapunov_steps_per_s: best.oneLyap,
      all_threads_steps_per_s: best.all,
      all_threads_lyapunov_steps_per_s: best.allLyap,
      adam_one_thread_steps_per_s: best.adamOne,
      adam_one_thread_lyapunov_steps_per_s: best.adamOneLyap,
      adam_all_threads_steps_per_s: best.adamAll,
      adam_all_threads_lyapunov_steps_per_s: best.adamAllLyap,
      diagram: {
        size: [size, size],
        samples: size,
        iterations: 500,
        keep: 200,
        one_thread_ms: best.diagram,
        one_thread_lyapunov_ms: best.diagramLyap,
        all_threads_ms: best.diagramAll,
        all_threads_lyapunov_ms: best.diagramAllLyap,
      },
    };
    for (const line of cpuBenchLines(bench)) say(line);
    return bench;
  } finally {
    engine.dispose();
    ensembles.dispose();
  }
}
