/**
 * The GPU ensemble engine: bifurcation diagrams (one column per swept value) and long-run densities
 * (one column), by shaders/ensemble.wgsl on the GD core. Definition and the per-column reduction:
 * src/core/ensemble.ts; float64 twin: src/reference/ensemble.ts.
 *
 * A run is one sequence of submits with nothing read back until the end: the first pass of every
 * sample (the parts of a run, as the basin engine plans them) leaves a summary per sample on the GPU;
 * `reduce_columns` turns those into column statistics, `choose_range` the automatic range, `bin` the
 * second pass into the counts. Then the counts, the column statistics and the range come back: what
 * the picture is made of, never a sample's state. Pipelines are compiled once per objective and kept.
 *
 * The counts of the latest run also stay on the GPU (src/engine/held-counts.ts), for `renderEnsemble`
 * and `renderAttractor` to colour there (src/engine/ensemble-colour-pass.ts): one counts buffer at
 * most is held beyond its run, handed back to the pool when the next run starts and freed by `dispose`.
 */
import type { CompiledObjective } from '../objective/types.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import {
  type BifurcationResult,
  type EnsembleEngine,
  type EnsembleObservable,
  type EnsemblePlan,
} from '../core/ensemble.ts';
import type { EngineInfo, RunOptions } from '../core/engine.ts';
import { SLOTS } from './basin-run.ts';
import { BufferPool } from './buffer-pool.ts';
import { GpuError, mib } from './shader.ts';
import { CostModel } from './cost-model.ts';
import { batchDispatches } from './dispatch-plan.ts';
import { forStep, GENERAL_GEOMETRY, kernelVariant } from './kernel-variant.ts';
import {
  COLUMN_FIELDS,
  ENSEMBLE_UNIFORM_BYTES,
  ENSEMBLE_UNIFORM_FIELDS,
  SAMPLE_FIELDS,
  SHARED_BINS,
} from './bifurcation-layout.ts';
import { ensembleGroups, planEnsembleDispatches, type EnsembleDispatch } from './bifurcation-plan.ts';
import { EnsemblePass } from './ensemble-pass.ts';
import { HeldCounts } from './held-counts.ts';
import type { AttractorRenderer } from './attractor-render.ts';
import type {
  BifurcationColours,
  BifurcationRenderOptions,
  EnsembleRenderer,
  RgbaImage,
} from './bifurcation-render.ts';
import { softwareAdapter } from './adapter-kind.ts';
import { columnStats } from './bifurcation-columns.ts';
import { DISPATCH_FIELDS, DISPATCH_SLOT_BYTES, gdUniforms, HYPER_WORDS, stateBytes } from './layouts.ts';
import { kernelDims, kernelKey, stepNodes, type KernelObjective } from './basin-pass.ts';
import { compileOptimizer } from '../optimizer/compile.ts';
import { submitBatches } from './submit.ts';
import { packUniforms, structWords } from './wgsl-struct.ts';
import { subnormalsOf, subnormalsWord } from './subnormals.ts';

/** Tunables of the GPU ensemble engine. */
export interface GpuEnsembleOptions {
  /** Upper bound on samples × steps per dispatch (fixes the chunking; default: the cost model's). */
  stepsPerDispatch?: number;
  /** Upper bound on samples per state tile (besides the device's binding limit). */
  maxTileSamples?: number;
  /** Adapter description for EngineInfo. */
  adapter?: string;
  /** Longest a dispatch should run. Default 100 ms. */
  targetDispatchMs?: number;
  /**
   * Bins of the binning pass's histogram in workgroup memory, for the workgroups whose samples share a
   * column (0: every count an atomic in the storage buffer). Default SHARED_BINS on a GPU, 0 on a CPU
   * adapter: SwiftShader writes out the zero-initialisation of workgroup memory element by element, so
   * 3840 bins took that pipeline 1.4 s to compile (0.38 ms a bin), and its barrier and atomics ran
   * slower than the storage buffer's (1024 columns × 64 samples × 700 steps: 483 → 323 ms a run).
   */
  sharedBins?: number;
  /** Always the general kernel (GENERAL_GEOMETRY), not one specialised to the run's geometry (tests). */
  general?: boolean;
  /** DAG nodes from which a step loops one step per trip everywhere (forStep; default HEAVY_STEP_NODES). */
  heavyStepNodes?: number;
}

const bytes = (words: number) => Math.max(16, Math.ceil((4 * words) / 16) * 16);

export class GpuEnsembleEngine implements EnsembleEngine, EnsembleRenderer, AttractorRenderer {
  /** What computes the results, with whether the device flushes subnormals once its probe answered. */
  info: EngineInfo;
  /** The device's subnormal probe (subnormals.ts), started with the engine, awaited before a result. */
  private readonly subnormals: Promise<void>;
  private readonly passes = new Map<string, Promise<EnsemblePass>>();
  private readonly pool: BufferPool;
  private readonly costs: CostModel;
  private readonly uniforms: GPUBuffer;
  private readonly slots: GPUBuffer;
  /** Bins of the workgroup histogram (GpuEnsembleOptions.sharedBins). */
  private readonly sharedBins: number;
  /** The latest run's counts, and the colour stage that pictures them. */
  private readonly held: HeldCounts;

  constructor(
    private readonly device: GPUDevice,
    private readonly options: GpuEnsembleOptions = {},
  ) {
    this.info = { kind: 'gpu', precision: 'f32', adapter: options.adapter ?? 'webgpu' };
    this.subnormals = subnormalsOf(device).then((flushed) => {
      this.info = { ...this.info, subnormals: subnormalsWord(flushed) };
    });
    this.pool = new BufferPool(device);
    this.held = new HeldCounts(device, this.pool);
    const cpu = softwareAdapter(options.adapter);
    this.sharedBins = options.sharedBins ?? (cpu ? 0 : SHARED_BINS);
    if (!(Number.isInteger(this.sharedBins) && this.sharedBins >= 0 && this.sharedBins <= SHARED_BINS))
      throw new RangeError(
        `GpuEnsembleEngine: sharedBins ${this.sharedBins} is not an integer in 0…${SHARED_BINS}`,
      );
    // A step of the double well's size, 700 steps a sample, measured ~5 ns on SwiftShader.
    this.costs = new CostModel(cpu ? { a: 400, b: 5 } : { a: 4, b: 0.3 });
    this.uniforms = device.createBuffer({
      label: 'GpuEnsembleEngine.uniforms',
      size: ENSEMBLE_UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.slots = device.createBuffer({
      label: 'GpuEnsembleEngine.slots',
      size: SLOTS * DISPATCH_SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** The pass for an objective, observable and Lyapunov setting, compiled once. */
  private pass(objective: KernelObjective, plan: EnsemblePlan): Promise<EnsemblePass> {
    const name = (o: EnsembleObservable) =>
      `${o.kind}${o.kind === 'coord' ? o.index : o.kind === 'expr' ? (o.slot ?? 0) : ''}`;
    const pair = plan.pair ? `,${name(plan.pair.v)}` : '';
    const key = `${plan.classify.lyapunov ? 'L' : '-'}${name(plan.observable)}${pair}|${kernelKey(objective)}`;
    let p = this.passes.get(key);
    if (!p) {
      if (this.passes.size >= 8) this.passes.clear();
      p = EnsemblePass.create(this.device, objective, plan, this.sharedBins);
      p.catch(() => this.passes.delete(key));
      this.passes.set(key, p);
    }
    return p;
  }

  async runEnsemble(
    spec: ExperimentSpec,
    objective: CompiledObjective,
    plan: EnsemblePlan,
    options: RunOptions = {},
  ): Promise<BifurcationResult> {
    const t0 = performance.now();
    const { device } = this;
    const { columns: W, rows: H, samples: M, dim } = plan;
    // The previous result's counts go back first, so that this run of the same size reuses them.
    this.held.release();
    const binding = device.limits.maxStorageBufferBindingSize;
    const kernel = { ...objective, optimizer: compileOptimizer(plan.optimizer) };
    const dims = kernelDims(kernel);
    const sampleWords = structWords(SAMPLE_FIELDS, dims);
    const countsWords = W * H + W;
    if (4 * countsWords > binding)
      throw new GpuError(
        'out-of-memory',
        'planning the density',
        `a ${W} × ${H} density needs ${mib(4 * countsWords)} of counts, above this device's storage ` +
          `binding limit of ${mib(binding)}; use a smaller size`,
      );
    const grouping = ensembleGroups(
      plan,
      sampleWords,
      stateBytes(dims),
      binding,
      this.options.maxTileSamples,
    );
    const { groups } = grouping;
    const pass = await this.pass(kernel, plan);
    const key = `${plan.classify.lyapunov ? 'L' : '-'}${kernelKey(kernel)}`;
    const weight = stepNodes(objective);
    const cost = this.costs.cost(key, weight);
    const N = plan.iterations;
    const variant = this.options.general
      ? GENERAL_GEOMETRY
      : forStep(
          kernelVariant(N, plan.transient, Math.min(plan.classify.maxPeriod, N), plan.classify.lyapunov),
          weight,
          this.options.heavyStepNodes,
        );
    const K = plan.keep;

    const { dispatches, statePixels, autoRange } = planEnsembleDispatches(plan, grouping, cost, {
      ...this.options,
      oneLoop: variant.oneStep,
    });

    const base = new Float32Array(dim + Math.max(1, plan.params.length) + HYPER_WORDS);
    base.set(plan.lr);
    base.set(plan.params, dim);
    base.set(plan.hyper, dim + Math.max(1, plan.params.length));
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    // Every buffer of a run from the engine's pool: a lab that recomputes a diagram of one size (a
    // zoom, an edit) allocates nothing after its first run.
    const pooled: GPUBuffer[] = [];
    const fromPool = async (label: string, size: number, u: number = GPUBufferUsage.STORAGE) => {
      const b = await this.pool.acquire(label, size, u, `allocating ${label}`);
      pooled.push(b);
      return b;
    };
    const buf = (label: string, size: number, u = usage) => fromPool(label, size, u);
    // The range comes back as [lo, hi] of the observable, then of an attractor's second quantity.
    const readWords = countsWords + W * COLUMN_FIELDS.length + 4;
    try {
      const baseBuf = await buf('GpuEnsembleEngine.base', bytes(base.length));
      const startsBuf = await buf('GpuEnsembleEngine.starts', bytes(plan.starts.length));
      const valuesBuf = await buf('GpuEnsembleEngine.values', bytes(W));
      const countsBuf = await buf(
        'GpuEnsembleEngine.counts',
        bytes(countsWords),
        usage | GPUBufferUsage.COPY_SRC,
      );
      const rangeBuf = await buf('GpuEnsembleEngine.range', 16, usage | GPUBufferUsage.COPY_SRC);
      const columnsBuf = await buf(
        'GpuEnsembleEngine.columns',
        bytes(W * COLUMN_FIELDS.length),
        usage | GPUBufferUsage.COPY_SRC,
      );
      const readback = await buf(
        'GpuEnsembleEngine.readback',
        bytes(readWords),
        GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      );
      const state = await fromPool('GpuEnsembleEngine.state', Math.max(1, statePixels) * stateBytes(dims));
      const samples = await Promise.all(
        groups.map((g) => fromPool('GpuEnsembleEngine.samples', (g.c1 - g.c0) * M * 4 * sampleWords)),
      );
      // The counts accumulate from zero; the columns and the range are zeroed as new buffers were.
      // Cleared on the GPU, before the uploads below (the queue keeps their order).
      const clear = device.createCommandEncoder({ label: 'GpuEnsembleEngine.clear' });
      for (const b of [countsBuf, rangeBuf, columnsBuf]) clear.clearBuffer(b);
      device.queue.submit([clear.finish()]);
      device.queue.writeBuffer(baseBuf, 0, base);
      device.queue.writeBuffer(startsBuf, 0, new Float32Array(plan.starts));
      device.queue.writeBuffer(valuesBuf, 0, new Float32Array(plan.values));
      const pair = plan.pair;
      // An attractor's ranges are fixed or chosen together (choose_range writes both).
      if (plan.range || pair?.range)
        device.queue.writeBuffer(
          rangeBuf,
          0,
          Float32Array.from([...(plan.range ?? [0, 0]), ...(pair?.range ?? [0, 0])]),
        );
      const binds = groups.map((_, gi) =>
        pass.bind({
          uniforms: this.uniforms,
          dispatch: this.slots,
          base: baseBuf,
          starts: startsBuf,
          values: valuesBuf,
          state,
          samples: samples[gi],
          counts: countsBuf,
          range: rangeBuf,
          columns: columnsBuf,
        }),
      );
      const uniforms = packUniforms(
        ENSEMBLE_UNIFORM_FIELDS,
        {
          columns: W,
          rows: H,
          samples: M,
          ...gdUniforms(N, plan.transient, plan.classify),
          u_kind: plan.axisKind,
          u_index: Math.max(0, plan.axisIndex),
          keep: K,
          shared_bins: this.sharedBins > 0 ? 1 : 0,
          pair_width: pair ? pair.width : 0,
          auto_range: autoRange,
        },
        ENSEMBLE_UNIFORM_BYTES,
      );
      await pass.prepare(
        dispatches.map((d) => d.entry),
        variant,
      );
      const batches = batchDispatches(dispatches, cost, 250, SLOTS) as EnsembleDispatch[][];
      const total = dispatches.reduce((s, d) => s + d.steps, 0);
      let done = 0;
      const slotData = new ArrayBuffer(SLOTS * DISPATCH_SLOT_BYTES);
      await submitBatches(device, batches, {
        label: 'GpuEnsembleEngine',
        signal: options.signal,
        encode: (encoder, batch, index, timestampWrites) => {
          device.queue.writeBuffer(this.uniforms, 0, uniforms);
          batch.forEach((d, i) =>
            packUniforms(
              DISPATCH_FIELDS,
              { p0: d.p0, count: d.count, k0: d.k0, k1: d.k1, r0: d.r0, s0: d.s0 },
              0,
              { buffer: slotData, byteOffset: i * DISPATCH_SLOT_BYTES },
            ),
          );
          device.queue.writeBuffer(this.slots, 0, slotData, 0, batch.length * DISPATCH_SLOT_BYTES);
          const cpass = encoder.beginComputePass({ label: 'EnsemblePass', timestampWrites });
          batch.forEach((d, i) =>
            pass.encode(cpass, d.entry, binds[d.group], i * DISPATCH_SLOT_BYTES, d.count, variant),
          );
          cpass.end();
          if (index === batches.length - 1) {
            encoder.copyBufferToBuffer(countsBuf, 0, readback, 0, 4 * countsWords);
            encoder.copyBufferToBuffer(
              columnsBuf,
              0,
              readback,
              4 * countsWords,
              4 * W * COLUMN_FIELDS.length,
            );
            encoder.copyBufferToBuffer(rangeBuf, 0, readback, 4 * (readWords - 4), 16);
          }
        },
        done: (batch, _i, ms) => {
          let pixels = 0;
          let steps = 0;
          for (const d of batch)
            if (d.steps) {
              pixels += d.count;
              steps += d.steps;
            }
          if (steps) this.costs.record(key, pixels, steps, ms, weight);
          done += steps;
          options.onProgress?.(done, total);
        },
      });
      await readback.mapAsync(GPUMapMode.READ, 0, 4 * readWords);
      const raw = readback.getMappedRange(0, 4 * readWords).slice(0);
      readback.unmap();
      const counts = new Uint32Array(raw, 0, countsWords);
      const words = new Uint32Array(raw, 4 * countsWords, W * COLUMN_FIELDS.length);
      const floats = new Float32Array(raw, 4 * countsWords, W * COLUMN_FIELDS.length);
      const r = new Float32Array(raw, 4 * (readWords - 4), 4);
      await this.subnormals;
      const density = counts.slice(0, W * H);
      pooled.splice(pooled.indexOf(countsBuf), 1);
      this.held.hold(density, countsBuf);
      return {
        spec,
        info: this.info,
        plan,
        // A fixed range is the spec's (the kernel bins with its f32 rounding); a chosen one is the GPU's.
        range: plan.range ? [plan.range[0], plan.range[1]] : [r[0], r[1]],
        density,
        outside: counts.slice(W * H, W * H + W),
        stats: columnStats(plan, words, floats),
        ...(pair && { range2: pair.range ? [pair.range[0], pair.range[1]] : [r[2], r[3]] }),
        ms: performance.now() - t0,
      };
    } finally {
      for (const b of pooled) this.pool.release(b);
    }
  }

  /**
   * The picture renderBifurcation draws of `result`, coloured on the GPU from the counts this engine
   * still holds: those of its latest run only (null for any other result, or an attractor's pair of
   * quantities, which renderBifurcation does not draw either; the caller renders those on the CPU).
   */
  renderEnsemble(
    result: BifurcationResult,
    colours: BifurcationColours,
    options: BifurcationRenderOptions = {},
  ): Promise<RgbaImage | null> {
    return this.held.renderEnsemble(result, colours, options);
  }

  /**
   * The picture renderAttractor draws of an attractor `result`, coloured on the GPU from the counts
   * this engine still holds (null for an older result, or a diagram: the caller renders on the CPU).
   */
  renderAttractor(
    result: BifurcationResult,
    colours: Pick<BifurcationColours, 'colormap' | 'empty'>,
  ): Promise<RgbaImage | null> {
    return this.held.renderAttractor(result, colours);
  }

  dispose(): void {
    this.held.dispose();
    this.passes.clear();
    this.pool.dispose();
    this.uniforms.destroy();
    this.slots.destroy();
  }
}
