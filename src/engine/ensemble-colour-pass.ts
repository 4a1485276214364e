/**
 * The colour stage of an ensemble (shaders/ensemble-colour.wgsl): a bifurcation diagram's counts,
 * left on the GPU by the run, to the picture renderBifurcation draws (an attractor's, to
 * renderAttractor's), with the columns' and the image's largest counts reduced there too, so a
 * picture brings back its pixels and nothing else.
 *
 * Precision: the density's LUT index is renderBifurcation's round(255 · log1p(v) / log1p(top)) in
 * f32, not float64; chosen over exactness, which would need the float64 thresholds of every column's
 * top on the host, i.e. the maxima read back between the reduction and the colouring and 255
 * thresholds a column uploaded. f32 lands one LUT step off where the exact quotient lies within ~1e-4
 * of a half step: exact ties such as top = (1 + v)² - 1, where the float64 quotient's last bit
 * decides ((2, 8) gives 127.49999999999997, (3, 15) 127.5), and near ties such as (6, 9) at
 * 215.5000002: 2 of the 4656 pairs up to a top of 96 (those two), none in a 40-column diagram.
 * tests/ensemble-colour-gpu.test.ts holds the stage to renderBifurcation: strips and separators the
 * same bytes, every density pixel the same or one LUT entry off, at most ENSEMBLE_COLOUR_TOLERANCE
 * of them off.
 */
import ensembleColourWgsl from '../../shaders/ensemble-colour.wgsl?raw';
import type { BifurcationResult } from '../core/ensemble.ts';
import { dispatchSize } from './basin-pass.ts';
import {
  ENSEMBLE_COLOUR_BINDINGS,
  ENSEMBLE_COLOUR_UNIFORM_FIELDS,
  WORKGROUP_SIZE,
} from './bifurcation-layout.ts';
import {
  colourLut,
  DEFAULT_STRIP_ROWS,
  densityTopOf,
  pack,
  stripWords,
  type BifurcationColours,
  type BifurcationRenderOptions,
  type RgbaImage,
} from './bifurcation-render.ts';
import type { BufferPool } from './buffer-pool.ts';
import { bufferLayouts, createComputePipeline, createShaderModule } from './shader.ts';
import { packUniforms, uniformBytes, wgslStruct } from './wgsl-struct.ts';

/** Density pixels that may be one LUT entry off renderBifurcation's (see the precision note above). */
export const ENSEMBLE_COLOUR_TOLERANCE = 0.002;

/** The buffers of one picture. */
export interface EnsembleColourBuffers {
  counts: GPUBuffer;
  /** columns + 1 words, STORAGE | COPY_DST (cleared by encode). */
  maxima: GPUBuffer;
  strips: GPUBuffer;
  pixels: GPUBuffer;
}

/** One picture's geometry, as renderBifurcation lays it out. */
export interface EnsembleColourJob {
  columns: number;
  rows: number;
  stripRows: number;
  perColumn: boolean;
  /** The empty colour (cells without counts, separators), an RGBA8 word. */
  empty: number;
}

export class EnsembleColourPass {
  private constructor(
    private readonly device: GPUDevice,
    private readonly layout: GPUBindGroupLayout,
    private readonly maximaPipeline: GPUComputePipeline,
    private readonly colourPipeline: GPUComputePipeline,
    /** The uniforms and the colormap of the picture being encoded: one picture at a time is encoded. */
    private readonly uniforms: GPUBuffer,
    private readonly lut: GPUBuffer,
  ) {}

  /** Compiles the stage (ShaderCompileError on failure) and makes its uniform and LUT buffers. */
  static async create(device: GPUDevice): Promise<EnsembleColourPass> {
    const module = await createShaderModule(device, 'EnsembleColourPass.module', [
      {
        name: 'structs (generated)',
        code: wgslStruct('EnsembleColourUniforms', ENSEMBLE_COLOUR_UNIFORM_FIELDS),
      },
      { name: 'shaders/ensemble-colour.wgsl', code: ensembleColourWgsl },
    ]);
    const B = ENSEMBLE_COLOUR_BINDINGS;
    const { layout, pipelineLayout } = bufferLayouts(device, 'EnsembleColourPass', [
      [B.uniforms, 'uniform'],
      [B.counts, 'read-only-storage'],
      [B.maxima, 'storage'],
      [B.lut, 'read-only-storage'],
      [B.strips, 'read-only-storage'],
      [B.pixels, 'storage'],
    ]);
    const pipeline = (entryPoint: string) =>
      createComputePipeline(device, {
        label: `EnsembleColourPass.${entryPoint}`,
        layout: pipelineLayout,
        compute: { module, entryPoint, constants: { WORKGROUP_SIZE } },
      });
    const [maxima, colour] = await Promise.all([pipeline('column_maxima'), pipeline('colour')]);
    const uniforms = device.createBuffer({
      label: 'EnsembleColourPass.uniforms',
      size: uniformBytes(ENSEMBLE_COLOUR_UNIFORM_FIELDS),
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const lut = device.createBuffer({
      label: 'EnsembleColourPass.lut',
      size: 256 * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    return new EnsembleColourPass(device, layout, maxima, colour, uniforms, lut);
  }

  /**
   * Records one picture: the maxima cleared and reduced, then every pixel coloured. Writes the
   * uniforms and the LUT (queued before the encoder's commands), so submit before encoding another.
   */
  encode(
    encoder: GPUCommandEncoder,
    buffers: EnsembleColourBuffers,
    job: EnsembleColourJob,
    lut: Uint32Array,
  ): void {
    const { device } = this;
    const W = job.columns;
    const densityTop = densityTopOf(job.stripRows);
    const height = densityTop + job.rows;
    device.queue.writeBuffer(
      this.uniforms,
      0,
      packUniforms(
        ENSEMBLE_COLOUR_UNIFORM_FIELDS,
        {
          columns: W,
          rows: job.rows,
          strip_rows: job.stripRows,
          density_top: densityTop,
          height,
          per_column: job.perColumn ? 1 : 0,
          empty: job.empty,
        },
        uniformBytes(ENSEMBLE_COLOUR_UNIFORM_FIELDS),
      ),
    );
    device.queue.writeBuffer(this.lut, 0, lut);
    const resources: Record<keyof typeof ENSEMBLE_COLOUR_BINDINGS, GPUBuffer> = {
      uniforms: this.uniforms,
      lut: this.lut,
      ...buffers,
    };
    const bind = device.createBindGroup({
      label: 'EnsembleColourPass.bindGroup',
      layout: this.layout,
      entries: Object.entries(ENSEMBLE_COLOUR_BINDINGS).map(([k, binding]) => ({
        binding,
        resource: { buffer: resources[k as keyof typeof resources] },
      })),
    });
    // The image's maximum is an atomicMax from zero.
    encoder.clearBuffer(buffers.maxima, 0, 4 * (W + 1));
    const pass = encoder.beginComputePass({ label: 'EnsembleColourPass' });
    pass.setBindGroup(0, bind);
    const max = device.limits.maxComputeWorkgroupsPerDimension;
    pass.setPipeline(this.maximaPipeline);
    pass.dispatchWorkgroups(...dispatchSize(W, max));
    pass.setPipeline(this.colourPipeline);
    pass.dispatchWorkgroups(...dispatchSize(W * height, max));
    pass.end();
  }

  dispose(): void {
    this.uniforms.destroy();
    this.lut.destroy();
  }
}

/**
 * The picture renderBifurcation draws of `result`, coloured on the GPU from `counts` (the run's
 * counts buffer, still holding `result`'s counts): see colourHeldCounts. Null for an image beyond
 * the binding limit, or where `current` says the counts changed hands.
 */
export function renderHeldCounts(
  device: GPUDevice,
  pass: EnsembleColourPass,
  pool: BufferPool,
  counts: GPUBuffer,
  result: Pick<BifurcationResult, 'plan' | 'stats'>,
  colours: BifurcationColours,
  options: BifurcationRenderOptions,
  current: () => boolean,
): Promise<RgbaImage | null> {
  const { columns: W, rows: H } = result.plan;
  const job: EnsembleColourJob = {
    columns: W,
    rows: H,
    stripRows: options.stripRows ?? DEFAULT_STRIP_ROWS,
    perColumn: options.normalise === 'column',
    empty: pack(colours.empty ?? [0, 0, 0]),
  };
  const strips = stripWords(result.stats, W, colours);
  return colourHeldCounts(device, pass, pool, counts, job, colourLut(colours), strips, current);
}

/**
 * The picture renderAttractor draws of a W × H attractor histogram (`bins`), coloured on the GPU from
 * `counts`, its run's counts buffer. An attractor is a one-column run whose rows are its cells,
 * cell (i, j) at j·W + i with j = 0 at the bottom: read as W columns of H rows without strips, that
 * is the diagram's layout, highest row first, so the stage draws renderAttractor's picture with one
 * global log scale and its LUT index, to the same f32 tolerance as a diagram's.
 */
export function renderHeldAttractor(
  device: GPUDevice,
  pass: EnsembleColourPass,
  pool: BufferPool,
  counts: GPUBuffer,
  bins: readonly [number, number],
  colours: Pick<BifurcationColours, 'colormap' | 'empty'>,
  current: () => boolean,
): Promise<RgbaImage | null> {
  const [W, H] = bins;
  const job: EnsembleColourJob = {
    columns: W,
    rows: H,
    stripRows: 0,
    perColumn: false,
    empty: pack(colours.empty ?? [0, 0, 0]),
  };
  // No strips are drawn, but the binding wants a buffer: one word.
  return colourHeldCounts(device, pass, pool, counts, job, colourLut(colours), new Uint32Array(1), current);
}

/**
 * Colours `counts` (job.columns × job.rows, row 0 the bottom) on the GPU and reads the picture back:
 * the maxima, strips, pixels and readback buffers come from `pool` and go back to it, so a second
 * picture of a size allocates nothing. `current` is asked once the buffers are in hand, just before
 * the commands are submitted: false (the counts were handed to another run meanwhile) gives null.
 * Null too for an image beyond the binding limit.
 */
async function colourHeldCounts(
  device: GPUDevice,
  pass: EnsembleColourPass,
  pool: BufferPool,
  counts: GPUBuffer,
  job: EnsembleColourJob,
  lut: Uint32Array,
  strips: Uint32Array,
  current: () => boolean,
): Promise<RgbaImage | null> {
  const W = job.columns;
  const densityTop = densityTopOf(job.stripRows);
  const height = densityTop + job.rows;
  const pixelBytes = 4 * W * height;
  if (pixelBytes > device.limits.maxStorageBufferBindingSize) return null;
  const storage = GPUBufferUsage.STORAGE;
  const acquired: GPUBuffer[] = [];
  const acquire = async (label: string, size: number, usage: number) => {
    const b = await pool.acquire(label, size, usage, `allocating ${label}`);
    acquired.push(b);
    return b;
  };
  try {
    const buffers: EnsembleColourBuffers = {
      counts,
      maxima: await acquire('EnsembleColour.maxima', 4 * (W + 1), storage | GPUBufferUsage.COPY_DST),
      strips: await acquire('EnsembleColour.strips', strips.byteLength, storage | GPUBufferUsage.COPY_DST),
      pixels: await acquire('EnsembleColour.pixels', pixelBytes, storage | GPUBufferUsage.COPY_SRC),
    };
    const readback = await acquire(
      'EnsembleColour.readback',
      pixelBytes,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    );
    // Nothing is awaited from here to the submit, so the counts cannot change hands in between, and
    // a later run's clearing of them is queued after these commands.
    if (!current()) return null;
    device.queue.writeBuffer(buffers.strips, 0, strips);
    const encoder = device.createCommandEncoder({ label: 'EnsembleColour' });
    pass.encode(encoder, buffers, job, lut);
    encoder.copyBufferToBuffer(buffers.pixels, 0, readback, 0, pixelBytes);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ, 0, pixelBytes);
    const rgba = new Uint8ClampedArray(readback.getMappedRange(0, pixelBytes).slice(0));
    readback.unmap();
    return { width: W, height, rgba, densityTop };
  } finally {
    for (const b of acquired) pool.release(b);
  }
}
