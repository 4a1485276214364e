/**
 * Running dispatches of the basin pass: the buffers a run needs beyond its records, the per-dispatch
 * parameter slots, and one submit per batch. Every submit writes what it reads (run uniforms, base,
 * slots) just before it, synchronously, so a record read or a recolouring can go on between the
 * submits of a run without either seeing the other's parameters (writeBuffer is ordered on the queue).
 */
import { lutWords } from '../colormaps.ts';
import { paletteWords } from '../palette.ts';
import type { ColormapName } from '../experiment/spec.ts';
import { BasinPass, type KernelVariant } from './basin-pass.ts';
import { BufferPool } from './buffer-pool.ts';
import type { Cost, CostModel } from './cost-model.ts';
import { batchDispatches, dispatchCost, type Dispatch, type Tile } from './dispatch-plan.ts';
import { divisorScan, type GeometryVariant } from './kernel-variant.ts';
import {
  BASIN_UNIFORM_BYTES,
  BASIN_UNIFORM_FIELDS,
  DISPATCH_FIELDS,
  DISPATCH_SLOT_BYTES,
  RECORD_BYTES,
  stateBytes,
} from './layouts.ts';
import { submitBatches } from './submit.ts';
import { packUniforms } from './wgsl-struct.ts';

/** Parameter slots in the shared slot buffer: the most dispatches one submit may hold. */
export const SLOTS = 1024;

/** What every submit of a run (or of a later recomputation of its records) needs. */
export interface RunContext {
  pass: BasinPass;
  /** Cost model key: the pipeline. */
  key: string;
  /** The objective's step weight (stepNodes), for the cost model's guess of a pipeline never measured. */
  weight: number;
  lyapunov: boolean;
  width: number;
  height: number;
  dim: number;
  /** Bytes of one pixel's Traj (its state holds the optimizer's vectors). */
  stateBytes: number;
  iterations: number;
  tiles: Tile[];
  /** What the run's geometry lets its kernels leave out (kernelVariant), or the general kernel. */
  specialise: GeometryVariant;
  /** BasinUniforms as values. */
  uniforms: Record<(typeof BASIN_UNIFORM_FIELDS)[number][0], number>;
  /** x0, h, parameters, hyperparameters (baseWords). */
  base: Float32Array;
}

/** One operation over pixels: where records and statistics go, and what else the last submit does. */
export interface DispatchOp {
  dispatches: readonly Dispatch[];
  /**
   * Where a tile's pixels go (records, or summary words when writeRecords is off, with λ beside them
   * under lyapWords) and its first pixel.
   */
  outputs(tile: number): { records: GPUBuffer; summary: GPUBuffer; lyap?: GPUBuffer; r0: number };
  writeRecords: boolean;
  /** Without writeRecords: λ written beside the summary words (a picture by outcome kept from them). */
  lyapWords?: boolean;
  /** Pixels of state the dispatches need between them (0: none). */
  statePixels: number;
  /** Encoded after the last dispatch, in the same submit (range pass, copies to readback). */
  after?(encoder: GPUCommandEncoder): void;
  /** Called right after the submit that `after` was encoded into: where to map what it copied. */
  afterSubmitted?(): void;
  signal?: AbortSignal;
  /** Called with GD steps (pixel × iterations) done and in all, after each submit completes. */
  onProgress?(done: number, total: number): void;
  /**
   * false: the cost model does not learn from these submits. One record computed again (a readout
   * under the pointer) is a dispatch of one pixel, whose time is the submit's own: fitted with the
   * runs' (the same steps per pixel), it would price every step hundreds of times over and cut the
   * next run into needless dispatches.
   */
  learn?: boolean;
  /** Overrides the batching (tests): at most this many dispatches per submit. */
  dispatchesPerSubmit?: number;
  /** Throws when the device was lost (checked before every submit). */
  check?: () => void;
  /**
   * The caller settles rule 3's divisor candidates itself, after statistics that count them, where the
   * variant leaves the test to the `escape` pass (divisorScan): none is encoded after the GD.
   */
  divisorsLater?: boolean;
}

/** The engine-wide buffers of the basin pass: run uniforms, base, parameter slots, small dummies. */
export class BasinResources {
  readonly uniforms: GPUBuffer;
  readonly slots: GPUBuffer;
  /** Slots of uniforms for the colour and reduction passes. */
  readonly auxSlots: GPUBuffer;
  /** Bound where a binding is unused: records of a statistics-only run, its summary otherwise, state of a fused run. */
  readonly dummyRecords: GPUBuffer;
  readonly dummySummary: GPUBuffer;
  /** λ beside summary words where none are written (writable bindings of one dispatch do not alias). */
  readonly dummyLyap: GPUBuffer;
  readonly dummyState: GPUBuffer;
  private base: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    readonly pool: BufferPool,
  ) {
    this.uniforms = device.createBuffer({
      label: 'BasinResources.uniforms',
      size: BASIN_UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.slots = device.createBuffer({
      label: 'BasinResources.slots',
      size: SLOTS * DISPATCH_SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.auxSlots = device.createBuffer({
      label: 'BasinResources.auxSlots',
      size: SLOTS * DISPATCH_SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.dummyRecords = device.createBuffer({
      label: 'BasinResources.dummyRecords',
      size: RECORD_BYTES,
      usage: GPUBufferUsage.STORAGE,
    });
    this.dummySummary = device.createBuffer({
      label: 'BasinResources.dummySummary',
      size: 16,
      usage: GPUBufferUsage.STORAGE,
    });
    this.dummyLyap = device.createBuffer({
      label: 'BasinResources.dummyLyap',
      size: 16,
      usage: GPUBufferUsage.STORAGE,
    });
    // Large enough for the state of any DIM the objective language allows, under any optimizer.
    this.dummyState = device.createBuffer({
      label: 'BasinResources.dummyState',
      size: stateBytes({ dim: 64, tdim: 192, sdim: 194 }),
      usage: GPUBufferUsage.STORAGE,
    });
    this.base = this.makeBase(64);
  }

  private makeBase(words: number): GPUBuffer {
    return this.device.createBuffer({
      label: 'BasinResources.base',
      size: Math.max(16, 4 * words),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
  }

  /** The base buffer, large enough for `words` (grown, never shrunk). */
  baseFor(words: number): GPUBuffer {
    if (this.base.size < 4 * words) {
      this.base.destroy();
      this.base = this.makeBase(2 * words);
    }
    return this.base;
  }

  /**
   * Writes uniform structs into the auxiliary slots from slot `first` on and returns their byte
   * offsets. The caller submits the work that reads them before it next yields to the event loop.
   */
  writeAuxSlots(structs: readonly ArrayBuffer[], first = 0): number[] {
    if (first + structs.length > SLOTS)
      throw new RangeError(`more than ${SLOTS} colour dispatches in one submit`);
    const data = new Uint8Array(structs.length * DISPATCH_SLOT_BYTES);
    structs.forEach((s, i) =>
      data.set(new Uint8Array(s).subarray(0, DISPATCH_SLOT_BYTES), i * DISPATCH_SLOT_BYTES),
    );
    this.device.queue.writeBuffer(this.auxSlots, first * DISPATCH_SLOT_BYTES, data);
    return structs.map((_, i) => (first + i) * DISPATCH_SLOT_BYTES);
  }

  private readonly luts = new Map<string, GPUBuffer>();
  private paletteBuffer: GPUBuffer | null = null;

  /** A colormap's LUT on the device, uploaded once. */
  lut(name: ColormapName): GPUBuffer {
    let b = this.luts.get(name);
    if (!b) {
      const words = lutWords(name);
      b = this.device.createBuffer({
        label: `BasinResources.lut.${name}`,
        size: words.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(b, 0, words);
      this.luts.set(name, b);
    }
    return b;
  }

  /** The outcome palette on the device, uploaded once. */
  palette(): GPUBuffer {
    if (!this.paletteBuffer) {
      const words = paletteWords();
      this.paletteBuffer = this.device.createBuffer({
        label: 'BasinResources.palette',
        size: words.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(this.paletteBuffer, 0, words);
    }
    return this.paletteBuffer;
  }

  dispose(): void {
    for (const b of this.luts.values()) b.destroy();
    this.paletteBuffer?.destroy();
    this.uniforms.destroy();
    this.slots.destroy();
    this.auxSlots.destroy();
    this.dummyRecords.destroy();
    this.dummyState.destroy();
    this.dummySummary.destroy();
    this.dummyLyap.destroy();
    this.base.destroy();
  }
}

/** The pipelines' specialisation for an operation of this run. */
export function runVariant(ctx: RunContext, writeRecords: boolean, lyapWords = false): KernelVariant {
  return { ...ctx.specialise, records: writeRecords, lyapWords: !writeRecords && lyapWords };
}

/**
 * Runs an operation's dispatches in submits of about `submitMs` each (by the cost model), writing each
 * submit's parameters right before it, and feeds the measured times back into the cost model.
 */
export async function runDispatches(
  device: GPUDevice,
  res: BasinResources,
  ctx: RunContext,
  op: DispatchOp,
  model: CostModel,
  submitMs: number,
): Promise<void> {
  const variant = runVariant(ctx, op.writeRecords, op.lyapWords);
  const escapes = variant.escapePass && !(op.divisorsLater && divisorScan(variant));
  // A `whole` dispatch leaves its unsettled pixels to `escape` (shaders/basin.wgsl), over the same
  // pixels: right after it once that pipeline is compiled, and until then in submits of their own after
  // the run's last, so that a first run's GD does not wait for that compile.
  let escapeReady = false;
  const escape =
    escapes && op.dispatches.some((d) => d.phase === 'whole')
      ? ctx.pass.prepare(['escape'], variant).then(() => void (escapeReady = true))
      : Promise.resolve();
  escape.catch(() => {});
  await ctx.pass.prepare(
    op.dispatches.map((d) => d.phase),
    variant,
  );
  const deferred: Dispatch[] = [];
  const cost: Cost = model.cost(ctx.key);
  const batches = batchDispatches(
    op.dispatches,
    cost,
    submitMs,
    Math.min(SLOTS, op.dispatchesPerSubmit ?? SLOTS),
  );
  const state = op.statePixels
    ? await res.pool.acquire(
        'GpuBasinEngine.state',
        op.statePixels * ctx.stateBytes,
        GPUBufferUsage.STORAGE,
        `allocating the state of ${op.statePixels} pixels`,
      )
    : res.dummyState;
  const base = res.baseFor(ctx.base.length);
  const uniforms = packUniforms(BASIN_UNIFORM_FIELDS, ctx.uniforms, BASIN_UNIFORM_BYTES);
  const binds = new Map<number, GPUBindGroup>();
  const bind = (tile: number) => {
    let b = binds.get(tile);
    if (!b) {
      const out = op.outputs(tile);
      b = ctx.pass.bind({
        uniforms: res.uniforms,
        dispatch: res.slots,
        base,
        state,
        records: out.records,
        summary: out.summary,
        lyap: out.lyap ?? res.dummyLyap,
      });
      binds.set(tile, b);
    }
    return b;
  };
  const total = op.dispatches.reduce((s, d) => s + d.count * (d.k1 - d.k0), 0);
  let done = 0;
  const slotData = new ArrayBuffer(SLOTS * DISPATCH_SLOT_BYTES);
  const writeSlots = (batch: readonly Dispatch[]) => {
    batch.forEach((d, i) => {
      const r0 = op.outputs(d.tile).r0;
      packUniforms(DISPATCH_FIELDS, { p0: d.p0, count: d.count, k0: d.k0, k1: d.k1, r0, s0: d.s0 }, 0, {
        buffer: slotData,
        byteOffset: i * DISPATCH_SLOT_BYTES,
      });
    });
    device.queue.writeBuffer(res.slots, 0, slotData, 0, batch.length * DISPATCH_SLOT_BYTES);
  };
  try {
    await submitBatches(device, batches, {
      label: 'GpuBasinEngine',
      signal: op.signal,
      check: op.check,
      encode(encoder, batch, index, timestampWrites) {
        device.queue.writeBuffer(res.uniforms, 0, uniforms);
        device.queue.writeBuffer(base, 0, ctx.base);
        writeSlots(batch);
        const pass = encoder.beginComputePass({ label: 'BasinPass', timestampWrites });
        batch.forEach((d, i) => {
          ctx.pass.encode(pass, d.phase, bind(d.tile), i * DISPATCH_SLOT_BYTES, d.count, variant);
          if (d.phase !== 'whole' || !escapes) return;
          if (escapeReady)
            ctx.pass.encode(pass, 'escape', bind(d.tile), i * DISPATCH_SLOT_BYTES, d.count, variant);
          else deferred.push(d);
        });
        pass.end();
        if (index === batches.length - 1 && deferred.length === 0) op.after?.(encoder);
      },
      submitted(index) {
        if (index === batches.length - 1 && deferred.length === 0) op.afterSubmitted?.();
      },
      done(batch, _index, ms) {
        let pixels = 0;
        let steps = 0;
        for (const d of batch) {
          pixels += d.count;
          steps += d.count * (d.k1 - d.k0);
        }
        // A batch that advanced no iteration (escape passes alone) says nothing of the GD's cost.
        if (steps > 0 && op.learn !== false) model.record(ctx.key, pixels, steps, ms, ctx.weight);
        done += steps;
        op.onProgress?.(done, total);
      },
    });
    if (deferred.length === 0) return;
    await escape;
    const groups: Dispatch[][] = [];
    for (let i = 0; i < deferred.length; i += SLOTS) groups.push(deferred.slice(i, i + SLOTS));
    await submitBatches(device, groups, {
      label: 'GpuBasinEngine.escape',
      signal: op.signal,
      check: op.check,
      encode(encoder, group, index) {
        writeSlots(group);
        const pass = encoder.beginComputePass({ label: 'BasinPass.escape' });
        group.forEach((d, i) =>
          ctx.pass.encode(pass, 'escape', bind(d.tile), i * DISPATCH_SLOT_BYTES, d.count, variant),
        );
        pass.end();
        if (index === groups.length - 1) op.after?.(encoder);
      },
      submitted(index) {
        if (index === groups.length - 1) op.afterSubmitted?.();
      },
    });
  } finally {
    if (state !== res.dummyState) res.pool.release(state);
  }
}

/** Predicted milliseconds of dispatches (for the caller's own budgeting). */
export function predictMs(dispatches: readonly Dispatch[], cost: Cost): number {
  return dispatches.reduce((s, d) => s + dispatchCost(d, cost), 0) / 1e6;
}
