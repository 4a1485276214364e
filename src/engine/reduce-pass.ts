/**
 * The reduction passes (shaders/reduce.wgsl): a tile's records, or summary words, folded into a run's
 * statistics on the GPU: outcome counts, period histogram and step total (`counts`), and the value
 * ranges of the colour fields (`ranges`). What the host reads back is the statistics, a few hundred
 * bytes, whatever the grid.
 */
import fieldsWgsl from '../../shaders/fields.wgsl?raw';
import periodWgsl from '../../shaders/period.wgsl?raw';
import recordWgsl from '../../shaders/record.wgsl?raw';
import reduceWgsl from '../../shaders/reduce.wgsl?raw';
import { dispatchSize } from './basin-pass.ts';
import {
  DISPATCH_SLOT_BYTES,
  RECORD_STRUCT_FIELDS,
  REDUCE_BINDINGS,
  REDUCE_UNIFORM_FIELDS,
  periodConstants,
  STATS_FIELDS,
  STATS_MAX_PERIOD,
  WORKGROUP_SIZE,
} from './layouts.ts';
import { bufferLayouts, createShaderModule } from './shader.ts';
import { pipelineKey, PipelineCache } from './pipeline-cache.ts';
import { packUniforms, uniformBytes, wgslOffsets, wgslStruct } from './wgsl-struct.ts';

/**
 * Records (or words) one invocation folds on a CPU adapter, where a workgroup costs microseconds to
 * start and its barrier switches between invocations: the fewer the better.
 */
export const REDUCE_STRIDE = 256;
/**
 * The same on a GPU: a 1024² grid then reduces in 512 workgroups rather than 64, enough to occupy
 * every core of a large GPU, each invocation with 32 loads rather than 256 waiting one after another.
 * (Reasoned, not measured: no GPU was at hand when this was written.)
 */
export const GPU_REDUCE_STRIDE = 32;

/** The stride for an adapter. */
export function reduceStride(software: boolean): number {
  return software ? REDUCE_STRIDE : GPU_REDUCE_STRIDE;
}

export type ReduceKind = 'counts' | 'packed-counts' | 'ranges';

/**
 * The reductions of a basin run: the counts, over kept records or summary words. The colour ranges
 * are reduced when a colour needs them (GpuBasinResult.ensureRanges): over a 1024² grid on SwiftShader
 * they cost 40 ms, a third of a 20-step run, which a map coloured by outcome never needed.
 */
export function basinReduceKinds(keepRecords: boolean): ReduceKind[] {
  return keepRecords ? ['counts'] : ['packed-counts'];
}

/** Uniform words of one reduction dispatch over `count` records from pixel p0 of a `width`-wide grid. */
export function reduceUniforms(count: number, p0 = 0, width = 1): ArrayBuffer {
  return packUniforms(REDUCE_UNIFORM_FIELDS, { count, p0, width }, DISPATCH_SLOT_BYTES);
}

export class ReducePass {
  /** Pipelines by kind, compiled when first asked for (a statistics-only run needs one of three). */
  private readonly pipelines: PipelineCache;

  private constructor(
    private readonly device: GPUDevice,
    readonly layout: GPUBindGroupLayout,
    pipelineLayout: GPUPipelineLayout,
    module: GPUShaderModule,
    /** Records one invocation folds (reduceStride). */
    readonly stride: number,
  ) {
    this.pipelines = new PipelineCache(device, pipelineLayout, module, 'ReducePass');
  }

  static async create(device: GPUDevice, stride = REDUCE_STRIDE): Promise<ReducePass> {
    if (!(Number.isInteger(stride) && stride >= 1 && stride <= REDUCE_STRIDE))
      throw new RangeError(`ReducePass: stride ${stride} is not an integer in 1…${REDUCE_STRIDE}`);
    const module = await createShaderModule(device, 'ReducePass.module', [
      { name: 'shaders/record.wgsl', code: recordWgsl },
      {
        name: 'structs (generated)',
        code: [
          periodConstants(),
          wgslStruct('Record', RECORD_STRUCT_FIELDS),
          wgslStruct('Stats', STATS_FIELDS, { atomic: true }),
          wgslOffsets('STATS', STATS_FIELDS),
          wgslOffsets('RECORD', RECORD_STRUCT_FIELDS),
          `const STATS_PERIOD_BINS: u32 = ${STATS_MAX_PERIOD + 1}u;`,
          wgslStruct('ReduceUniforms', REDUCE_UNIFORM_FIELDS),
        ].join('\n'),
      },
      { name: 'shaders/period.wgsl', code: periodWgsl },
      { name: 'shaders/fields.wgsl', code: fieldsWgsl },
      { name: 'shaders/reduce.wgsl', code: reduceWgsl },
    ]);
    const { layout, pipelineLayout } = bufferLayouts(device, 'ReducePass', [
      [REDUCE_BINDINGS.uniforms, 'uniform', true],
      [REDUCE_BINDINGS.records, 'read-only-storage'],
      [REDUCE_BINDINGS.stats, 'storage'],
      [REDUCE_BINDINGS.columns, 'storage'],
    ]);
    return new ReducePass(device, layout, pipelineLayout, module, stride);
  }

  /** Compiles the pipelines of these kinds (counting per column with `columns`), unless made already. */
  async prepare(kinds: readonly ReduceKind[], columns = false): Promise<this> {
    await Promise.all(
      kinds.map((kind) => {
        const { key, entry, constants } = this.pipeline(kind, columns);
        return this.pipelines.prepare(key, entry, constants);
      }),
    );
    return this;
  }

  /** The entry point, override constants and key of a kind (`ranges` counts no columns). */
  private pipeline(kind: ReduceKind, columns: boolean) {
    const entry = kind === 'packed-counts' ? 'packed_counts' : kind;
    const constants = {
      WORKGROUP_SIZE,
      STRIDE: this.stride,
      COLUMNS: columns && kind !== 'ranges' ? 1 : 0,
    };
    return { key: pipelineKey(entry, constants), entry, constants };
  }

  /** A bind group over one tile's records (or summary words), the statistics and the column counts. */
  bind(b: { uniforms: GPUBuffer; records: GPUBuffer; stats: GPUBuffer; columns: GPUBuffer }): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'ReducePass.bindGroup',
      layout: this.layout,
      entries: (['uniforms', 'records', 'stats', 'columns'] as const).map((k) => ({
        binding: REDUCE_BINDINGS[k],
        resource:
          k === 'uniforms'
            ? { buffer: b.uniforms, size: uniformBytes(REDUCE_UNIFORM_FIELDS) }
            : { buffer: b[k] },
      })),
    });
  }

  /** Folds `count` records with the uniforms at `slotOffset`. */
  encode(
    pass: GPUComputePassEncoder,
    kind: ReduceKind,
    bind: GPUBindGroup,
    slotOffset: number,
    count: number,
    columns = false,
  ): void {
    const pipeline = this.pipelines.get(this.pipeline(kind, columns).key);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind, [slotOffset]);
    const [x, y] = dispatchSize(
      Math.ceil(count / this.stride),
      this.device.limits.maxComputeWorkgroupsPerDimension,
    );
    pass.dispatchWorkgroups(x, y);
  }
}
