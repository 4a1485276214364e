/**
 * The colour pass (shaders/colour.wgsl): records in GPU memory to RGBA8 by field and colormap, with
 * the automatic range read from the run's statistics on the GPU, so recolouring never reruns GD and
 * an automatic range never brings the records to the host.
 */
import colourWgsl from '../../shaders/colour.wgsl?raw';
import fieldsWgsl from '../../shaders/fields.wgsl?raw';
import recordWgsl from '../../shaders/record.wgsl?raw';
import { fieldCode, LYAP_SCALE, PALETTE_FIXED, paletteWords, transformedRange } from '../colormaps.ts';
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
import { createComputePipeline, createShaderModule } from './shader.ts';
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
      field: fieldCode(colour.field),
      log: colour.log ? 1 : 0,
      auto_range: fixed ? 0 : 1,
      lo: fixed ? fixed[0] : 0,
      hi: fixed ? fixed[1] : 1,
      iterations,
      flip: t.flip ? 1 : 0,
      out0: t.out0,
      lyap_scale: LYAP_SCALE,
      palette_len: paletteWords().length - PALETTE_FIXED,
    },
    DISPATCH_SLOT_BYTES,
    into,
  );
}

export class ColourPass {
  private constructor(
    private readonly device: GPUDevice,
    readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  /** Compiles the colour kernel (ShaderCompileError on failure) and builds its pipeline. */
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
    const entry = (binding: number, type: GPUBufferBindingType, dynamic = false) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type, hasDynamicOffset: dynamic },
    });
    const layout = device.createBindGroupLayout({
      label: 'ColourPass.layout',
      entries: [
        entry(COLOUR_BINDINGS.uniforms, 'uniform', true),
        entry(COLOUR_BINDINGS.records, 'read-only-storage'),
        entry(COLOUR_BINDINGS.lut, 'read-only-storage'),
        entry(COLOUR_BINDINGS.palette, 'read-only-storage'),
        entry(COLOUR_BINDINGS.pixels, 'storage'),
        entry(COLOUR_BINDINGS.stats, 'read-only-storage'),
      ],
    });
    const pipeline = await createComputePipeline(device, {
      label: 'ColourPass.pipeline',
      layout: device.createPipelineLayout({ label: 'ColourPass.pipelineLayout', bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE } },
    });
    return new ColourPass(device, layout, pipeline);
  }

  private uniformBinding(uniforms: GPUBuffer): GPUBufferBinding {
    return { buffer: uniforms, size: uniformBytes(COLOUR_UNIFORM_FIELDS) };
  }

  /** A bind group of the colour pass: records of one tile in, RGBA8 words out. */
  bindColour(b: {
    uniforms: GPUBuffer;
    records: GPUBuffer;
    lut: GPUBuffer;
    palette: GPUBuffer;
    pixels: GPUBuffer;
    stats: GPUBuffer;
  }): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'ColourPass.colourBindGroup',
      layout: this.layout,
      entries: (['uniforms', 'records', 'lut', 'palette', 'pixels', 'stats'] as const).map((k) => ({
        binding: COLOUR_BINDINGS[k],
        resource: k === 'uniforms' ? this.uniformBinding(b.uniforms) : { buffer: b[k] },
      })),
    });
  }

  /** Colours `count` records with the uniforms at `slotOffset`. */
  encodeColour(pass: GPUComputePassEncoder, bind: GPUBindGroup, slotOffset: number, count: number): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind, [slotOffset]);
    const [x, y] = dispatchSize(count, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
  }
}
