/**
 * The basin pass: GPU stage that runs one GD trajectory per pixel of a tile and writes its Record.
 * The kernel is shaders/basin.wgsl behind the compiled objective; `init`, `advance` (a bounded
 * number of iterations per dispatch) and `finish` (classification) share one bind group.
 */
import basinWgsl from '../../shaders/basin.wgsl?raw';
import recordWgsl from '../../shaders/record.wgsl?raw';
import { GROWTH_EXP_CAP, GROWTH_MIN_HALF } from '../core/outcome.ts';
import { BASIN_BINDINGS, WORKGROUP_SIZE } from './layouts.ts';
import { createComputePipeline, createShaderModule, type ShaderPart } from './shader.ts';

/** What the basin pass needs of a compiled objective. */
export interface KernelObjective {
  /** The generated WGSL block (see src/objective/types.ts). */
  readonly wgsl: string;
}

/** Shader parts of a kernel behind an objective: the only spliced text is the generated block. */
export function kernelParts(objective: KernelObjective, kernelName: string, kernel: string): ShaderPart[] {
  return [
    { name: 'objective (generated)', code: objective.wgsl },
    { name: 'shaders/record.wgsl', code: recordWgsl },
    { name: kernelName, code: kernel },
  ];
}

/** Workgroup counts for `count` invocations: 2-D when one dimension's limit is too small. */
export function dispatchSize(count: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP_SIZE));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) throw new RangeError(`${count} invocations exceed ${maxPerDim}² workgroups`);
  return [maxPerDim, y];
}

export type BasinStage = 'init' | 'advance' | 'finish';

export class BasinPass {
  readonly bindGroupLayout: GPUBindGroupLayout;
  private readonly pipelines: Record<BasinStage, GPUComputePipeline>;

  /** Compiles the kernel for `objective` (ShaderCompileError on failure) and builds its pipelines. */
  static async create(
    device: GPUDevice,
    objective: KernelObjective,
    options: { lyapunov: boolean; kernel?: string },
  ): Promise<BasinPass> {
    const module = await createShaderModule(
      device,
      'BasinPass.module',
      kernelParts(objective, 'shaders/basin.wgsl', options.kernel ?? basinWgsl),
    );
    const bindGroupLayout = device.createBindGroupLayout({
      label: 'BasinPass.bindGroupLayout',
      entries: [
        { binding: BASIN_BINDINGS.uniforms, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        {
          binding: BASIN_BINDINGS.base,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'read-only-storage' },
        },
        { binding: BASIN_BINDINGS.state, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: BASIN_BINDINGS.records, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    const layout = device.createPipelineLayout({
      label: 'BasinPass.pipelineLayout',
      bindGroupLayouts: [bindGroupLayout],
    });
    const constants = { WORKGROUP_SIZE, LYAPUNOV: options.lyapunov ? 1 : 0, GROWTH_MIN_HALF, GROWTH_EXP_CAP };
    const make = (entryPoint: BasinStage) =>
      createComputePipeline(device, {
        label: `BasinPass.${entryPoint}`,
        layout,
        compute: { module, entryPoint, constants },
      });
    const [init, advance, finish] = await Promise.all([make('init'), make('advance'), make('finish')]);
    return new BasinPass(device, bindGroupLayout, { init, advance, finish });
  }

  private constructor(
    private readonly device: GPUDevice,
    bindGroupLayout: GPUBindGroupLayout,
    pipelines: Record<BasinStage, GPUComputePipeline>,
  ) {
    this.bindGroupLayout = bindGroupLayout;
    this.pipelines = pipelines;
  }

  /** A bind group over one tile's buffers. */
  bind(buffers: {
    uniforms: GPUBuffer;
    base: GPUBuffer;
    state: GPUBuffer;
    records: GPUBuffer;
  }): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'BasinPass.bindGroup',
      layout: this.bindGroupLayout,
      entries: (['uniforms', 'base', 'state', 'records'] as const).map((k) => ({
        binding: BASIN_BINDINGS[k],
        resource: { buffer: buffers[k] },
      })),
    });
  }

  /** Records one dispatch of `stage` over `count` pixels (the uniforms must say the same count). */
  encode(encoder: GPUCommandEncoder, stage: BasinStage, bindGroup: GPUBindGroup, count: number): void {
    const pass = encoder.beginComputePass({ label: `BasinPass.${stage}` });
    pass.setPipeline(this.pipelines[stage]);
    pass.setBindGroup(0, bindGroup);
    const [x, y] = dispatchSize(count, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }
}
