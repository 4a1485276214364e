/**
 * Whether a device flushes float32's subnormal numbers (below 2⁻¹²⁶ ≈ 1.18e-38) to zero, which WGSL
 * allows. It changes pictures, not only last digits: Adam's quiet stretches on x²/2 take x down to
 * 1e-130 in float64, and where the remnant of a burst is flushed the orbit rests exactly at the
 * minimum (the gallery's `adam-bursts`: 86 of its 200 columns read converged on SwiftShader, none in
 * float64). So the engines say it with their precision (EngineInfo.subnormals).
 */

const PROBE = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> io: array<f32, 2>;
@compute @workgroup_size(1)
fn main() {
  // 2⁻¹⁰⁰ · 2⁻³⁰ = 2⁻¹³⁰, a subnormal; read from memory so that no compiler folds the product.
  io[0] = io[0] * io[1];
}`;

/**
 * Runs one multiplication whose exact product is the subnormal 2⁻¹³⁰ on `device` and reads it back:
 * true when it came back zero. One tiny pipeline and a 16-byte readback, once per device.
 */
export async function probeSubnormals(device: GPUDevice): Promise<boolean> {
  const module = device.createShaderModule({ label: 'subnormal probe', code: PROBE });
  const pipeline = await device.createComputePipelineAsync({
    label: 'subnormal probe',
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  const io = device.createBuffer({
    label: 'subnormal probe',
    size: 8,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const read = device.createBuffer({
    label: 'subnormal probe readback',
    size: 8,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    device.queue.writeBuffer(io, 0, new Float32Array([2 ** -100, 2 ** -30]));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: io } }],
      }),
    );
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(io, 0, read, 0, 8);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const product = new Float32Array(read.getMappedRange().slice(0))[0];
    read.unmap();
    return product === 0;
  } finally {
    io.destroy();
    read.destroy();
  }
}

/** EngineInfo.subnormals of a device the probe answered for (undefined: not probed). */
export function subnormalsWord(flushed: boolean | undefined): 'flushed' | 'kept' | undefined {
  return flushed === undefined ? undefined : flushed ? 'flushed' : 'kept';
}

const probes = new WeakMap<GPUDevice, Promise<boolean | undefined>>();

/**
 * probeSubnormals for `device`, run once and shared by every engine on it; undefined where the probe
 * failed (a lost device), which leaves the engines' info without the word rather than failing a run.
 */
export function subnormalsOf(device: GPUDevice): Promise<boolean | undefined> {
  let p = probes.get(device);
  if (!p) {
    p = probeSubnormals(device).catch(() => undefined);
    probes.set(device, p);
  }
  return p;
}
