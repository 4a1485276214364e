/**
 * The ensemble pass: shaders/ensemble.wgsl behind the compiled objective and the GD core, one
 * pipeline per entry point (the parts of a run, the column reduction, the range, the binning), all on
 * one bind group layout, compiled once per objective, observed quantities and Lyapunov setting.
 */
import ensembleWgsl from '../../shaders/ensemble.wgsl?raw';
import { GROWTH_EXP_CAP, GROWTH_MIN_HALF, GROWTH_TAIL_SHARE, LYAPUNOV_WARMUP } from '../core/outcome.ts';
import type { EnsemblePlan } from '../core/ensemble.ts';
import { dispatchSize, kernelParts, type KernelObjective, type Phase } from './basin-pass.ts';
import {
  COLUMN_FIELDS,
  ENSEMBLE_BINDINGS,
  ENSEMBLE_UNIFORM_FIELDS,
  obsKind,
  SAMPLE_FIELDS,
  WORKGROUP_SIZE,
} from './bifurcation-layout.ts';
import { coreOverrides, type GeometryVariant } from './kernel-variant.ts';
import { DISPATCH_FIELDS } from './layouts.ts';
import { bufferLayouts, createShaderModule } from './shader.ts';
import { pipelineKey, PipelineCache } from './pipeline-cache.ts';
import { uniformBytes, wgslStruct } from './wgsl-struct.ts';

/** Entry points of the ensemble kernel: the parts of the first pass, then the reductions and pass two. */
export type EnsembleEntry = Exclude<Phase, 'run'> | 'reduce_columns' | 'choose_range' | 'bin';

export type EnsembleBuffers = Record<keyof typeof ENSEMBLE_BINDINGS, GPUBuffer>;

export class EnsemblePass {
  private constructor(
    private readonly device: GPUDevice,
    readonly layout: GPUBindGroupLayout,
    pipelineLayout: GPUPipelineLayout,
    module: GPUShaderModule,
    private readonly constants: Record<string, number>,
  ) {
    this.pipelines = new PipelineCache(device, pipelineLayout, module, 'EnsemblePass');
  }

  static async create(
    device: GPUDevice,
    objective: KernelObjective,
    plan: Pick<EnsemblePlan, 'observable' | 'classify' | 'pair'>,
    /** Bins of `bin`'s workgroup histogram; 0: none (sharedBins of bifurcation.ts). */
    sharedBins: number,
  ): Promise<EnsemblePass> {
    const module = await createShaderModule(
      device,
      'EnsemblePass.module',
      kernelParts(objective, {
        name: 'shaders/ensemble.wgsl',
        code: ensembleWgsl,
        structs: [
          wgslStruct('EnsembleUniforms', ENSEMBLE_UNIFORM_FIELDS),
          wgslStruct('DispatchParams', DISPATCH_FIELDS),
          wgslStruct('Sample', SAMPLE_FIELDS),
          wgslStruct('ColumnWords', COLUMN_FIELDS),
        ].join('\n'),
        readers: ['base', 'starts'],
      }),
    );
    const B = ENSEMBLE_BINDINGS;
    const { layout, pipelineLayout } = bufferLayouts(device, 'EnsemblePass', [
      [B.uniforms, 'uniform'],
      [B.dispatch, 'uniform', true],
      [B.base, 'read-only-storage'],
      [B.starts, 'read-only-storage'],
      [B.values, 'read-only-storage'],
      [B.state, 'storage'],
      [B.samples, 'storage'],
      [B.counts, 'storage'],
      [B.range, 'storage'],
      [B.columns, 'storage'],
    ]);
    const o = plan.observable;
    const o2 = plan.pair?.v;
    const constants = {
      WORKGROUP_SIZE,
      // A workgroup array needs one element at least; `U.shared_bins` 0 leaves it unused.
      SHARED_BINS: Math.max(1, sharedBins),
      LYAPUNOV: plan.classify.lyapunov ? 1 : 0,
      LYAPUNOV_WARMUP,
      OBSERVE: 1,
      GROWTH_MIN_HALF,
      GROWTH_EXP_CAP,
      GROWTH_TAIL: GROWTH_TAIL_SHARE,
      OBS_KIND: obsKind(o),
      OBS_INDEX: o.kind === 'coord' ? o.index : 0,
      // An attractor's second quantity, binned with the first into a 2-D grid.
      PAIR: o2 ? 1 : 0,
      OBS2_KIND: o2 ? obsKind(o2) : 0,
      OBS2_INDEX: o2?.kind === 'coord' ? o2.index : 0,
    };
    return new EnsemblePass(device, layout, pipelineLayout, module, constants);
  }

  private readonly pipelines: PipelineCache;

  /**
   * A pipeline's key and override constants: the trajectory's entry points specialised to the run's
   * geometry and step as the basin kernel's are (coreOverrides; `mixed` runs every part, and rule 2's
   * replay stays in the kernel unless every test is exact), the reductions and the binning one
   * pipeline each. The general kernel took the default bifurcation's `mixed` 359 ms to
   * compile on SwiftShader, its tail's window selects (which that geometry never meets) 50 of them.
   */
  private pipeline(
    entry: EnsembleEntry,
    v: GeometryVariant,
  ): { key: string; constants: Record<string, number> } {
    if (entry === 'reduce_columns' || entry === 'choose_range' || entry === 'bin')
      return { key: entry, constants: this.constants };
    const c = { ...this.constants, ...coreOverrides(v, entry === 'mixed') };
    return { key: pipelineKey(entry, c), constants: c };
  }

  /**
   * Creates the pipelines of these entry points for a run of geometry `v` (kernelVariant, or
   * GENERAL_GEOMETRY) unless made already (each compiles on first use).
   */
  async prepare(entries: Iterable<EnsembleEntry>, v: GeometryVariant): Promise<void> {
    await Promise.all(
      [...new Set(entries)].map((e) => {
        const { key, constants } = this.pipeline(e, v);
        return this.pipelines.prepare(key, e, constants);
      }),
    );
  }

  bind(b: EnsembleBuffers): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'EnsemblePass.bindGroup',
      layout: this.layout,
      entries: (Object.keys(ENSEMBLE_BINDINGS) as (keyof typeof ENSEMBLE_BINDINGS)[]).map((k) => ({
        binding: ENSEMBLE_BINDINGS[k],
        resource: k === 'dispatch' ? { buffer: b[k], size: uniformBytes(DISPATCH_FIELDS) } : { buffer: b[k] },
      })),
    });
  }

  /**
   * One dispatch of `entry` with the DispatchParams at `slotOffset`: `count` invocations, or, for
   * reduce_columns, `count` workgroups (one per column), or one workgroup for choose_range.
   */
  encode(
    pass: GPUComputePassEncoder,
    entry: EnsembleEntry,
    bind: GPUBindGroup,
    slotOffset: number,
    count: number,
    v: GeometryVariant,
  ): void {
    const pipeline = this.pipelines.get(this.pipeline(entry, v).key);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind, [slotOffset]);
    const perDim = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (entry === 'choose_range') pass.dispatchWorkgroups(1);
    else if (entry === 'reduce_columns') {
      const [x, y] = dispatchSize(count * WORKGROUP_SIZE, perDim);
      pass.dispatchWorkgroups(x, y);
    } else {
      const [x, y] = dispatchSize(count, perDim);
      pass.dispatchWorkgroups(x, y);
    }
  }
}
