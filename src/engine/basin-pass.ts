/**
 * The basin pass: the GPU stage that runs one GD trajectory per pixel and writes its Record (or, when
 * records are not kept, a summary word for the reduction). shaders/basin.wgsl behind the compiled
 * objective and the GD core; one entry point per part of a run (see Phase), one bind group per set of
 * buffers, one dynamic-offset slot of DispatchParams per dispatch, so a whole run can be encoded into
 * one command buffer. The bare kernel of the benchmark is built the same way (one entry point).
 */
import bareWgsl from '../../shaders/bare.wgsl?raw';
import basinWgsl from '../../shaders/basin.wgsl?raw';
import coreWgsl from '../../shaders/gd-core.wgsl?raw';
import escapeWgsl from '../../shaders/gd-escape.wgsl?raw';
import tailWgsl from '../../shaders/gd-tail.wgsl?raw';
import periodWgsl from '../../shaders/period.wgsl?raw';
import outcomeWgsl from '../../shaders/gd-outcome.wgsl?raw';
import recordWgsl from '../../shaders/record.wgsl?raw';
import { GROWTH_EXP_CAP, GROWTH_MIN_HALF, GROWTH_TAIL_SHARE, LYAPUNOV_WARMUP } from '../core/outcome.ts';
import { AxisKind } from '../experiment/plane.ts';
import {
  BASIN_BINDINGS,
  BASIN_UNIFORM_FIELDS,
  DISPATCH_FIELDS,
  periodConstants,
  RECORD_STRUCT_FIELDS,
  TRAJ_FIELDS,
  WORKGROUP_SIZE,
} from './layouts.ts';
import { bufferLayouts, createShaderModule, type ShaderPart } from './shader.ts';
import { pipelineKey, PipelineCache } from './pipeline-cache.ts';
import { coreOverrides, divisorScan, GENERAL_GEOMETRY, type GeometryVariant } from './kernel-variant.ts';
import { vecHelpers } from './wgsl-vec.ts';
import { stateHelpers } from './wgsl-state.ts';
import { compileOptimizer, stateSize, type CompiledOptimizer, type StateSize } from '../optimizer/compile.ts';
import { DEFAULT_OPTIMIZER } from '../optimizer/rules.ts';
import { optimizerWgsl } from '../optimizer/wgsl.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { uniformBytes, wgslStruct } from './wgsl-struct.ts';

/**
 * The entry points of shaders/basin.wgsl. `whole` runs every part of a pixel's run, start to record,
 * in one invocation (whenever a block of pixels fits a dispatch). Otherwise the parts run separately,
 * chunked: `plain` before the tangent's warm-up, `warm` the warm-up W0 … T (rule 4 of
 * src/core/outcome.ts; only with the exponent on), `growth1`/`growth2` in the halves of the
 * averaging window, `tail` from the checkpoint N - P on with the period test (the dispatch that
 * reaches N classifies), or `mixed`, all of them over any range of iterations, for a short run.
 * `run` is the bare kernel's only entry point.
 */
export type Phase = 'plain' | 'warm' | 'growth1' | 'growth2' | 'tail' | 'mixed' | 'whole' | 'escape' | 'run';

/**
 * Override constants that specialise a basin pipeline to a run (shaders/gd-core.wgsl, basin.wgsl): what
 * the run's geometry leaves out (kernelVariant of kernel-variant.ts), `records`, whether the last
 * part writes Records or only summary words, and `lyapWords`, whether λ goes beside the words (a
 * picture by outcome kept from them). Code a run cannot use is compiled out: smaller kernels, which
 * also compile faster on SwiftShader.
 */
export interface KernelVariant extends GeometryVariant {
  records: boolean;
  lyapWords: boolean;
}

/** The general kernel: any geometry, records written. */
export const GENERAL_VARIANT: KernelVariant = { ...GENERAL_GEOMETRY, records: true, lyapWords: false };

/** What a kernel needs of a compiled objective, and the optimizer it runs. */
export interface KernelObjective {
  /** The generated WGSL block (see src/objective/types.ts). */
  readonly wgsl: string;
  readonly dim: number;
  readonly params: readonly string[];
  /** The optimizer's compiled rule; plain GD when absent. */
  readonly optimizer?: CompiledOptimizer;
}

/** The compiled rule a kernel runs: the objective's optimizer, or GD. */
export function kernelOptimizer(objective: KernelObjective): CompiledOptimizer {
  return objective.optimizer ?? compileOptimizer(DEFAULT_OPTIMIZER);
}

/**
 * How heavy the objective's step is, in DAG nodes: those its gradient and its Hessian-vector product
 * need (0 for a hand-written objective, which has no DAG), the product counted whether or not a run
 * computes the exponent, as a measure of the objective's size. forStep of kernel-variant.ts reads it.
 * On SwiftShader, one step per trip ran the gallery's network (421 nodes) as fast as four, and without
 * the exponent its basin kernel compiled in 0.6 rather than 1.7 s; a sum of six tanh terms (205
 * nodes) it ran 8–14% slower.
 */
export function stepNodes(objective: Pick<CompiledObjective, 'graph'>): number {
  const g = objective.graph;
  if (!g) return 0;
  let n = 0;
  for (const m of g.dag.reachable([...g.grad, ...g.hvp])) n += m;
  return n;
}

/** What tells compiled kernels apart: the objective's WGSL and the optimizer's rule. */
export function kernelKey(objective: KernelObjective): string {
  return `${kernelOptimizer(objective).key}|${objective.wgsl}`;
}

/**
 * The parts of a run as entry points, with the flags each passes to the kernel's
 * `advance(gid, groups, tangent, growth, testing, mixed)`: the tangent map on (k ≥ W0, the start of
 * its warm-up), which half of the averaging window (0: neither), the period test (the tail), or any
 * range of iterations (mixed).
 * Generated for the basin and ensemble kernels alike, so a part's flags are written once.
 */
const PART_FLAGS = {
  plain: [false, 0, false, false],
  warm: [true, 0, false, false],
  growth1: [true, 1, false, false],
  growth2: [true, 2, false, false],
  tail: [false, 0, true, false],
  mixed: [false, 0, false, true],
} as const satisfies Partial<Record<Phase, readonly [boolean, number, boolean, boolean]>>;

/** WGSL of the part entry points (PART_FLAGS). */
export function partEntryPoints(): string {
  return Object.entries(PART_FLAGS)
    .map(
      ([name, [tangent, growth, testing, mixed]]) =>
        `@compute @workgroup_size(WORKGROUP_SIZE)\n` +
        `fn ${name}(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {\n` +
        `  advance(gid, groups, ${tangent}, ${growth}u, ${testing}, ${mixed});\n}`,
    )
    .join('\n');
}

/** The trajectory's sizes for a kernel objective (Traj and Sample layouts). */
export function kernelDims(objective: KernelObjective): StateSize {
  return stateSize(kernelOptimizer(objective), objective.dim);
}

/** The generated declarations every GD kernel shares: Record, Traj, the AxisKind codes and period constants. */
export function coreStructs(): string {
  return [
    wgslStruct('Record', RECORD_STRUCT_FIELDS),
    wgslStruct('Traj', TRAJ_FIELDS),
    ...Object.entries(AxisKind).map(([k, v]) => `const AXIS_${k}: u32 = ${v}u;`),
    periodConstants(),
  ].join('\n');
}

/** The GD core's sources, left out of a kernel built without it. */
const CORE_PARTS = new Set([
  'shaders/gd-core.wgsl',
  'shaders/gd-tail.wgsl',
  'shaders/gd-escape.wgsl',
  'shaders/gd-outcome.wgsl',
]);

/**
 * The shader parts of a GD kernel behind an objective: the objective block (the only text derived
 * from user input, and that only through the objective compiler), the Vec helpers for its DIM, the
 * optimizer's state helpers and step, the record constants, the generated structs, the GD core with
 * its tail, rule 2 and end of run (shaders/gd-tail.wgsl, gd-escape.wgsl, gd-outcome.wgsl; unless `core` is false), then
 * the kernel.
 */
export function kernelParts(
  objective: KernelObjective,
  kernel: {
    name: string;
    code: string;
    structs: string;
    readers: readonly string[];
    /**
     * false: no GD core; a string: WGSL replacing shaders/gd-core.wgsl and gd-tail.wgsl (kernel
     * experiments).
     */
    core?: boolean | string;
  },
): ShaderPart[] {
  const parts: ShaderPart[] = [
    { name: 'objective (generated)', code: objective.wgsl },
    {
      name: 'Vec helpers (generated)',
      code: vecHelpers(objective.dim, objective.params.length, kernel.readers),
    },
    {
      name: 'optimizer (generated)',
      code: `${stateHelpers(kernelOptimizer(objective), objective.dim, kernel.readers)}\n${optimizerWgsl(kernelOptimizer(objective), objective.dim)}`,
    },
    { name: 'shaders/record.wgsl', code: recordWgsl },
    { name: 'structs (generated)', code: `${coreStructs()}\n${kernel.structs}` },
    { name: 'shaders/period.wgsl', code: periodWgsl },
    { name: 'shaders/gd-core.wgsl', code: typeof kernel.core === 'string' ? kernel.core : coreWgsl },
    ...(typeof kernel.core === 'string' ? [] : [{ name: 'shaders/gd-tail.wgsl', code: tailWgsl }]),
    { name: 'shaders/gd-escape.wgsl', code: escapeWgsl },
    { name: 'shaders/gd-outcome.wgsl', code: outcomeWgsl },
    { name: kernel.name, code: kernel.code },
  ];
  return kernel.core === false
    ? parts.filter((p) => !CORE_PARTS.has(p.name))
    : [...parts, { name: 'part entry points (generated)', code: partEntryPoints() }];
}

/** Workgroup counts for `count` invocations: 2-D when one dimension's limit is too small. */
export function dispatchSize(count: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP_SIZE));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) throw new RangeError(`${count} invocations exceed ${maxPerDim}² workgroups`);
  return [maxPerDim, y];
}

/** The buffers one bind group of the basin pass covers. */
export interface BasinBuffers {
  uniforms: GPUBuffer;
  /** Slots of DispatchParams, DISPATCH_SLOT_BYTES apart. */
  dispatch: GPUBuffer;
  base: GPUBuffer;
  state: GPUBuffer;
  records: GPUBuffer;
  summary: GPUBuffer;
  lyap: GPUBuffer;
}

const BASIN_PHASES: readonly Phase[] = [
  'plain',
  'warm',
  'growth1',
  'growth2',
  'tail',
  'mixed',
  'whole',
  'escape',
];

export class BasinPass {
  readonly bindGroupLayout: GPUBindGroupLayout;

  /** Compiles the kernel for `objective` (ShaderCompileError on failure) and builds its pipelines. */
  static async create(
    device: GPUDevice,
    objective: KernelObjective,
    options: { lyapunov: boolean; kernel?: string; core?: string; bare?: boolean; escapeStride?: number },
  ): Promise<BasinPass> {
    const module = await createShaderModule(
      device,
      options.bare ? 'BarePass.module' : 'BasinPass.module',
      kernelParts(objective, {
        name: options.bare ? 'shaders/bare.wgsl' : 'shaders/basin.wgsl',
        code: options.bare ? bareWgsl : (options.kernel ?? basinWgsl),
        core: options.bare ? false : (options.core ?? true),
        structs: [
          wgslStruct('BasinUniforms', BASIN_UNIFORM_FIELDS),
          wgslStruct('DispatchParams', DISPATCH_FIELDS),
        ].join('\n'),
        readers: ['base'],
      }),
    );
    const { layout, pipelineLayout } = bufferLayouts(device, 'BasinPass', [
      [BASIN_BINDINGS.uniforms, 'uniform'],
      [BASIN_BINDINGS.dispatch, 'uniform', true],
      [BASIN_BINDINGS.base, 'read-only-storage'],
      [BASIN_BINDINGS.state, 'storage'],
      [BASIN_BINDINGS.records, 'storage'],
      [BASIN_BINDINGS.summary, 'storage'],
      [BASIN_BINDINGS.lyap, 'storage'],
    ]);
    const constants: Record<string, number> = options.bare
      ? { WORKGROUP_SIZE }
      : {
          WORKGROUP_SIZE,
          LYAPUNOV: options.lyapunov ? 1 : 0,
          LYAPUNOV_WARMUP,
          GROWTH_MIN_HALF,
          GROWTH_EXP_CAP,
          GROWTH_TAIL: GROWTH_TAIL_SHARE,
          ESCAPE_STRIDE: options.escapeStride ?? 1,
        };
    return new BasinPass(device, layout, pipelineLayout, module, constants, !!options.bare);
  }

  /** Pipelines by entry point and variant, created on first use (a run needs one to four of them). */
  private readonly pipelines: PipelineCache;

  /** A pipeline's key and override constants (the bare kernel has none of the variant's). */
  private pipeline(phase: Phase, v: KernelVariant): { key: string; constants: Record<string, number> } {
    if (this.bare) return { key: phase, constants: this.constants };
    // `escape` replays and writes a diverged record: one pipeline whatever the geometry.
    const general = phase === 'escape';
    const fused = phase === 'whole' || phase === 'mixed';
    const core = coreOverrides(general ? GENERAL_GEOMETRY : v, fused);
    const constants = {
      ...this.constants,
      ...core,
      RECORDS: v.records ? 1 : 0,
      LYAP_WORDS: !v.records && v.lyapWords ? 1 : 0,
      // A whole run may leave its replays (rule 2, rule 3's divisor test) to the `escape` entry point,
      // dispatched after it.
      SETTLE: phase === 'whole' && v.escapePass ? 0 : core.SETTLE,
      // A whole run whose rule 2 is exact leaves rule 3's divisor test to `escape` too, which then finds
      // the candidates by their period.
      DIVISOR_SCAN: (phase === 'whole' || general) && divisorScan(v) ? 1 : 0,
    };
    return { key: pipelineKey(phase, constants), constants };
  }

  private constructor(
    private readonly device: GPUDevice,
    bindGroupLayout: GPUBindGroupLayout,
    layout: GPUPipelineLayout,
    module: GPUShaderModule,
    private readonly constants: Record<string, number>,
    /** Whether this pass is the bare kernel (one entry point, `run`). */
    readonly bare: boolean,
  ) {
    this.bindGroupLayout = bindGroupLayout;
    this.pipelines = new PipelineCache(device, layout, module, 'BasinPass');
  }

  /**
   * Creates the pipelines of these entry points, unless made already: each is compiled once, when a
   * run first needs it (on SwiftShader a pipeline takes about half a second to compile).
   */
  async prepare(
    phases: Iterable<Phase>,
    variant: KernelVariant = GENERAL_VARIANT,
    inline = false,
  ): Promise<void> {
    await Promise.all(
      [...new Set(phases)].map((phase) => {
        if (phase === 'run' ? !this.bare : this.bare || !BASIN_PHASES.includes(phase))
          throw new Error(`BasinPass: no entry point '${phase}'`);
        const { key, constants } = this.pipeline(phase, variant);
        return this.pipelines.prepare(key, phase, constants, inline);
      }),
    );
  }

  /** A bind group over one set of buffers (the dispatch slot is chosen per dispatch). */
  bind(buffers: BasinBuffers): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'BasinPass.bindGroup',
      layout: this.bindGroupLayout,
      entries: (['uniforms', 'dispatch', 'base', 'state', 'records', 'summary', 'lyap'] as const).map(
        (k) => ({
          binding: BASIN_BINDINGS[k],
          resource:
            k === 'dispatch'
              ? { buffer: buffers[k], size: uniformBytes(DISPATCH_FIELDS) }
              : { buffer: buffers[k] },
        }),
      ),
    });
  }

  /** Records one dispatch of `phase` over `count` pixels with the DispatchParams at byte `slotOffset`. */
  encode(
    pass: GPUComputePassEncoder,
    phase: Phase,
    bindGroup: GPUBindGroup,
    slotOffset: number,
    count: number,
    variant: KernelVariant = GENERAL_VARIANT,
  ): void {
    const pipeline = this.pipelines.get(this.pipeline(phase, variant).key);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [slotOffset]);
    // `escape` settles ESCAPE_STRIDE pixels per invocation.
    const invocations = phase === 'escape' ? Math.ceil(count / this.constants.ESCAPE_STRIDE) : count;
    const [x, y] = dispatchSize(invocations, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
  }
}
