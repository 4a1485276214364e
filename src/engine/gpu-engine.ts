/**
 * The WGSL basin engine: a spec in, statistics and a handle on GPU-resident records out (see
 * src/core/engine.ts), on a GPUDevice (the browser's or Dawn's in Node). Same definitions as the
 * float64 reference (src/reference/grid.ts), in f32.
 *
 * A run is planned from a cost model of the device kept across runs (cost-model.ts, dispatch-plan.ts), encoded into
 * as few submits as its length allows, and reads back one small statistics buffer. Pipelines,
 * parameter buffers and state are kept between runs; records belong to the result until disposed.
 */
import { nextTask } from './next-task.ts';
import type { CompiledObjective, ObjectiveInput } from '../objective/types.ts';
import { resolvePlane, type Plane } from '../experiment/plane.ts';
import type { ColormapName, ExperimentSpec } from '../experiment/spec.ts';
import { runRows, type BasinEngine, type EngineInfo } from '../core/engine.ts';
import { BasinPass, kernelKey, type KernelObjective } from './basin-pass.ts';
import { compileOptimizer } from '../optimizer/compile.ts';
import type { OptimizerSettings } from '../optimizer/rules.ts';
import { BasinResources, runDispatches, runVariant, type RunContext } from './basin-run.ts';
import { encodeReduce, GpuBasinResult } from './basin-result.ts';
import { basinReduceKinds, ReducePass, type ReduceKind } from './reduce-pass.ts';
import { BufferPool } from './buffer-pool.ts';
import { acquireOutputs, planOutputs } from './run-outputs.ts';
import { ColourPass } from './colour-pass.ts';
import { RunStats } from './run-stats.ts';
import { CostModel } from './cost-model.ts';
import { phaseSegments, planDispatches, type Dispatch, type RunPlan, type Tile } from './dispatch-plan.ts';
import { divisorScan } from './kernel-variant.ts';
import { WORKGROUP_SIZE } from './layouts.ts';
import { GpuError } from './shader.ts';
import { parseStats } from './stats.ts';
import { checkFinite, runContext } from './run-context.ts';
import {
  guessCost,
  resolveOptions,
  type GpuEngineOptions,
  type GpuRunOptions,
  type ResolvedOptions,
} from './engine-options.ts';

export { planTiles, type TilePlan } from './tiles.ts';
export type { GpuEngineOptions, GpuRunOptions } from './engine-options.ts';
import { planTiles } from './tiles.ts';
import { subnormalsOf, subnormalsWord } from './subnormals.ts';

/** Compiles a spec's objective (compileObjective in production; a hand-written one in tests). */
export type ObjectiveCompiler = (input: ObjectiveInput) => CompiledObjective;

export class GpuBasinEngine implements BasinEngine {
  /** What computes the results, with whether the device flushes subnormals once its probe answered. */
  info: EngineInfo;
  /** The device's subnormal probe (subnormals.ts), started with the engine, awaited before a result. */
  private readonly subnormals: Promise<void>;
  /** Settled when the device is lost (never, normally). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  readonly pool: BufferPool;
  readonly costs: CostModel;
  private lostInfo: GPUDeviceLostInfo | null = null;
  private readonly passes = new Map<string, Promise<BasinPass>>();
  private colourPass: Promise<ColourPass> | null = null;
  readonly options: ResolvedOptions;
  private disposed = false;

  constructor(
    readonly device: GPUDevice,
    private readonly compile: ObjectiveCompiler,
    options: GpuEngineOptions = {},
  ) {
    this.options = resolveOptions(options);
    this.info = { kind: 'gpu', precision: 'f32', adapter: options.adapterName ?? 'WebGPU device' };
    this.subnormals = subnormalsOf(device).then((flushed) => {
      this.info = { ...this.info, subnormals: subnormalsWord(flushed) };
    });
    this.pool = new BufferPool(device);
    this.costs = new CostModel(guessCost(options.adapterName));
    if (options.reducePass) this.adoptReduce(options.reducePass);
    this.lost = device.lost.then((info) => {
      this.lostInfo = info;
      if (!this.disposed) options.onDeviceLost?.(info);
      return info;
    });
  }

  /**
   * The basin pass for an objective and optimizer, compiled once (ShaderCompileError when the WGSL is
   * wrong).
   */
  pass(objective: KernelObjective, lyapunov: boolean): Promise<BasinPass> {
    const key = passKey(objective, lyapunov);
    let p = this.passes.get(key);
    if (!p) {
      if (this.passes.size >= 16) this.passes.clear();
      p = BasinPass.create(this.device, objective, {
        lyapunov,
        kernel: this.options.kernel,
        core: this.options.core,
        escapeStride: this.options.escapeStride,
      });
      // A failed compile is not cached: the next call reports it again rather than a stale promise.
      p.catch(() => this.passes.delete(key));
      this.passes.set(key, p);
    }
    return p;
  }

  private res: BasinResources | null = null;

  /** The engine-wide buffers, made on first use: after a first run has asked for its pipelines (5 ms here). */
  get resources(): BasinResources {
    return (this.res ??= new BasinResources(this.device, this.pool));
  }

  /** A colormap's LUT on the device, uploaded once. */
  lut(name: ColormapName): GPUBuffer {
    return this.resources.lut(name);
  }

  /** The outcome palette on the device, uploaded once. */
  palette(): GPUBuffer {
    return this.resources.palette();
  }

  private reducePass: Promise<ReducePass> | null = null;

  /** The reduction passes with the pipelines of `kinds` ready, each compiled once per engine. */
  async reduce(kinds: readonly ReduceKind[], columns = false): Promise<ReducePass> {
    if (!this.reducePass) this.adoptReduce(ReducePass.create(this.device, this.options.reduceStride));
    return (await this.reducePass!).prepare(kinds, columns);
  }

  /** Uses `pass` as the engine's reduction pass; a failed one is forgotten, to be created again. */
  private adoptReduce(pass: Promise<ReducePass>): void {
    this.reducePass = pass;
    pass.catch(() => {
      if (this.reducePass === pass) this.reducePass = null;
    });
  }

  /** The colour pass, compiled once per engine. */
  colour(): Promise<ColourPass> {
    if (!this.colourPass) {
      this.colourPass = ColourPass.create(this.device);
      this.colourPass.catch(() => (this.colourPass = null));
    }
    return this.colourPass;
  }

  async runBasin(spec: ExperimentSpec, options: GpuRunOptions = {}): Promise<GpuBasinResult> {
    const objective = this.compile({
      expr: spec.objective.expr,
      params: spec.objective.params,
      observables: spec.observables,
    });
    return this.runCompiled(spec, objective, options);
  }

  /** The device's binding limits as this engine may use them. */
  limits(): { maxStorageBufferBindingSize: number; maxBufferSize: number } {
    const cap = this.options.maxBindingBytes ?? Infinity;
    return {
      maxStorageBufferBindingSize: Math.min(cap, this.device.limits.maxStorageBufferBindingSize),
      maxBufferSize: Math.min(cap, this.device.limits.maxBufferSize),
    };
  }

  /** runBasin with an objective compiled already (the tests pass hand-written ones). */
  async runCompiled(
    spec: ExperimentSpec,
    objective: CompiledObjective,
    options: GpuRunOptions = {},
  ): Promise<GpuBasinResult> {
    if (this.disposed) throw new Error('GpuBasinEngine: used after dispose()');
    this.throwIfLost('starting a run');
    const t0 = performance.now();
    const plane = resolvePlane(spec, objective);
    checkFinite(plane);
    const kernel = withOptimizer(objective, spec.optimizer);
    // A band of rows (RunOptions.rows) is a grid of its own height whose row 0 is grid row j0.
    const [j0, j1] = runRows(options.rows, plane.height);
    const W = plane.width;
    const H = j1 - j0;
    const limits = this.limits();
    const tiling = planTiles(W, H, limits);
    const out = planOutputs(
      options.records ?? 'keep',
      { width: W, height: H },
      spec.classify.lyapunov,
      this.options.maxRecordBytes,
    );
    const keep = out.records;
    const notes = [tiling.note, out.note];
    const kinds = basinReduceKinds(keep);
    // The reduction's pipelines compile on Dawn's worker thread while this thread writes and parses
    // the kernel (28 ms of a first run on SwiftShader); Dawn compiles one pipeline at a time.
    const reducing = this.reduce(kinds, !!options.columns);
    reducing.catch(() => {});
    const pass = await this.pass(kernel, spec.classify.lyapunov);
    const ctx = this.context(spec, kernel, plane, pass, tiling.tiles, j0, H);
    const plan = this.plan(ctx);
    // The kernel's pipelines compile while the buffers are allocated (each allocation waits on an
    // error scope: 10 ms of a first 1024² run here), or on this thread (inlineCompile) while Dawn's
    // worker compiles the reduction.
    const preparing = pass.prepare(
      plan.dispatches.map((d) => d.phase),
      runVariant(ctx, keep, out.lyapWords),
      this.options.inlineCompile,
    );
    preparing.catch(() => {});
    let outputs: GPUBuffer[] = [];
    // λ per tile beside kept summary words (LYAP_WORDS).
    let lyaps: GPUBuffer[] = [];
    const runStats = await RunStats.create(this.device, this.pool, W, !!options.columns);
    let handed = false;
    try {
      ({ outputs, lyaps } = await acquireOutputs(this.pool, tiling.tiles, out));
      const [reduce] = await Promise.all([reducing, preparing]);
      const timings = { host: 0, compute: 0, reduce: 0, readback: 0 };
      const tiles = outputs.map((buffer, i) => ({ tile: ctx.tiles[i], buffer }));
      // The statistics: reduced and copied for the readback, then read.
      const reduceStats = (encoder: GPUCommandEncoder) => {
        encodeReduce(this, reduce, kinds, tiles, runStats.stats, encoder, runStats.columnTarget);
        runStats.encodeCopy(encoder);
      };
      const readStats = async () => {
        const read = await runStats.read().catch((e) => this.explain(e));
        // A device lost after the last submit still maps (Dawn answers with zeros): say so instead.
        await Promise.race([this.lost, nextTask()]);
        this.throwIfLost('running the basin pass');
        return read;
      };
      const res = this.resources;
      const tEncode = performance.now();
      const op = {
        outputs: (tile: number) => ({
          records: keep ? outputs[tile] : res.dummyRecords,
          summary: keep ? res.dummySummary : outputs[tile],
          lyap: lyaps[tile],
          r0: ctx.tiles[tile].p0,
        }),
        writeRecords: keep,
        lyapWords: out.lyapWords,
        signal: options.signal,
        check: () => this.throwIfLost('running the basin pass'),
      };
      await runDispatches(
        this.device,
        res,
        ctx,
        {
          ...op,
          dispatches: plan.dispatches,
          statePixels: plan.statePixels,
          onProgress: options.onProgress,
          dispatchesPerSubmit: this.options.dispatchesPerSubmit,
          divisorsLater: true,
          after: options.profile ? undefined : reduceStats,
          afterSubmitted: options.profile ? undefined : () => runStats.mapNow(),
        },
        this.costs,
        this.options.submitMs,
      ).catch((e) => this.explain(e));
      let tRead = performance.now();
      timings.compute = tRead - tEncode;
      if (options.profile) {
        // The reduction in a submit of its own, so that its time can be told from the GD's.
        const enc = this.device.createCommandEncoder({ label: 'GpuBasinEngine.reduce' });
        reduceStats(enc);
        this.device.queue.submit([enc.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        const tCopied = performance.now();
        timings.reduce = tCopied - tRead;
        tRead = tCopied;
      }
      let { words, columnDiverged } = await readStats();
      timings.readback = performance.now() - tRead;
      // Rule 3's divisor test where the kernel left it (divisorScan) and the statistics say it applies:
      // the escape pass over every tile, and the statistics again. A map without such periods (most
      // maps) pays for neither, where a pass that looked at every pixel cost 15–30 ms at 1024²
      // on SwiftShader.
      const scanned =
        divisorScan(runVariant(ctx, keep, out.lyapWords)) && plan.dispatches.some((d) => d.phase === 'whole');
      if (scanned && parseStats(words).composite > 0) {
        const tSettle = performance.now();
        runStats.reset(this.device.queue);
        const settle = ctx.tiles.map((t, tile): Dispatch => ({
          phase: 'escape',
          tile,
          p0: t.p0,
          count: t.count,
          k0: 0,
          k1: 0,
          s0: 0,
        }));
        await runDispatches(
          this.device,
          res,
          ctx,
          {
            ...op,
            dispatches: settle,
            statePixels: 0,
            after: reduceStats,
            afterSubmitted: () => runStats.mapNow(),
          },
          this.costs,
          this.options.submitMs,
        ).catch((e) => this.explain(e));
        ({ words, columnDiverged } = await readStats());
        timings.compute += performance.now() - tSettle;
      }
      const { counts, steps } = parseStats(words);
      // Answered long before (one tiny dispatch beside the compiles), so the result says it.
      await this.subnormals;
      const result = new GpuBasinResult(this, ctx, {
        spec,
        counts,
        steps,
        ranges: null,
        records: keep ? outputs : null,
        words: out.keepWords ? { summary: outputs, lyap: out.lyapWords ? lyaps : null } : null,
        stats: runStats.stats,
        notes: notes.filter((n): n is string => !!n),
        columnDiverged,
      });
      result.ms = performance.now() - t0;
      timings.host = result.ms - timings.compute - timings.reduce - timings.readback;
      result.timings = timings;
      handed = true;
      return result;
    } finally {
      await runStats.release(handed);
      if (!handed || !(keep || out.keepWords)) for (const b of [...outputs, ...lyaps]) this.pool.release(b);
    }
  }

  /** The dispatches of a run over the context's tiles, from the cost model or the fixed options. */
  plan(ctx: RunContext, tiles: readonly Tile[] = ctx.tiles): RunPlan {
    const o = this.options;
    const cost = this.costs.cost(ctx.key, ctx.weight);
    const perBinding = Math.floor(this.limits().maxStorageBufferBindingSize / ctx.stateBytes);
    const fixed =
      o.itersPerDispatch !== undefined || o.pixelsPerDispatch !== undefined
        ? { pixels: o.pixelsPerDispatch, iterations: o.itersPerDispatch }
        : undefined;
    const u = ctx.uniforms;
    // A heavy step's kernels (forStep) run every iteration in `mixed`, chunked anywhere: one
    // pipeline whatever the cost model plans, rather than `whole` or one per part.
    const oneLoop = !ctx.pass.bare && ctx.specialise.oneStep;
    const segments = ctx.pass.bare
      ? [{ k0: 0, k1: ctx.iterations, phase: 'run' as const }]
      : oneLoop
        ? [{ k0: 0, k1: ctx.iterations, phase: 'mixed' as const }]
        : phaseSegments(ctx.iterations, u.transient, u.max_period, ctx.lyapunov);
    return planDispatches(tiles, segments, cost, {
      targetMs: o.targetDispatchMs,
      minBlock: 4096,
      granule: WORKGROUP_SIZE,
      maxBlock: perBinding,
      fixed,
      fused: oneLoop ? 'mixed' : 'whole',
    });
  }

  /** Everything the submits of a run read, resolved from the spec. */
  context(
    spec: ExperimentSpec,
    objective: CompiledObjective,
    plane: Plane,
    pass: BasinPass,
    tiles: Tile[],
    row0 = 0,
    rows = plane.height,
  ): RunContext {
    const kernel = withOptimizer(objective, spec.optimizer);
    const key = passKey(kernel, spec.classify.lyapunov);
    return runContext(spec, kernel, plane, pass, tiles, key, row0, rows, this.options);
  }

  /** Rethrows a failure as the device loss that caused it, when it was one. */
  async explain(e: unknown): Promise<never> {
    // A loss shows up as whatever the next call fails with (a rejected map, an aborted wait); give
    // the lost promise a turn to settle, then report the cause rather than the symptom.
    await Promise.race([this.lost, nextTask()]);
    if (this.lostInfo && !(e instanceof GpuError)) this.throwIfLost('running the basin pass');
    throw e;
  }

  throwIfLost(what: string): void {
    if (this.lostInfo) throw new GpuError('lost', what, this.lostInfo.message || this.lostInfo.reason);
  }

  dispose(): void {
    this.disposed = true;
    this.passes.clear();
    this.pool.dispose();
    this.res?.dispose();
  }
}

function passKey(objective: KernelObjective, lyapunov: boolean): string {
  return `${lyapunov ? 'L' : '-'}${kernelKey(objective)}`;
}

/** The objective with the spec's optimizer, as a kernel compiles it. */
export function withOptimizer(
  objective: CompiledObjective,
  optimizer: Pick<OptimizerSettings, 'kind' | 'biasCorrection'>,
): CompiledObjective & KernelObjective {
  return { ...objective, optimizer: compileOptimizer(optimizer) };
}
