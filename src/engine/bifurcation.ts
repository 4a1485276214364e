/**
 * The GPU ensemble engine: bifurcation diagrams (one column per swept value) and long-run densities
 * (one column), by shaders/bifurcation.wgsl behind the compiled objective. Definition and the
 * per-column reduction: src/core/ensemble.ts; float64 twin: src/reference/ensemble.ts.
 *
 * Work is split into tiles of (column, sample) pairs small enough for one storage binding and into
 * dispatches of a bounded number of steps, as the basin engine does, so a long run neither exceeds
 * binding limits nor trips a driver's watchdog. Phase 0 of every tile is read back (a few words per
 * sample), the range is chosen on the CPU, then phase 1 bins the kept iterates with atomics.
 */
import bifurcationWgsl from '../../shaders/bifurcation.wgsl?raw';
import type { CompiledObjective } from '../objective/types.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import {
  chooseRange,
  reduceColumns,
  type BifurcationResult,
  type EnsembleEngine,
  type EnsemblePlan,
  type SampleSummary,
} from '../core/ensemble.ts';
import {
  ENSEMBLE_BINDINGS,
  ENSEMBLE_UNIFORM_BYTES,
  ENSEMBLE_UNIFORM_FIELDS,
  OBS_KIND,
  WORKGROUP_SIZE,
  ensembleStateLayout,
} from './bifurcation-layout.ts';
import { packUniforms } from './layouts.ts';
import { createBuffers, createComputePipeline, createShaderModule } from './shader.ts';
import type { EngineInfo, RunOptions } from '../core/engine.ts';

/** Tunables of the GPU ensemble engine. */
export interface GpuEnsembleOptions {
  /** Upper bound on samples × steps per dispatch (keeps each dispatch short). */
  stepsPerDispatch?: number;
  /** Upper bound on samples per tile (besides the device's binding limit). */
  maxTileSamples?: number;
  /** Adapter description for EngineInfo. */
  adapter?: string;
}

/** One compiled kernel for one objective and observable: the GPU stage of the ensemble engine. */
export class EnsemblePass {
  private constructor(
    readonly pipeline: GPUComputePipeline,
    readonly layout: GPUBindGroupLayout,
  ) {}

  static async create(
    device: GPUDevice,
    objective: Pick<CompiledObjective, 'wgsl'>,
    plan: Pick<EnsemblePlan, 'observable'>,
  ): Promise<EnsemblePass> {
    const module = await createShaderModule(device, 'EnsemblePass.module', [
      { name: 'objective (generated)', code: objective.wgsl },
      { name: 'shaders/bifurcation.wgsl', code: bifurcationWgsl },
    ]);
    const storage = (type: GPUBufferBindingType) => ({
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    });
    const layout = device.createBindGroupLayout({
      label: 'EnsemblePass.layout',
      entries: [
        { binding: ENSEMBLE_BINDINGS.uniforms, ...storage('uniform') },
        { binding: ENSEMBLE_BINDINGS.base, ...storage('read-only-storage') },
        { binding: ENSEMBLE_BINDINGS.starts, ...storage('read-only-storage') },
        { binding: ENSEMBLE_BINDINGS.values, ...storage('read-only-storage') },
        { binding: ENSEMBLE_BINDINGS.state, ...storage('storage') },
        { binding: ENSEMBLE_BINDINGS.counts, ...storage('storage') },
      ],
    });
    const o = plan.observable;
    const pipeline = await createComputePipeline(device, {
      label: 'EnsemblePass.pipeline',
      layout: device.createPipelineLayout({
        label: 'EnsemblePass.pipelineLayout',
        bindGroupLayouts: [layout],
      }),
      compute: {
        module,
        entryPoint: 'main',
        constants: {
          WORKGROUP_SIZE,
          OBS_KIND: OBS_KIND[o.kind],
          OBS_INDEX: o.kind === 'coord' ? o.index : 0,
        },
      },
    });
    return new EnsemblePass(pipeline, layout);
  }
}

/** Workgroups for `count` invocations, 2-D when one dimension's limit is too small. */
function dispatchSize(count: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP_SIZE));
  if (groups <= maxPerDim) return [groups, 1];
  return [maxPerDim, Math.ceil(groups / maxPerDim)];
}

export class GpuEnsembleEngine implements EnsembleEngine {
  readonly info: EngineInfo;
  private readonly stepsPerDispatch: number;
  private readonly maxTileSamples: number;

  constructor(
    private readonly device: GPUDevice,
    options: GpuEnsembleOptions = {},
  ) {
    this.info = { kind: 'gpu', precision: 'f32', adapter: options.adapter ?? 'webgpu' };
    this.stepsPerDispatch = options.stepsPerDispatch ?? 1 << 24;
    this.maxTileSamples = options.maxTileSamples ?? 1 << 20;
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
    const L = ensembleStateLayout(dim);
    const total = W * M;
    const limits = device.limits;
    const maxPerDim = limits.maxComputeWorkgroupsPerDimension;
    const tileCap = Math.min(
      this.maxTileSamples,
      Math.floor(limits.maxStorageBufferBindingSize / (4 * L.words)),
      maxPerDim * maxPerDim * WORKGROUP_SIZE,
    );
    const tile = Math.max(1, Math.min(total, tileCap));
    const countsWords = W * H + W;
    if (4 * countsWords > limits.maxStorageBufferBindingSize)
      throw new RangeError(`a ${W} × ${H} density exceeds this device's storage binding limit`);

    const pass = await EnsemblePass.create(device, objective, plan);
    const base = new Float32Array(dim + Math.max(1, plan.params.length));
    base.set(plan.lr);
    base.set(plan.params, dim);
    const bytes = (n: number) => Math.max(16, Math.ceil((4 * n) / 16) * 16);
    const buf = await createBuffers(device, 'allocating the ensemble buffers', {
      uniforms: {
        label: 'GpuEnsembleEngine.uniforms',
        size: ENSEMBLE_UNIFORM_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      },
      base: {
        label: 'GpuEnsembleEngine.base',
        size: bytes(base.length),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      starts: {
        label: 'GpuEnsembleEngine.starts',
        size: bytes(plan.starts.length),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      values: {
        label: 'GpuEnsembleEngine.values',
        size: bytes(W),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      state: {
        label: 'GpuEnsembleEngine.state',
        size: bytes(tile * L.words),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      },
      counts: {
        label: 'GpuEnsembleEngine.counts',
        size: bytes(countsWords),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      },
      staging: {
        label: 'GpuEnsembleEngine.staging',
        size: bytes(Math.max(tile * L.words, countsWords)),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      },
    });
    try {
      device.queue.writeBuffer(buf.base, 0, base);
      device.queue.writeBuffer(buf.starts, 0, new Float32Array(plan.starts));
      device.queue.writeBuffer(buf.values, 0, new Float32Array(plan.values));
      const bindGroup = device.createBindGroup({
        label: 'GpuEnsembleEngine.bindGroup',
        layout: pass.layout,
        entries: (['uniforms', 'base', 'starts', 'values', 'state', 'counts'] as const).map((k) => ({
          binding: ENSEMBLE_BINDINGS[k],
          resource: { buffer: buf[k] },
        })),
      });

      const N = plan.iterations;
      const K = plan.keep;
      const tiles = Math.ceil(total / tile);
      const work = tiles * (N + K) + (tiles - 1) * N;
      let done = 0;
      let range: [number, number] = [0, 1];
      const dispatchPhase = async (offset: number, count: number, phase: 0 | 1) => {
        const steps = phase === 0 ? N : K;
        const chunk = Math.max(1, Math.floor(this.stepsPerDispatch / count));
        const [gx, gy] = dispatchSize(count, maxPerDim);
        for (let k0 = 0; k0 < steps; k0 += chunk) {
          const k1 = Math.min(steps, k0 + chunk);
          device.queue.writeBuffer(
            buf.uniforms,
            0,
            packUniforms(
              ENSEMBLE_UNIFORM_FIELDS,
              {
                columns: W,
                rows: H,
                samples: M,
                offset,
                count,
                k0,
                k1,
                phase,
                iterations: N,
                transient: plan.transient,
                checkpoint: Math.max(0, N - plan.classify.maxPeriod),
                lyapunov: plan.classify.lyapunov ? 1 : 0,
                tol: plan.classify.tol,
                radius: plan.classify.divergeRadius,
                lo: range[0],
                hi: range[1],
                u_kind: plan.axisKind,
                u_index: plan.axisIndex,
                spare0: 0,
                spare1: 0,
              },
              ENSEMBLE_UNIFORM_BYTES,
            ),
          );
          const encoder = device.createCommandEncoder({ label: 'GpuEnsembleEngine.encoder' });
          const cpass = encoder.beginComputePass({ label: `GpuEnsembleEngine.phase${phase}` });
          cpass.setPipeline(pass.pipeline);
          cpass.setBindGroup(0, bindGroup);
          cpass.dispatchWorkgroups(gx, gy);
          cpass.end();
          device.queue.submit([encoder.finish()]);
          // Waiting per dispatch keeps the queue short, so an abort takes effect promptly.
          await device.queue.onSubmittedWorkDone();
          done += k1 - k0;
          options.onProgress?.(done, work);
          if (options.signal?.aborted) throw new DOMException('ensemble run aborted', 'AbortError');
        }
      };
      const readback = async (src: GPUBuffer, words: number): Promise<ArrayBuffer> => {
        const encoder = device.createCommandEncoder({ label: 'GpuEnsembleEngine.readback' });
        encoder.copyBufferToBuffer(src, 0, buf.staging, 0, bytes(words));
        device.queue.submit([encoder.finish()]);
        await buf.staging.mapAsync(GPUMapMode.READ, 0, bytes(words));
        const copy = buf.staging.getMappedRange(0, bytes(words)).slice(0);
        buf.staging.unmap();
        return copy;
      };

      // Phase 0 over every tile; the summaries are a few words of each sample's state.
      const escape = new Uint32Array(total);
      const period = new Uint32Array(total);
      const lyap = new Float32Array(total);
      const omin = new Float32Array(total);
      const omax = new Float32Array(total);
      const r1 = new Float32Array(total);
      const r2 = new Float32Array(total);
      for (let t = 0; t < tiles; t++) {
        const offset = t * tile;
        const count = Math.min(tile, total - offset);
        await dispatchPhase(offset, count, 0);
        const raw = await readback(buf.state, count * L.words);
        const f = new Float32Array(raw);
        const u = new Uint32Array(raw);
        for (let i = 0; i < count; i++) {
          const b = i * L.words;
          escape[offset + i] = u[b + L.escape];
          period[offset + i] = u[b + L.period];
          lyap[offset + i] = f[b + L.lyap];
          omin[offset + i] = f[b + L.min];
          omax[offset + i] = f[b + L.max];
          r1[offset + i] = f[b + L.r1];
          r2[offset + i] = f[b + L.r2];
        }
      }
      const lyapScale = plan.classify.lyapunov ? 1 / (N - plan.transient) : NaN;
      const stats = reduceColumns(plan, (i): SampleSummary => ({
        escape: escape[i],
        period: period[i],
        lyapunov: lyap[i] * lyapScale,
        min: omin[i],
        max: omax[i],
        r1: r1[i],
        r2: r2[i],
      }));
      range = chooseRange(plan, stats);
      // The kernel compares in f32: report the bounds it really used.
      range = [Math.fround(range[0]), Math.fround(range[1])];

      // Phase 1: the last tile's state is still resident; the others rerun phase 0 first (the same
      // pipeline on the same inputs reproduces it) to recover x_T.
      device.queue.writeBuffer(buf.counts, 0, new Uint32Array(countsWords));
      for (let t = tiles - 1; t >= 0; t--) {
        const offset = t * tile;
        const count = Math.min(tile, total - offset);
        if (t !== tiles - 1) await dispatchPhase(offset, count, 0);
        await dispatchPhase(offset, count, 1);
      }
      const counts = new Uint32Array(await readback(buf.counts, countsWords));
      return {
        spec,
        info: this.info,
        plan,
        range,
        density: counts.slice(0, W * H),
        outside: counts.slice(W * H, W * H + W),
        stats,
        ms: performance.now() - t0,
      };
    } finally {
      for (const b of Object.values<GPUBuffer>(buf)) b.destroy();
    }
  }

  dispose(): void {}
}
