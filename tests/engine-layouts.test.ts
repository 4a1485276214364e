/**
 * Buffer layouts are declared once in TypeScript (src/engine/layouts.ts) and the WGSL structs are
 * generated from them: a kernel writes every field of each generated struct by name, and the host
 * reads the words back at the offsets the TypeScript declaration gives.
 */
import { describe, expect, test } from 'vitest';
import { RECORD_FIELDS, RECORD_WORDS } from '../src/core/records.ts';
import { STATS_FIELDS, STATS_WORDS, stateWords, TRAJ_FIELDS } from '../src/engine/layouts.ts';
import { COLUMN_FIELDS, SAMPLE_FIELDS } from '../src/engine/bifurcation-layout.ts';
import { createShaderModule } from '../src/engine/shader.ts';
import { fieldOffset, structWords, wgslOffsets, wgslStruct, type Field } from '../src/engine/wgsl-struct.ts';
import { readBuffer, withDevice } from './helpers/gpu.ts';

type Sizes = { dim: number; tdim: number; sdim: number };
const sizes = (d: number | Sizes): Sizes => (typeof d === 'number' ? { dim: d, tdim: d, sdim: d } : d);
const ARRAY = new Set(['vec', 'tan', 'state']);
/** Words of one field: a trajectory array's size, else its count. */
const wordsOf = ([, type, count]: Field, d: Sizes) =>
  type === 'vec' ? d.dim : type === 'tan' ? d.tdim : type === 'state' ? d.sdim : (count ?? 1);

/**
 * Runs a one-invocation kernel that sets field i of struct S (trajectory arrays sized by `dims`) to the
 * value 1000 + i.
 */
async function writeFields(
  device: GPUDevice,
  fields: readonly Field[],
  dims: number | Sizes,
  atomic = false,
) {
  const d = sizes(dims);
  const words = structWords(fields, d);
  const sets = fields.flatMap((field, i) => {
    const [name, type, count] = field;
    const n = wordsOf(field, d);
    const array = ARRAY.has(type);
    return Array.from({ length: n }, (_, e) => {
      const value = 1000 * (i + 1) + e;
      const at = array || count !== undefined ? `out.${name}[${e}]` : `out.${name}`;
      const v = type === 'f32' || array ? `${value}.0` : type === 'i32' ? `${value}i` : `${value}u`;
      return atomic && type === 'u32' ? `atomicStore(&${at}, ${v});` : `${at} = ${v};`;
    });
  });
  const code = `const DIM: u32 = ${d.dim}u;
alias Tan = array<f32, ${d.tdim}>;
alias State = array<f32, ${d.sdim}>;
${wgslStruct('S', fields, { atomic })}
@group(0) @binding(0) var<storage, read_write> out: S;
@compute @workgroup_size(1) fn main() {
  ${sets.join('\n  ')}
}`;
  const module = await createShaderModule(device, 'layout test', [{ name: 'test', code }]);
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const buffer = device.createBuffer({
    size: 4 * words,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer } }],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(1);
  pass.end();
  device.queue.submit([enc.finish()]);
  const raw = await readBuffer(device, buffer);
  buffer.destroy();
  return { u: new Uint32Array(raw), f: new Float32Array(raw), i: new Int32Array(raw) };
}

/** Expects each field's words where fieldOffset puts them. */
function expectAtOffsets(
  fields: readonly Field[],
  dims: number | Sizes,
  got: Awaited<ReturnType<typeof writeFields>>,
) {
  const d = sizes(dims);
  fields.forEach((field, i) => {
    const [name, type] = field;
    const n = wordsOf(field, d);
    const o = fieldOffset(fields, name, d);
    for (let e = 0; e < n; e++) {
      const want = 1000 * (i + 1) + e;
      const word =
        type === 'f32' || ARRAY.has(type) ? got.f[o + e] : type === 'i32' ? got.i[o + e] : got.u[o + e];
      expect(word, `${name}[${e}]`).toBe(want);
    }
  });
}

describe('layouts generated from one TypeScript declaration', () => {
  test('struct text, offsets and sizes', () => {
    expect(wgslStruct('Rec', RECORD_FIELDS.slice(0, 2))).toBe(
      'struct Rec {\n  outcome: u32,\n  iter: u32,\n}',
    );
    expect(
      wgslStruct(
        'T',
        [
          ['x', 'vec'],
          ['n', 'u32', 3],
        ],
        { atomic: true },
      ),
    ).toBe('struct T {\n  x: array<f32, DIM>,\n  n: array<atomic<u32>, 3>,\n}');
    expect(wgslOffsets('R', RECORD_FIELDS)).toContain('const R_PERIOD: u32 = 2u;');
    expect(structWords(RECORD_FIELDS)).toBe(RECORD_WORDS);
    expect(stateWords(3)).toBe(4 * 3 + 7);
    expect(fieldOffset(TRAJ_FIELDS, 'escape', 3)).toBe(4 * 3 + 2);
    // Adam in 3-D: x, m, s (9 words) and two clocks.
    const adam = { dim: 3, tdim: 9, sdim: 11 };
    expect(stateWords(adam)).toBe(11 + 9 + 11 + 3 + 7);
    expect(fieldOffset(TRAJ_FIELDS, 'anchor', adam)).toBe(31);
    // Outcomes, periods 0 … 64, steps (two words), composite, ranges, the escaping pixels' ranges.
    expect(STATS_WORDS).toBe(6 + 65 + 2 + 1 + 30 + 30);
  });

  test('the WGSL layout of every generated struct is the declared one, on the device', async () => {
    await withDevice(async (device) => {
      expectAtOffsets(RECORD_FIELDS, 0, await writeFields(device, RECORD_FIELDS, 1));
      expectAtOffsets(COLUMN_FIELDS, 0, await writeFields(device, COLUMN_FIELDS, 1));
      for (const dims of [1, 3, { dim: 2, tdim: 6, sdim: 8 }]) {
        expectAtOffsets(TRAJ_FIELDS, dims, await writeFields(device, TRAJ_FIELDS, dims));
        expectAtOffsets(SAMPLE_FIELDS, dims, await writeFields(device, SAMPLE_FIELDS, dims));
      }
      expectAtOffsets(STATS_FIELDS, 0, await writeFields(device, STATS_FIELDS, 1, true));
    });
  });
});
