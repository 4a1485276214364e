/**
 * The time the cost model learns per submit: the compute pass's own, from timestamp queries, where
 * the device has 'timestamp-query', and the host's view from submit to completion where it does not.
 * requestNodeDevice asks for timestamps on hardware adapters only; SwiftShader has them, so these
 * tests ask for them themselves.
 */
import { describe, expect, test, vi } from 'vitest';
import { GpuTimer, TIMESTAMP_FEATURE, timingFeatures } from '../src/engine/gpu-timer.ts';
import { requestNodeAdapter } from '../src/engine/node-gpu.ts';
import { submitBatches } from '../src/engine/submit.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { fixtureCompiler, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

/** A pass that spins `n` iterations per invocation over 4096 invocations: milliseconds of work. */
function spinner(device: GPUDevice) {
  const module = device.createShaderModule({
    code: `
      @group(0) @binding(0) var<storage, read_write> out: array<f32>;
      @group(0) @binding(1) var<uniform> n: u32;
      @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
        var x = f32(g.x) * 1e-3;
        for (var i = 0u; i < n; i++) { x = x * 0.999 + 0.001; }
        out[g.x] = x;
      }`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const out = device.createBuffer({ size: 4096 * 4, usage: GPUBufferUsage.STORAGE });
  const n = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: out } },
      { binding: 1, resource: { buffer: n } },
    ],
  });
  return { pipeline, bind, n };
}

/** Three submits of the spinner with `iters` each; the times done() was given, and the wall time. */
async function timeSubmits(device: GPUDevice, iters: number[]) {
  const { pipeline, bind, n } = spinner(device);
  const seen: { ms: number; clock: string }[] = [];
  const t0 = performance.now();
  await submitBatches(device, iters, {
    label: 'test',
    encode(encoder, it, _i, timestampWrites) {
      device.queue.writeBuffer(n, 0, new Uint32Array([it]));
      const pass = encoder.beginComputePass({ timestampWrites });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(64);
      pass.end();
    },
    done: (_b, _i, ms, clock) => seen.push({ ms, clock }),
  });
  return { seen, wall: performance.now() - t0 };
}

/** fn with a device of the test adapter created with 'timestamp-query', destroyed after. */
async function withTimedDevice(fn: (device: GPUDevice) => Promise<void>) {
  const adapter = await requestNodeAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  expect(adapter.features.has(TIMESTAMP_FEATURE)).toBe(true);
  const device = await adapter.requestDevice({ requiredFeatures: [TIMESTAMP_FEATURE] });
  device.pushErrorScope('validation');
  try {
    await fn(device);
    const error = await device.popErrorScope();
    if (error) throw new Error(`WebGPU validation error: ${error.message}`);
  } finally {
    device.destroy();
  }
}

describe('submit timing', () => {
  test("a software adapter is not asked for timestamps (its clock is the host's), a hardware one is", async () => {
    await withDevice(async (device, gpu) => {
      expect(gpu.adapterName).toMatch(/swiftshader/i);
      expect(device.features.has(TIMESTAMP_FEATURE)).toBe(false);
      expect(timingFeatures(gpu.adapter, true)).toEqual([]);
      expect(timingFeatures(gpu.adapter, false)).toEqual([TIMESTAMP_FEATURE]);
    });
  });

  test('with timestamp-query, each submit is timed on the device clock, within the wall time', async () => {
    await withTimedDevice(async (device) => {
      expect(device.features.has(TIMESTAMP_FEATURE)).toBe(true);
      expect(GpuTimer.of(device)).toBe(GpuTimer.of(device));
      const { seen, wall } = await timeSubmits(device, [20000, 2000, 20000]);
      expect(seen.map((s) => s.clock)).toEqual(['device', 'device', 'device']);
      for (const s of seen) expect(s.ms).toBeGreaterThan(0);
      expect(seen.reduce((a, s) => a + s.ms, 0)).toBeLessThanOrEqual(wall);
      // Ten times the loop, several times the time (a fixed cost per pass blurs a strict ratio).
      expect(seen[0].ms / seen[1].ms).toBeGreaterThan(3);
      expect(seen[2].ms / seen[1].ms).toBeGreaterThan(3);
    });
  });

  test('runs that overlap on one device each time their own submits', async () => {
    await withTimedDevice(async (device) => {
      const [a, b, c] = await Promise.all([
        timeSubmits(device, [20000, 2000, 20000]),
        timeSubmits(device, [2000, 20000]),
        timeSubmits(device, [20000, 20000]),
      ]);
      for (const { seen } of [a, b, c]) for (const s of seen) expect(s.clock).toBe('device');
      expect(a.seen[0].ms / a.seen[1].ms).toBeGreaterThan(3);
      expect(b.seen[1].ms / b.seen[0].ms).toBeGreaterThan(3);
    });
  });

  test("a timestamp beyond the host's window is not believed: the host's time is used", async () => {
    await withTimedDevice(async (device) => {
      const reads = vi.spyOn(GpuTimer.prototype, 'read').mockResolvedValue(1e9);
      try {
        const { seen, wall } = await timeSubmits(device, [20000, 2000]);
        expect(reads).toHaveBeenCalledTimes(2);
        expect(seen.map((s) => s.clock)).toEqual(['host', 'host']);
        for (const s of seen) expect(s.ms).toBeGreaterThan(0);
        expect(seen.reduce((a, s) => a + s.ms, 0)).toBeLessThanOrEqual(wall + 1);
      } finally {
        reads.mockRestore();
      }
    });
  });

  test('without it, from submit to completion as the host sees it', async () => {
    {
      const adapter = await requestNodeAdapter();
      if (!adapter) throw new Error('no WebGPU adapter');
      const device = await adapter.requestDevice();
      try {
        expect(GpuTimer.of(device)).toBeNull();
        const { seen, wall } = await timeSubmits(device, [20000, 2000]);
        expect(seen.map((s) => s.clock)).toEqual(['host', 'host']);
        for (const s of seen) expect(s.ms).toBeGreaterThan(0);
        expect(seen.reduce((a, s) => a + s.ms, 0)).toBeLessThanOrEqual(wall + 1);
      } finally {
        device.destroy();
      }
    }
  });

  test("`submitted` follows each submit at once: a map started there resolves with that submit's results", async () => {
    await withDevice(async (device) => {
      const { pipeline, bind, n } = spinner(device);
      const src = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
      const reads = [0, 1, 2].map(() =>
        device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
      );
      const events: string[] = [];
      const maps: Promise<number>[] = [];
      await submitBatches(device, [0, 1, 2], {
        label: 'test',
        encode(encoder, b) {
          events.push(`encode ${b}`);
          device.queue.writeBuffer(n, 0, new Uint32Array([20000]));
          device.queue.writeBuffer(src, 0, new Uint32Array([7 + b, 0, 0, 0]));
          const pass = encoder.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(64);
          pass.end();
          encoder.copyBufferToBuffer(src, 0, reads[b], 0, 16);
        },
        submitted(i) {
          events.push(`submitted ${i}`);
          maps.push(
            reads[i].mapAsync(GPUMapMode.READ).then(() => new Uint32Array(reads[i].getMappedRange())[0]),
          );
        },
        done: (b) => events.push(`done ${b}`),
      });
      // Each batch's map is made before the next batch is encoded, and before it completes.
      expect(events.filter((e) => !e.startsWith('done'))).toEqual([
        'encode 0',
        'submitted 0',
        'encode 1',
        'submitted 1',
        'encode 2',
        'submitted 2',
      ]);
      expect(events.indexOf('submitted 0')).toBeLessThan(events.indexOf('done 0'));
      expect(await Promise.all(maps)).toEqual([7, 8, 9]);
    });
  });

  test("a basin run feeds the cost model its dispatches' device time", async () => {
    await withTimedDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler, { itersPerDispatch: 100 });
      const recorded: number[] = [];
      const record = engine.costs.record.bind(engine.costs);
      engine.costs.record = (key, pixels, steps, ms) => {
        recorded.push(ms);
        record(key, pixels, steps, ms);
      };
      const reads = vi.spyOn(GpuTimer.prototype, 'read');
      const t0 = performance.now();
      const result = await engine.runBasin(smallSpec({ iterations: 400, transient: 300 }));
      const wall = performance.now() - t0;
      // What the model learned is what the timestamps said, submit by submit.
      expect(recorded).toEqual(await Promise.all(reads.mock.results.map((r) => r.value)));
      reads.mockRestore();
      expect(result.counts.converged + result.counts.diverged).toBeGreaterThan(0);
      expect(recorded.length).toBeGreaterThan(0);
      for (const ms of recorded) expect(ms).toBeGreaterThan(0);
      expect(recorded.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(wall);
      result.dispose();
      engine.dispose();
    });
  });
});
