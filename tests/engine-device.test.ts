/** Device-level problems: the error sink and device loss during a run (engine selection: select.test.ts). */
import { describe, expect, test } from 'vitest';
import { attachErrorSink, type DeviceProblem } from '../src/engine/errors.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { GpuError } from '../src/engine/shader.ts';
import { fixtureCompiler, smallSpec } from './engine-fixtures.ts';
import { getTestGpu } from './helpers/gpu.ts';

const plane = { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } };

describe('device problems', () => {
  test('uncaptured errors and the loss of the device reach one sink', async () => {
    // No error scope here on purpose: the error must be uncaptured to reach the sink.
    const { device } = await getTestGpu();
    const problems: DeviceProblem[] = [];
    attachErrorSink(device, (p) => problems.push(p));
    device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
    const probe = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ });
    await probe.mapAsync(GPUMapMode.READ);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'uncaptured' });
    expect(problems[0].message).toMatch(/MapRead/);
    device.destroy();
    await device.lost;
    expect(problems[1]).toMatchObject({ kind: 'lost', reason: 'destroyed' });
  });

  test('a device lost mid-run rejects the run with GpuError; a new engine on a new device works', async () => {
    const first = await getTestGpu();
    const lost: GPUDeviceLostInfo[] = [];
    const engine = new GpuBasinEngine(first.device, fixtureCompiler, {
      itersPerDispatch: 10,
      dispatchesPerSubmit: 1,
      onDeviceLost: (info) => lost.push(info),
    });
    const spec = smallSpec({ lr: 1.1, plane });
    let calls = 0;
    const run = engine.runBasin(spec, {
      onProgress: () => {
        if (++calls === 2) first.device.destroy();
      },
    });
    await expect(run).rejects.toBeInstanceOf(GpuError);
    await expect(run).rejects.toMatchObject({ kind: 'lost' });
    expect(lost).toHaveLength(1);
    await expect(engine.runBasin(spec)).rejects.toThrow(/lost error while starting a run/);

    const second = await getTestGpu();
    try {
      const again = await new GpuBasinEngine(second.device, fixtureCompiler).runBasin(spec);
      expect(again.counts.periodic['2']).toBeGreaterThan(1000);
    } finally {
      second.device.destroy();
    }
  });
});
