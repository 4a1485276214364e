/**
 * The benchmark's ceiling: a bare GD kernel (shaders/bare.wgsl) behind the same compiled objective,
 * chunked like the basin pass, so that the basin engine's overhead (divergence test, period check,
 * Lyapunov exponent, records) can be measured against plain GD on the same backend.
 */
import bareWgsl from '../../shaders/bare.wgsl?raw';
import { dispatchSize, type KernelObjective } from './basin-pass.ts';
import { ChunkPlanner } from './chunk-planner.ts';
import {
  BARE_BINDINGS,
  BARE_UNIFORM_BYTES,
  BARE_UNIFORM_FIELDS,
  baseWords,
  packUniforms,
  WORKGROUP_SIZE,
} from './layouts.ts';
import { createBuffers, createComputePipeline, createShaderModule } from './shader.ts';

/** A W×H grid of starts over the first two coordinates, everything else from x0, h and p. */
export interface BareGrid {
  width: number;
  height: number;
  u: [number, number];
  v: [number, number];
  x0: number[];
  h: number[];
  p: number[];
  iterations: number;
}

export class BarePass {
  private constructor(
    private readonly device: GPUDevice,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipelines: { init: GPUComputePipeline; advance: GPUComputePipeline },
    private readonly dim: number,
  ) {}

  static async create(device: GPUDevice, objective: KernelObjective & { dim: number }): Promise<BarePass> {
    const module = await createShaderModule(device, 'BarePass.module', [
      { name: 'objective (generated)', code: objective.wgsl },
      { name: 'shaders/bare.wgsl', code: bareWgsl },
    ]);
    const entry = (binding: number, type: GPUBufferBindingType) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    });
    const layout = device.createBindGroupLayout({
      label: 'BarePass.bindGroupLayout',
      entries: [
        entry(BARE_BINDINGS.uniforms, 'uniform'),
        entry(BARE_BINDINGS.base, 'read-only-storage'),
        entry(BARE_BINDINGS.state, 'storage'),
      ],
    });
    const pipelineLayout = device.createPipelineLayout({
      label: 'BarePass.pipelineLayout',
      bindGroupLayouts: [layout],
    });
    const make = (entryPoint: 'init' | 'advance') =>
      createComputePipeline(device, {
        label: `BarePass.${entryPoint}`,
        layout: pipelineLayout,
        compute: { module, entryPoint, constants: { WORKGROUP_SIZE } },
      });
    return new BarePass(
      device,
      layout,
      { init: await make('init'), advance: await make('advance') },
      objective.dim,
    );
  }

  /** Runs the grid for `iterations` steps; resolves with the wall time in ms. */
  async run(grid: BareGrid, targetDispatchMs = 100): Promise<number> {
    const { device, dim } = this;
    const count = grid.width * grid.height;
    const base = new Float32Array(baseWords(dim, grid.p.length));
    base.set(grid.x0, 0);
    base.set(grid.h, dim);
    base.set(grid.p, 2 * dim);
    const b = await createBuffers(device, 'allocating the bare benchmark', {
      uniforms: {
        label: 'BarePass.uniforms',
        size: BARE_UNIFORM_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      },
      base: {
        label: 'BarePass.base',
        size: base.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      state: {
        label: 'BarePass.state',
        size: count * dim * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      },
      readback: {
        label: 'BarePass.readback',
        size: 16,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      },
    });
    try {
      device.queue.writeBuffer(b.base, 0, base);
      const bindGroup = device.createBindGroup({
        label: 'BarePass.bindGroup',
        layout: this.layout,
        entries: (['uniforms', 'base', 'state'] as const).map((k) => ({
          binding: BARE_BINDINGS[k],
          resource: { buffer: b[k] },
        })),
      });
      const [x, y] = dispatchSize(count, device.limits.maxComputeWorkgroupsPerDimension);
      const t0 = performance.now();
      const planner = new ChunkPlanner(Math.max(1, Math.floor(2 ** 18 / count)), targetDispatchMs);
      for (let k0 = 0; k0 < grid.iterations;) {
        const steps = Math.min(planner.chunk, grid.iterations - k0);
        device.queue.writeBuffer(
          b.uniforms,
          0,
          packUniforms(
            BARE_UNIFORM_FIELDS,
            {
              count,
              steps,
              width: grid.width,
              spare: 0,
              u_min: grid.u[0],
              u_step: (grid.u[1] - grid.u[0]) / grid.width,
              v_min: grid.v[0],
              v_step: (grid.v[1] - grid.v[0]) / grid.height,
            },
            BARE_UNIFORM_BYTES,
          ),
        );
        const encoder = device.createCommandEncoder({ label: 'BarePass.encoder' });
        const pass = encoder.beginComputePass({ label: 'BarePass' });
        pass.setBindGroup(0, bindGroup);
        if (k0 === 0) {
          pass.setPipeline(this.pipelines.init);
          pass.dispatchWorkgroups(x, y);
        }
        pass.setPipeline(this.pipelines.advance);
        pass.dispatchWorkgroups(x, y);
        pass.end();
        // The result is read back, as the engine reads its records, so no work can be skipped.
        if (k0 + steps >= grid.iterations) encoder.copyBufferToBuffer(b.state, 0, b.readback, 0, 16);
        const started = performance.now();
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
        planner.record(steps, performance.now() - started, k0 === 0);
        k0 += steps;
      }
      await b.readback.mapAsync(GPUMapMode.READ);
      b.readback.unmap();
      return performance.now() - t0;
    } finally {
      for (const buf of Object.values(b)) buf.destroy();
    }
  }
}
