/**
 * Evaluates a compiled objective's WGSL on a device: f, ∇f, ∇²f·v, ∇²f and both observables at each
 * point, in one dispatch. Shared by the WGSL tests and the hostile-input corpus.
 */
import { expect } from 'vitest';
import type { CompiledObjective } from '../../src/objective/types.ts';
import { readBuffer } from './gpu.ts';

/** An objective and where to evaluate it: points and directions already rounded to f32. */
export interface GpuEvalCase {
  label: string;
  c: CompiledObjective;
  points: number[][];
  dirs: number[][];
  params: Float64Array;
}

/** Outputs per point: f, grad (dim), hvp (dim), hess (dim²), observable_0, observable_1. */
export const stride = (dim: number) => 3 + 2 * dim + dim * dim;

export function kernel(c: CompiledObjective, count: number): string {
  const s = stride(c.dim);
  return `${c.wgsl}
@group(0) @binding(0) var<storage, read> pts: array<f32>;
@group(0) @binding(1) var<storage, read> prm: array<f32>;
@group(0) @binding(2) var<storage, read_write> res: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= ${count}u) { return; }
  for (var j = 0u; j < NPARAM; j++) { P[j] = prm[j]; }
  var x: array<f32, DIM>;
  var v: array<f32, DIM>;
  for (var k = 0u; k < DIM; k++) {
    x[k] = pts[i * 2u * DIM + k];
    v[k] = pts[i * 2u * DIM + DIM + k];
  }
  let o = i * ${s}u;
  res[o] = objective_f(x);
  var g = objective_grad(x);
  var hv = objective_hvp(x, v);
  var h = objective_hess(x);
  for (var k = 0u; k < DIM; k++) {
    res[o + 1u + k] = g[k];
    res[o + 1u + DIM + k] = hv[k];
  }
  for (var k = 0u; k < DIM_SQ; k++) { res[o + 1u + 2u * DIM + k] = h[k]; }
  res[o + 1u + 2u * DIM + DIM_SQ] = observable_0(x);
  res[o + 2u + 2u * DIM + DIM_SQ] = observable_1(x);
}
`;
}

export async function runOnGpu(device: GPUDevice, k: GpuEvalCase): Promise<Float32Array> {
  const { c, points, dirs } = k;
  const module = device.createShaderModule({
    label: `objective-wgsl.${k.label}`,
    code: kernel(c, points.length),
  });
  const info = await module.getCompilationInfo();
  const messages = info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`);
  expect(messages, k.label).toEqual([]);
  // Synchronous, as src/engine/shader.ts explains: createComputePipelineAsync aborts the process in
  // Dawn's Node binding (std::system_error from its worker thread).
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const input = new Float32Array(points.flatMap((p, i) => [...p, ...dirs[i]]));
  const params = new Float32Array(Math.max(1, k.params.length));
  params.set(k.params);
  const buf = (data: Float32Array) => {
    const b = device.createBuffer({
      size: data.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(b, 0, data);
    return b;
  };
  const ptsBuf = buf(input);
  const prmBuf = buf(params);
  const size = points.length * stride(c.dim) * 4;
  const resBuf = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: ptsBuf } },
      { binding: 1, resource: { buffer: prmBuf } },
      { binding: 2, resource: { buffer: resBuf } },
    ],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(points.length / 64));
  pass.end();
  device.queue.submit([enc.finish()]);
  const out = new Float32Array(await readBuffer(device, resBuf, size));
  for (const b of [ptsBuf, prmBuf, resBuf]) b.destroy();
  return out;
}
