/**
 * Draws a W×H buffer of packed RGBA8 pixels (one u32 each, row 0 = the bottom of the map, the
 * colour pass's layout) into a WebGPU canvas of the same size: one full-screen triangle whose
 * fragment shader reads the storage buffer, so the picture never leaves GPU memory.
 */
const BLIT_WGSL = /* wgsl */ `
struct Dims { width: u32, height: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> pixels: array<u32>;

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  let p = vec2f(f32((i << 1u) & 2u), f32(i & 2u));
  return vec4f(p * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let x = min(u32(pos.x), dims.width - 1u);
  // Canvas row 0 is the top; the map's row 0 is the bottom.
  let y = dims.height - 1u - min(u32(pos.y), dims.height - 1u);
  return unpack4x8unorm(pixels[y * dims.width + x]);
}
`;

export class CanvasBlit {
  private readonly pipeline: GPURenderPipeline;
  private readonly uniforms: GPUBuffer;
  private configured = new WeakMap<GPUCanvasContext, GPUDevice>();

  constructor(
    private readonly device: GPUDevice,
    /** Canvas format: rgba8unorm is accepted everywhere and matches the packed bytes' order. */
    private readonly format: GPUTextureFormat = 'rgba8unorm',
  ) {
    const module = device.createShaderModule({ label: 'CanvasBlit.module', code: BLIT_WGSL });
    this.pipeline = device.createRenderPipeline({
      label: 'CanvasBlit.pipeline',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.uniforms = device.createBuffer({
      label: 'CanvasBlit.uniforms',
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Records the draw of `pixels` (W×H packed RGBA) into the canvas's current texture. */
  draw(canvas: HTMLCanvasElement, pixels: GPUBuffer, width: number, height: number): void {
    const ctx = canvas.getContext('webgpu');
    if (!ctx) throw new Error('this canvas has no WebGPU context');
    if (this.configured.get(ctx) !== this.device) {
      ctx.configure({ device: this.device, format: this.format, alphaMode: 'opaque' });
      this.configured.set(ctx, this.device);
    }
    this.device.queue.writeBuffer(this.uniforms, 0, new Uint32Array([width, height, 0, 0]));
    const bind = this.device.createBindGroup({
      label: 'CanvasBlit.bind',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms } },
        { binding: 1, resource: { buffer: pixels } },
      ],
    });
    const encoder = this.device.createCommandEncoder({ label: 'CanvasBlit.encoder' });
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        {
          view: ctx.getCurrentTexture().createView(),
          loadOp: 'clear',
          storeOp: 'store',
          clearValue: [0, 0, 0, 1],
        },
      ],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.draw(3);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  dispose(): void {
    this.uniforms.destroy();
  }
}
