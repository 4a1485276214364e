/**
 * Draws a W×H buffer of packed RGBA8 pixels (one u32 each, row 0 = the bottom of the map, the
 * colour pass's layout) into a WebGPU canvas: a quad whose vertex stage places the picture's unit
 * square with a view matrix (src/ui/shared/view-matrix.ts) and whose fragment shader reads the
 * storage buffer at the nearest pixel, so the picture never leaves GPU memory and a zoom or pan
 * moves it at once. Outside the quad the canvas is transparent (the map's background shows).
 *
 * The matrix of a canvas is set with `setCanvasView` by whoever owns the canvas (the map), and is
 * read on every draw, so the backend that draws needs to know nothing of views.
 */
import blitWgsl from '../../../shaders/blit.wgsl?raw';
import { FILL_MATRIX } from '../shared/view-matrix.ts';

/** Bytes of the uniform block: mat4x4f, two u32, padded to the struct's 16-byte alignment. */
const UNIFORM_BYTES = 80;

const views = new WeakMap<HTMLCanvasElement, Float32Array>();

/** The matrix the next draws into `canvas` use (see src/ui/shared/view-matrix.ts). */
export function setCanvasView(canvas: HTMLCanvasElement, matrix: Float32Array): void {
  views.set(canvas, matrix);
}

/** The WebGPU context of each canvas drawn into, and the device it is configured for. */
const contexts = new WeakMap<HTMLCanvasElement, GPUCanvasContext>();
const configured = new WeakMap<GPUCanvasContext, GPUDevice>();

/**
 * Frees the textures of a canvas drawn into (unconfigure); the next draw configures it again. A
 * canvas never drawn into is left alone: asking it for a WebGPU context would give it one.
 */
export function releaseCanvas(canvas: HTMLCanvasElement): void {
  const ctx = contexts.get(canvas);
  if (!ctx) return;
  ctx.unconfigure();
  configured.delete(ctx);
}

export class CanvasBlit {
  private readonly pipeline: GPURenderPipeline;
  private readonly uniforms: GPUBuffer;
  /** The uniform block as written, reused by every draw: the matrix, then the picture's size. */
  private readonly block = new ArrayBuffer(UNIFORM_BYTES);
  private readonly matrixWords = new Float32Array(this.block, 0, 16);
  private readonly sizeWords = new Uint32Array(this.block, 64, 2);
  /**
   * The bind group of each picture buffer drawn: a pan or zoom redraws the same picture every
   * animation frame, and the lab's picture buffers come from a pool, so a draw creates no object.
   */
  private readonly binds = new WeakMap<GPUBuffer, GPUBindGroup>();

  constructor(
    private readonly device: GPUDevice,
    /** Canvas format: rgba8unorm is accepted everywhere and matches the packed bytes' order. */
    private readonly format: GPUTextureFormat = 'rgba8unorm',
  ) {
    const module = device.createShaderModule({ label: 'CanvasBlit.module', code: blitWgsl });
    this.pipeline = device.createRenderPipeline({
      label: 'CanvasBlit.pipeline',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.uniforms = device.createBuffer({
      label: 'CanvasBlit.uniforms',
      size: UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Draws `pixels` (W×H packed RGBA) into the canvas, placed by the canvas's view matrix. */
  draw(canvas: HTMLCanvasElement, pixels: GPUBuffer, width: number, height: number): void {
    const ctx = canvas.getContext('webgpu');
    if (!ctx) throw new Error('this canvas has no WebGPU context');
    contexts.set(canvas, ctx);
    if (configured.get(ctx) !== this.device) {
      ctx.configure({ device: this.device, format: this.format, alphaMode: 'premultiplied' });
      configured.set(ctx, this.device);
    }
    const encoder = this.device.createCommandEncoder({ label: 'CanvasBlit.encoder' });
    this.encode(encoder, ctx.getCurrentTexture().createView(), pixels, width, height, views.get(canvas));
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Records the draw into any render target of the blit's format (the canvas's texture, or a test's).
   * The uniforms are written now, so submit before the next encode.
   */
  encode(
    encoder: GPUCommandEncoder,
    target: GPUTextureView,
    pixels: GPUBuffer,
    width: number,
    height: number,
    matrix: Float32Array = FILL_MATRIX,
  ): void {
    this.matrixWords.set(matrix);
    this.sizeWords[0] = width;
    this.sizeWords[1] = height;
    this.device.queue.writeBuffer(this.uniforms, 0, this.block);
    let bind = this.binds.get(pixels);
    if (!bind) {
      bind = this.device.createBindGroup({
        label: 'CanvasBlit.bind',
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniforms } },
          { binding: 1, resource: { buffer: pixels } },
        ],
      });
      this.binds.set(pixels, bind);
    }
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.draw(6);
    pass.end();
  }

  dispose(): void {
    this.uniforms.destroy();
  }
}
