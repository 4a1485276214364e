/**
 * The colour pass: GPU stage mapping records to RGBA8 by field and colormap (shaders/colour.wgsl),
 * so recolouring never reruns GD. `GpuColouriser` runs it over a whole result, uploading its records
 * in tiles of whole rows within the device's binding limits.
 */
import colourWgsl from '../../shaders/colour.wgsl?raw';
import recordWgsl from '../../shaders/record.wgsl?raw';
import { fieldCode, lutWords, paletteWords, PALETTE_FIXED, type ColourSettings } from '../colormaps.ts';
import { RECORD_BYTES, RECORD_WORDS, type RecordColumns } from '../core/outcome.ts';
import { dispatchSize } from './basin-pass.ts';
import {
  COLOUR_BINDINGS,
  COLOUR_UNIFORM_BYTES,
  COLOUR_UNIFORM_FIELDS,
  packUniforms,
  WORKGROUP_SIZE,
} from './layouts.ts';
import { createBuffers, createComputePipeline, createShaderModule } from './shader.ts';

export class ColourPass {
  readonly bindGroupLayout: GPUBindGroupLayout;

  /** Compiles the colour kernel (ShaderCompileError on failure) and builds its pipeline. */
  static async create(device: GPUDevice): Promise<ColourPass> {
    const module = await createShaderModule(device, 'ColourPass.module', [
      { name: 'shaders/record.wgsl', code: recordWgsl },
      { name: 'shaders/colour.wgsl', code: colourWgsl },
    ]);
    const storage = (type: GPUBufferBindingType) => ({
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    });
    const bindGroupLayout = device.createBindGroupLayout({
      label: 'ColourPass.bindGroupLayout',
      entries: [
        { binding: COLOUR_BINDINGS.uniforms, ...storage('uniform') },
        { binding: COLOUR_BINDINGS.records, ...storage('read-only-storage') },
        { binding: COLOUR_BINDINGS.lut, ...storage('read-only-storage') },
        { binding: COLOUR_BINDINGS.palette, ...storage('read-only-storage') },
        { binding: COLOUR_BINDINGS.pixels, ...storage('storage') },
      ],
    });
    const pipeline = await createComputePipeline(device, {
      label: 'ColourPass.pipeline',
      layout: device.createPipelineLayout({
        label: 'ColourPass.pipelineLayout',
        bindGroupLayouts: [bindGroupLayout],
      }),
      compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE } },
    });
    return new ColourPass(device, bindGroupLayout, pipeline);
  }

  private constructor(
    private readonly device: GPUDevice,
    bindGroupLayout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {
    this.bindGroupLayout = bindGroupLayout;
  }

  /** A bind group: records of a tile of rows in, RGBA8 words of the whole picture out. */
  bind(buffers: {
    uniforms: GPUBuffer;
    records: GPUBuffer;
    lut: GPUBuffer;
    palette: GPUBuffer;
    pixels: GPUBuffer;
  }): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'ColourPass.bindGroup',
      layout: this.bindGroupLayout,
      entries: (['uniforms', 'records', 'lut', 'palette', 'pixels'] as const).map((k) => ({
        binding: COLOUR_BINDINGS[k],
        resource: { buffer: buffers[k] },
      })),
    });
  }

  /** Records the pass over `count` records (the uniforms' width × rows). */
  encode(encoder: GPUCommandEncoder, bindGroup: GPUBindGroup, count: number): void {
    const pass = encoder.beginComputePass({ label: 'ColourPass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y] = dispatchSize(count, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }
}

/** The uniforms of one colour dispatch over rows j0 … j0 + rows - 1. */
export function colourUniforms(
  s: ColourSettings,
  width: number,
  height: number,
  j0: number,
  rows: number,
  flip: boolean,
): ArrayBuffer {
  return packUniforms(
    COLOUR_UNIFORM_FIELDS,
    {
      width,
      height,
      j0,
      rows,
      field: fieldCode(s.field),
      log: s.log ? 1 : 0,
      lo: s.range[0],
      hi: s.range[1],
      iterations: s.iterations,
      flip: flip ? 1 : 0,
      lyap_scale: s.lyapScale,
      palette_len: paletteWords().length - PALETTE_FIXED,
    },
    COLOUR_UNIFORM_BYTES,
  );
}

/** Records of rows j0 … j0 + rows - 1 in the GPU's Record layout (the inverse of parseRecords). */
export function packRecords(c: RecordColumns, j0: number, rows: number): ArrayBuffer {
  const n = rows * c.width;
  const buf = new ArrayBuffer(n * RECORD_BYTES);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  const start = j0 * c.width;
  for (let i = 0; i < n; i++) {
    const k = start + i;
    const b = i * RECORD_WORDS;
    u[b] = c.outcome[k];
    u[b + 1] = c.iter[k];
    u[b + 2] = c.period[k];
    f[b + 4] = c.lyapunov[k];
    f[b + 5] = c.f[k];
    f[b + 6] = c.sharpness[k];
    f[b + 7] = c.obs0[k];
    f[b + 8] = c.obs1[k];
    f[b + 9] = c.final0[k];
    f[b + 10] = c.final1[k];
  }
  return buf;
}

/**
 * Colours whole results on the GPU: records uploaded in tiles of rows, one RGBA8 buffer out, read
 * back as image-order pixels (top row first, as the CPU colourPixels gives them).
 */
export class GpuColouriser {
  private pass: Promise<ColourPass> | null = null;
  constructor(
    private readonly device: GPUDevice,
    /** Caps the binding size, to exercise tiling (as GpuEngineOptions.maxBindingBytes). */
    private readonly maxBindingBytes = Infinity,
  ) {}

  async colour(c: RecordColumns, s: ColourSettings, flip = true): Promise<Uint8ClampedArray> {
    this.pass ??= ColourPass.create(this.device);
    const pass = await this.pass;
    const { width: W, height: H } = c;
    const binding = Math.min(this.maxBindingBytes, this.device.limits.maxStorageBufferBindingSize);
    const rows = Math.max(1, Math.min(H, Math.floor(binding / (W * RECORD_BYTES))));
    const lut = lutWords(s.colormap);
    const palette = paletteWords();
    const b = await createBuffers(this.device, `colouring a ${W}×${H} picture`, {
      uniforms: {
        label: 'GpuColouriser.uniforms',
        size: COLOUR_UNIFORM_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      },
      records: {
        label: 'GpuColouriser.records',
        size: rows * W * RECORD_BYTES,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      lut: {
        label: 'GpuColouriser.lut',
        size: lut.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      palette: {
        label: 'GpuColouriser.palette',
        size: palette.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      },
      pixels: {
        label: 'GpuColouriser.pixels',
        size: W * H * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      },
      readback: {
        label: 'GpuColouriser.readback',
        size: W * H * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      },
    });
    try {
      this.device.queue.writeBuffer(b.lut, 0, lut);
      this.device.queue.writeBuffer(b.palette, 0, palette);
      const bindGroup = pass.bind(b);
      for (let j0 = 0; j0 < H; j0 += rows) {
        const n = Math.min(rows, H - j0);
        this.device.queue.writeBuffer(b.uniforms, 0, colourUniforms(s, W, H, j0, n, flip));
        this.device.queue.writeBuffer(b.records, 0, packRecords(c, j0, n));
        const encoder = this.device.createCommandEncoder({ label: 'GpuColouriser.encoder' });
        pass.encode(encoder, bindGroup, n * W);
        if (j0 + n >= H) encoder.copyBufferToBuffer(b.pixels, 0, b.readback, 0, W * H * 4);
        this.device.queue.submit([encoder.finish()]);
      }
      await b.readback.mapAsync(GPUMapMode.READ);
      const out = new Uint8ClampedArray(b.readback.getMappedRange().slice(0));
      b.readback.unmap();
      return out;
    } finally {
      for (const buf of Object.values(b)) buf.destroy();
    }
  }
}
