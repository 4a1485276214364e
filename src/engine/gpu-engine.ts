/**
 * The WGSL basin engine: a spec in, W×H records out, computed tile by tile and chunk by chunk on a
 * GPUDevice (the browser's or Dawn's in Node). Same definitions as the float64 reference
 * (src/reference/grid.ts), in f32.
 */
import { ChunkPlanner } from './chunk-planner.ts';
import {
  allocColumns,
  parseRecords,
  RECORD_BYTES,
  RECORD_WORDS,
  type RecordColumns,
} from '../core/outcome.ts';
import type { CompiledObjective, ObjectiveInput } from '../objective/types.ts';
import { resolvePlane, type Plane } from '../experiment/plane.ts';
import { SpecError, type ExperimentSpec } from '../experiment/spec.ts';
import { BasinPass } from './basin-pass.ts';
import {
  BASIN_UNIFORM_BYTES,
  BASIN_UNIFORM_FIELDS,
  baseWords,
  packUniforms,
  pixelBytes,
  stateBytes,
} from './layouts.ts';
import { createBuffers, GpuError } from './shader.ts';
import {
  runRows,
  type BasinEngine,
  type BasinResult,
  type EngineInfo,
  type RunOptions,
} from '../core/engine.ts';

/** Compiles a spec's objective (compileObjective in production; a hand-written one in tests). */
export type ObjectiveCompiler = (input: ObjectiveInput) => CompiledObjective;

/** Tunables of the GPU engine; the defaults suit both SwiftShader and a real GPU. */
export interface GpuEngineOptions {
  /** Adapter description for EngineInfo. */
  adapterName?: string;
  /**
   * Most GPU memory one tile may use (state + records), in bytes. The device's
   * maxStorageBufferBindingSize and maxBufferSize bound each buffer regardless. Default 256 MiB.
   */
  maxTileBytes?: number;
  /**
   * Caps the device's maxStorageBufferBindingSize and maxBufferSize (a device cannot be requested
   * with limits below the defaults, so this is how a small device is emulated).
   */
  maxBindingBytes?: number;
  /** Most host memory the result's columns may take; larger grids are refused. Default 2 GiB. */
  maxHostBytes?: number;
  /** Iterations per dispatch; default: planned from measured times (ChunkPlanner) around targetDispatchMs. */
  itersPerDispatch?: number;
  /** Wall time one dispatch aims at (a browser's GPU watchdog fires at a few seconds). Default 100. */
  targetDispatchMs?: number;
  /** WGSL replacing shaders/basin.wgsl (same entry points and bindings), for kernel experiments. */
  kernel?: string;
  /** Called once per device loss or uncaptured error (see attachErrorSink). */
  onDeviceLost?: (info: GPUDeviceLostInfo) => void;
}

/** Options of one GPU run. */
export interface GpuRunOptions extends RunOptions {
  /**
   * Keep the records on the GPU (W×H records in the Record layout of shaders/record.wgsl) so that a
   * colour pass can read them without an upload; only when the grid is one tile.
   */
  keepRecords?: boolean;
}

/** A GPU run's result: the columns, and the records buffer when kept (the caller destroys it). */
export interface GpuBasinResult extends BasinResult {
  records: GPUBuffer | null;
}

/** One rectangle of the grid computed with one set of buffers. */
export interface Tile {
  i0: number;
  j0: number;
  w: number;
  h: number;
}

/** The tiles of a grid, and why they are that size. */
export interface TilePlan {
  tiles: Tile[];
  /** Pixels of the largest tile: every buffer is sized for it. */
  maxPixels: number;
  /** Why the grid was split (empty when it is one tile). */
  note: string;
}

/** Bytes per pixel a basin pass needs on the GPU, for a planner or a UI estimate. */
export { pixelBytes };

/**
 * Splits a W×H grid into tiles of whole rows (or, when one row is too large, pieces of a row) such
 * that each tile's state and records fit one storage binding, one buffer, and the memory budget.
 */
export function planTiles(
  width: number,
  height: number,
  dim: number,
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number },
  maxTileBytes: number,
): TilePlan {
  const perBuffer = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const maxPixels = Math.floor(
    Math.min(perBuffer / stateBytes(dim), perBuffer / RECORD_BYTES, maxTileBytes / pixelBytes(dim)),
  );
  if (maxPixels < 1)
    throw new GpuError(
      'out-of-memory',
      'planning tiles',
      `one pixel needs ${pixelBytes(dim)} bytes, the tile budget is ${maxTileBytes}`,
    );
  const tiles: Tile[] = [];
  if (maxPixels >= width) {
    const rows = Math.min(height, Math.floor(maxPixels / width));
    for (let j0 = 0; j0 < height; j0 += rows)
      tiles.push({ i0: 0, j0, w: width, h: Math.min(rows, height - j0) });
  } else {
    for (let j0 = 0; j0 < height; j0++)
      for (let i0 = 0; i0 < width; i0 += maxPixels)
        tiles.push({ i0, j0, w: Math.min(maxPixels, width - i0), h: 1 });
  }
  const largest = Math.max(...tiles.map((t) => t.w * t.h));
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const note =
    tiles.length === 1
      ? ''
      : `grid ${width}×${height} needs ${mib(width * height * pixelBytes(dim))} of GPU memory ` +
        `(${pixelBytes(dim)} B per pixel); split into ${tiles.length} tiles of at most ${largest} pixels ` +
        `(binding limit ${mib(limits.maxStorageBufferBindingSize)}, tile budget ${mib(maxTileBytes)})`;
  return { tiles, maxPixels: largest, note };
}

/** Host bytes of f32 columns for a grid (what a GPU result holds in memory). */
export function columnBytes(width: number, height: number): number {
  // outcome (1) + iter, period (4 + 4) + eight f32 fields.
  return width * height * (1 + 8 + 8 * 4);
}

const DEFAULTS = {
  maxTileBytes: 256 * 2 ** 20,
  maxHostBytes: 2 * 2 ** 30,
  targetDispatchMs: 100,
};

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The run was aborted', 'AbortError');
}

/**
 * A BasinEngine on a GPUDevice. Pipelines are cached per objective; buffers live for one run. After
 * a device loss every run rejects with GpuError('lost'); make a new engine on a new device (see
 * createEngine in select.ts).
 */
export class GpuBasinEngine implements BasinEngine {
  readonly info: EngineInfo;
  /** Settled when the device is lost (never, normally). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  private lostInfo: GPUDeviceLostInfo | null = null;
  private readonly passes = new Map<string, Promise<BasinPass>>();
  private readonly options: typeof DEFAULTS & GpuEngineOptions;
  private disposed = false;

  constructor(
    readonly device: GPUDevice,
    private readonly compile: ObjectiveCompiler,
    options: GpuEngineOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.info = { kind: 'gpu', precision: 'f32', adapter: options.adapterName ?? 'WebGPU device' };
    this.lost = device.lost.then((info) => {
      this.lostInfo = info;
      if (!this.disposed) options.onDeviceLost?.(info);
      return info;
    });
  }

  /** The basin pass for an objective, compiled once (ShaderCompileError when the WGSL is wrong). */
  pass(objective: { wgsl: string }, lyapunov: boolean): Promise<BasinPass> {
    const key = `${lyapunov ? 'L' : '-'}${objective.wgsl}`;
    let p = this.passes.get(key);
    if (!p) {
      if (this.passes.size >= 16) this.passes.clear();
      p = BasinPass.create(this.device, objective, { lyapunov, kernel: this.options.kernel });
      // A failed compile is not cached: the next call reports it again rather than a stale promise.
      p.catch(() => this.passes.delete(key));
      this.passes.set(key, p);
    }
    return p;
  }

  async runBasin(spec: ExperimentSpec, options: GpuRunOptions = {}): Promise<GpuBasinResult> {
    const objective = this.compile({
      expr: spec.objective.expr,
      params: spec.objective.params,
      observables: spec.observables,
    });
    return this.runCompiled(spec, objective, options);
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
    const { width: W, height: H, dim } = plane;
    const [r0, r1] = runRows(options.rows, H);
    const hostBytes = columnBytes(W, r1 - r0);
    if (hostBytes > this.options.maxHostBytes)
      throw new GpuError(
        'out-of-memory',
        'allocating the result',
        `grid ${W}×${H} needs ${(hostBytes / 2 ** 20).toFixed(0)} MiB of records on the host, ` +
          `above the limit of ${(this.options.maxHostBytes / 2 ** 20).toFixed(0)} MiB; use a smaller grid`,
      );
    const cap = this.options.maxBindingBytes ?? Infinity;
    const limits = {
      maxStorageBufferBindingSize: Math.min(cap, this.device.limits.maxStorageBufferBindingSize),
      maxBufferSize: Math.min(cap, this.device.limits.maxBufferSize),
    };
    const plan = planTiles(W, r1 - r0, dim, limits, this.options.maxTileBytes);
    const pass = await this.pass(objective, spec.classify.lyapunov);
    const columns = allocColumns(W, r1 - r0, 'f32');
    const nparam = objective.params.length;
    const base = new Float32Array(baseWords(dim, nparam));
    base.set(plane.x0, 0);
    base.set(plane.h, dim);
    base.set(plane.p, 2 * dim);
    const buffers = await createBuffers(this.device, `allocating a ${plan.maxPixels}-pixel tile`, {
      uniforms: {
        label: 'GpuBasinEngine.uniforms',
        size: BASIN_UNIFORM_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      },
      base: {
        label: 'GpuBasinEngine.base',
        size: base.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      state: {
        label: 'GpuBasinEngine.state',
        size: plan.maxPixels * stateBytes(dim),
        usage: GPUBufferUsage.STORAGE,
      },
      records: {
        label: 'GpuBasinEngine.records',
        size: plan.maxPixels * RECORD_BYTES,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      },
      readback: {
        label: 'GpuBasinEngine.readback',
        size: plan.maxPixels * RECORD_BYTES,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      },
    });
    let kept: GPUBuffer | null = null;
    try {
      this.device.queue.writeBuffer(buffers.base, 0, base);
      const bindGroup = pass.bind(buffers);
      const N = spec.iterations;
      const total = W * (r1 - r0) * N;
      let done = 0;
      // Iterations per dispatch: fixed, or adapted to the measured time of the previous dispatch.
      const planner = new ChunkPlanner(
        this.options.itersPerDispatch ?? Math.max(1, Math.floor(2 ** 18 / plan.maxPixels)),
        this.options.targetDispatchMs,
      );
      for (const tile of plan.tiles) {
        const count = tile.w * tile.h;
        let k0 = 0;
        while (k0 < N) {
          if (options.signal?.aborted) throw abortError(options.signal);
          this.throwIfLost('running the basin pass');
          const k1 = Math.min(N, k0 + planner.chunk);
          const at = { ...tile, j0: r0 + tile.j0 };
          this.device.queue.writeBuffer(buffers.uniforms, 0, this.uniforms(spec, plane, at, k0, k1));
          const encoder = this.device.createCommandEncoder({ label: 'GpuBasinEngine.encoder' });
          if (k0 === 0) pass.encode(encoder, 'init', bindGroup, count);
          pass.encode(encoder, 'advance', bindGroup, count);
          if (k1 === N) {
            pass.encode(encoder, 'finish', bindGroup, count);
            encoder.copyBufferToBuffer(buffers.records, 0, buffers.readback, 0, count * RECORD_BYTES);
          }
          const started = performance.now();
          this.device.queue.submit([encoder.finish()]);
          await this.device.queue.onSubmittedWorkDone();
          const elapsed = performance.now() - started;
          // The first dispatch of a tile also initialises it (and may compile the pipeline).
          if (this.options.itersPerDispatch === undefined) planner.record(k1 - k0, elapsed, k0 === 0);
          done += (k1 - k0) * count;
          options.onProgress?.(done, total);
          k0 = k1;
        }
        await buffers.readback.mapAsync(GPUMapMode.READ, 0, count * RECORD_BYTES);
        const words = buffers.readback.getMappedRange(0, count * RECORD_BYTES);
        copyTile(words, columns, tile, W);
        buffers.readback.unmap();
      }
      let steps = 0;
      for (let i = 0; i < columns.iter.length; i++) steps += columns.iter[i];
      // Handed over only when it holds the whole grid; the caller then owns (and destroys) it.
      const records = options.keepRecords && plan.tiles.length === 1 ? buffers.records : null;
      if (records) kept = records;
      return {
        spec,
        info: this.info,
        columns,
        ms: performance.now() - t0,
        steps,
        records,
        ...(plan.note ? { notes: [plan.note] } : {}),
      };
    } catch (e) {
      // A loss shows up as whatever the next call fails with (a rejected map, an aborted wait);
      // give the lost promise a turn to settle, then report the cause rather than the symptom.
      await Promise.race([this.lost, new Promise((r) => setTimeout(r, 0))]);
      if (this.lostInfo && !(e instanceof GpuError)) this.throwIfLost('running the basin pass');
      throw e;
    } finally {
      for (const b of Object.values(buffers)) if (b !== kept) b.destroy();
    }
  }

  private throwIfLost(what: string): void {
    if (this.lostInfo) throw new GpuError('lost', what, this.lostInfo.message || this.lostInfo.reason);
  }

  private uniforms(spec: ExperimentSpec, plane: Plane, tile: Tile, k0: number, k1: number): ArrayBuffer {
    const N = spec.iterations;
    return packUniforms(
      BASIN_UNIFORM_FIELDS,
      {
        width: plane.width,
        height: plane.height,
        i0: tile.i0,
        j0: tile.j0,
        tile_w: tile.w,
        count: tile.w * tile.h,
        k0,
        k1,
        iterations: N,
        transient: spec.transient,
        max_period: Math.min(spec.classify.maxPeriod, N),
        tol: spec.classify.tol,
        // The radius as an f32 no larger than the largest finite f32, so the bit compare stays exact.
        radius: Math.min(spec.classify.divergeRadius, 3.4028234663852886e38),
        chaos: spec.classify.chaosThreshold,
        u_kind: plane.u.kind,
        u_index: Math.max(0, plane.u.index),
        u_min: plane.u.min,
        u_step: (plane.u.max - plane.u.min) / plane.width,
        v_kind: plane.v.kind,
        v_index: Math.max(0, plane.v.index),
        v_min: plane.v.min,
        v_step: (plane.v.max - plane.v.min) / plane.height,
      },
      BASIN_UNIFORM_BYTES,
    );
  }

  dispose(): void {
    this.disposed = true;
    this.passes.clear();
  }
}

/** Copies a tile's records (tile-local, row-major) into the grid's columns. */
function copyTile(words: ArrayBuffer, columns: RecordColumns, tile: Tile, W: number): void {
  if (tile.w === W) {
    parseRecords(words, columns, tile.j0 * W, tile.w * tile.h);
    return;
  }
  for (let r = 0; r < tile.h; r++) {
    const start = r * tile.w * RECORD_WORDS * 4;
    const row = words.slice(start, start + tile.w * RECORD_WORDS * 4);
    parseRecords(row, columns, (tile.j0 + r) * W + tile.i0, tile.w);
  }
}

/** NaN or infinite inputs would silently poison every record; refuse them with their name. */
function checkFinite(plane: Plane): void {
  const bad: string[] = [];
  plane.x0.forEach((v, i) => Number.isFinite(v) || bad.push(`x0.${i}: must be a finite number (got ${v})`));
  plane.h.forEach((v, i) => Number.isFinite(v) || bad.push(`lr: must be a finite number (got ${v} at ${i})`));
  plane.p.forEach(
    (v, i) =>
      Number.isFinite(v) || bad.push(`objective.params: parameter ${i} must be a finite number (got ${v})`),
  );
  for (const [k, a] of [['u', plane.u] as const, ['v', plane.v] as const])
    if (!Number.isFinite(a.min) || !Number.isFinite(a.max))
      bad.push(`plane.${k}: range [${a.min}, ${a.max}] must be finite`);
  if (bad.length) throw new SpecError(bad);
}
