#!/usr/bin/env node
// The whole-process yardstick: a plain Node + Dawn script (no gdlab code, no tsx) that runs
// GD on (1 - xy)²/2 over a W×H grid of starts in one WGSL kernel and reads back one u32 per pixel
// (0 diverged, 1 converged, 4 otherwise), as a researcher would write it. Compare with
//   time node bench/plain-gd.mjs 1024 20
//   time gdlab basin --objective mf-scalar --lr 0.5 --x 0.3:2 --y 0.3:2 --size 1024x1024 \
//     --iters 20 --no-lyapunov --engine gpu --json F
// usage: node bench/plain-gd.mjs [SIDE=1024] [ITERS=20] [LR=0.5]
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

const side = Number(process.argv[2] ?? 1024);
const iters = Number(process.argv[3] ?? 20);
const lr = Number(process.argv[4] ?? 0.5);
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.XDG_RUNTIME_DIR ??= tmpdir();
const dawn = await import('webgpu');
Object.assign(globalThis, dawn.globals);
let gpu = dawn.create([]);
let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter && !process.env.VK_ICD_FILENAMES && existsSync(ICD)) {
  process.env.VK_ICD_FILENAMES = ICD;
  gpu = dawn.create([]);
  adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
}
if (!adapter) throw new Error('no WebGPU adapter');
const device = await adapter.requestDevice();
const t0 = performance.now();
const code = /* wgsl */ `
struct U { side: u32, iters: u32, lr: f32, lo: f32, step: f32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) n: vec3u) {
  let t = g.x + g.y * n.x * 64u;
  if (t >= u.side * u.side) { return; }
  var x = u.lo + (f32(t % u.side) + 0.5) * u.step;
  var y = u.lo + (f32(t / u.side) + 0.5) * u.step;
  var dx = 0.0;
  for (var k = 0u; k < u.iters; k++) {
    let r = x * y - 1.0;
    let gx = r * y;
    let gy = r * x;
    x -= u.lr * gx;
    y -= u.lr * gy;
    dx = max(abs(u.lr * gx), abs(u.lr * gy));
  }
  let m = max(abs(x), abs(y));
  out[t] = select(select(4u, 1u, dx <= 1e-4 * max(1.0, m)), 0u, !(m <= 1e6));
}`;
const module = device.createShaderModule({ code });
const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
const n = side * side;
const uniforms = device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
const out = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
const ub = new ArrayBuffer(32);
new Uint32Array(ub, 0, 2).set([side, iters]);
new Float32Array(ub, 8, 3).set([lr, 0.3, 1.7 / side]);
device.queue.writeBuffer(uniforms, 0, ub);
const bind = device.createBindGroup({
  layout: pipeline.getBindGroupLayout(0),
  entries: [
    { binding: 0, resource: { buffer: uniforms } },
    { binding: 1, resource: { buffer: out } },
  ],
});
const groups = Math.ceil(n / 64);
const gx = Math.min(groups, 65535);
const enc = device.createCommandEncoder();
const pass = enc.beginComputePass();
pass.setPipeline(pipeline);
pass.setBindGroup(0, bind);
pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
pass.end();
enc.copyBufferToBuffer(out, 0, read, 0, n * 4);
device.queue.submit([enc.finish()]);
await read.mapAsync(GPUMapMode.READ);
const words = new Uint32Array(read.getMappedRange());
const counts = [0, 0, 0, 0, 0];
for (let i = 0; i < n; i++) counts[words[i]]++;
read.unmap();
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ side, iters, lr, diverged: counts[0], converged: counts[1], other: counts[4], ms }) + '\n',
);
device.destroy();
