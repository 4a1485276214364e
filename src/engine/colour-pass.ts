/**
 * The colour pass (shaders/colour.wgsl): records in GPU memory to RGBA8 by field and colormap, with
 * the automatic range read from the run's statistics on the GPU, so recolouring never reruns GD and
 * an automatic range never brings the records to the host.
 */
import colourWgsl from '../../shaders/colour.wgsl?raw';
import fieldsWgsl from '../../shaders/fields.wgsl?raw';
import recordWgsl from '../../shaders/record.wgsl?raw';
import { fieldCode, LYAP_SCALE, transformedRange } from '../colormaps.ts';
import { PALETTE_FIXED, paletteWords } from '../palette.ts';
import type { ColourSpec } from '../core/engine.ts';
import { dispatchSize } from './basin-pass.ts';
import {
  COLOUR_BINDINGS,
  COLOUR_UNIFORM_FIELDS,
  DISPATCH_SLOT_BYTES,
  RECORD_STRUCT_FIELDS,
  STATS_FIELDS,
  WORKGROUP_SIZE,
} from './layouts.ts';
import { bufferLayouts, createShaderModule } from './shader.ts';
import { pipelineKey, PipelineCache } from './pipeline-cache.ts';
import { packUniforms, uniformBytes, wgslOffsets, wgslStruct } from './wgsl-struct.ts';

/** Where one colour dispatch reads and writes. */
export interface ColourTarget {
  width: number;
  height: number;
  /** The records binding holds pixels p0 … p0 + count - 1. */
  p0: number;
  count: number;
  /** Index (row·W + i, in output order) of the output binding's first pixel. */
  out0: number;
  flip: boolean;
  /** Colouring summary words (`outcome_words`) that have λ beside them. */
  lyapWords?: boolean;
}

/** Uniform words of one colour dispatch; range null: the field's range from the statistics. */
export function colourUniforms(
  colour: ColourSpec,
  iterations: number,
  t: ColourTarget,
  into?: { buffer: ArrayBuffer; byteOffset: number },
): ArrayBuffer {
  const fixed = colour.field === 'outcome' ? [0, 1] : transformedRange(colour);
  return packUniforms(
    COLOUR_UNIFORM_FIELDS,
    {
      width: t.width,
      height: t.height,
      p0: t.p0,
      count: t.count,
      lo: fixed ? fixed[0] : 0,
      hi: fixed ? fixed[1] : 1,
      iterations,
      flip: t.flip ? 1 : 0,
      out0: t.out0,
      lyap_scale: LYAP_SCALE,
      palette_len: paletteWords().length - PALETTE_FIXED,
      lyap_words: t.lyapWords ? 1 : 0,
    },
    DISPATCH_SLOT_BYTES,
    into,
  );
}

/**
 * The override constants of the pipeline that colours by `colour` (FIELD, LOG, AUTO_RANGE of
 * shaders/colour.wgsl), under a key: the outcome colours take neither a log nor a range.
 */
function colourConstants(colour: ColourSpec): { key: string; constants: Record<string, number> } {
  const outcome = colour.field === 'outcome';
  const c = {
    WORKGROUP_SIZE,
    FIELD: fieldCode(colour.field),
    LOG: !outcome && colour.log ? 1 : 0,
    AUTO_RANGE: !outcome && !transformedRange(colour) ? 1 : 0,
  };
  return { key: pipelineKey('main', c), constants: c };
}

/** The pipeline of `outcome_words`: one, whatever the colour spec. */
const WORDS_CONSTANTS = { WORKGROUP_SIZE };
const WORDS_KEY = pipelineKey('outcome_words', WORDS_CONSTANTS);

export class ColourPass {
  /** One pipeline per field, log and range source, compiled when first asked for. */
  private readonly pipelines: PipelineCache;

  private constructor(
    private readonly device: GPUDevice,
    readonly layout: GPUBindGroupLayout,
    pipelineLayout: GPUPipelineLayout,
    module: GPUShaderModule,
  ) {
    this.pipelines = new PipelineCache(device, pipelineLayout, module, 'ColourPass');
  }

  /** Compiles the colour kernel (ShaderCompileError on failure); its pipelines come with `prepare`. */
  static async create(device: GPUDevice): Promise<ColourPass> {
    const module = await createShaderModule(device, 'ColourPass.module', [
      { name: 'shaders/record.wgsl', code: recordWgsl },
      {
        name: 'structs (generated)',
        code: [
          wgslStruct('Record', RECORD_STRUCT_FIELDS),
          wgslOffsets('STATS', STATS_FIELDS),
          wgslStruct('ColourUniforms', COLOUR_UNIFORM_FIELDS),
        ].join('\n'),
      },
      { name: 'shaders/fields.wgsl', code: fieldsWgsl },
      { name: 'shaders/colour.wgsl', code: colourWgsl },
    ]);
    const { layout, pipelineLayout } = bufferLayouts(device, 'ColourPass', [
      [COLOUR_BINDINGS.uniforms, 'uniform', true],
      [COLOUR_BINDINGS.records, 'read-only-storage'],
      [COLOUR_BINDINGS.lut, 'read-only-storage'],
      [COLOUR_BINDINGS.palette, 'read-only-storage'],
      [COLOUR_BINDINGS.pixels, 'storage'],
      [COLOUR_BINDINGS.stats, 'read-only-storage'],
      [COLOUR_BINDINGS.lyap, 'read-only-storage'],
    ]);
    return new ColourPass(device, layout, pipelineLayout, module);
  }

  /** Compiles the pipeline that colours by `colour`, unless made already. */
  async prepare(colour: ColourSpec): Promise<this> {
    const { key, constants } = colourConstants(colour);
    await this.pipelines.prepare(key, 'main', constants);
    return this;
  }

  /** Compiles the pipeline that colours summary words by outcome (`outcome_words`), unless made already. */
  async prepareWords(): Promise<this> {
    await this.pipelines.prepare(WORDS_KEY, 'outcome_words', WORDS_CONSTANTS);
    return this;
  }

  private uniformBinding(uniforms: GPUBuffer): GPUBufferBinding {
    return { buffer: uniforms, size: uniformBytes(COLOUR_UNIFORM_FIELDS) };
  }

  /**
   * A bind group of the colour pass: records (or summary words, with λ beside them where kept) of one
   * tile in, RGBA8 words out.
   */
  bindColour(b: {
    uniforms: GPUBuffer;
    records: GPUBuffer;
    lut: GPUBuffer;
    palette: GPUBuffer;
    pixels: GPUBuffer;
    stats: GPUBuffer;
    lyap: GPUBuffer;
  }): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'ColourPass.colourBindGroup',
      layout: this.layout,
      entries: (['uniforms', 'records', 'lut', 'palette', 'pixels', 'stats', 'lyap'] as const).map((k) => ({
        binding: COLOUR_BINDINGS[k],
        resource: k === 'uniforms' ? this.uniformBinding(b.uniforms) : { buffer: b[k] },
      })),
    });
  }

  /**
   * Colours `count` records by `colour` (prepared), or summary words by outcome (`colour` 'words',
   * prepareWords), with the uniforms at `slotOffset`.
   */
  encodeColour(
    pass: GPUComputePassEncoder,
    colour: ColourSpec | 'words',
    bind: GPUBindGroup,
    slotOffset: number,
    count: number,
  ): void {
    pass.setPipeline(this.pipelines.get(colour === 'words' ? WORDS_KEY : colourConstants(colour).key));
    pass.setBindGroup(0, bind, [slotOffset]);
    const [x, y] = dispatchSize(count, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
  }
}
