/**
 * The benchmark's ceiling: the bare GD kernel (shaders/bare.wgsl) behind the same compiled objective,
 * planned, submitted and read back like a basin run (same cost model, dispatches and submits; one word
 * per pixel written, 16 bytes read back), so that the basin engine's overhead (divergence test, period
 * check, Lyapunov exponent, records, reductions) is measured against plain GD on the same backend.
 */
import type { CompiledObjective } from '../objective/types.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { resolvePlane } from '../experiment/plane.ts';
import { BasinPass } from './basin-pass.ts';
import { runDispatches } from './basin-run.ts';
import { SubmitMap } from './submit.ts';
import type { GpuBasinEngine } from './gpu-engine.ts';
import { planTiles } from './tiles.ts';

const bare = new WeakMap<GPUDevice, Map<string, Promise<BasinPass>>>();

/** The bare pass for an objective, compiled once per device. */
function barePass(device: GPUDevice, objective: CompiledObjective): Promise<BasinPass> {
  let m = bare.get(device);
  if (!m) bare.set(device, (m = new Map()));
  let p = m.get(objective.wgsl);
  if (!p) {
    p = BasinPass.create(device, objective, { lyapunov: false, bare: true });
    m.set(objective.wgsl, p);
  }
  return p;
}

/** Where a bare run's time went (ms): total, and as RunTimings splits an engine run's. */
export interface BareTimings {
  ms: number;
  host: number;
  compute: number;
  readback: number;
}

/**
 * Runs plain GD over the spec's plane (its first two coordinates) for spec.iterations steps and reads
 * back 16 bytes; resolves with the wall time in ms, everything included.
 */
export async function runBare(
  engine: GpuBasinEngine,
  spec: ExperimentSpec,
  objective: CompiledObjective,
): Promise<BareTimings> {
  const t0 = performance.now();
  const device = engine.device;
  const pass = await barePass(device, objective);
  const plane = resolvePlane(spec, objective);
  const { tiles } = planTiles(plane.width, plane.height, engine.limits());
  const ctx = { ...engine.context(spec, objective, plane, pass, tiles), key: `bare${objective.wgsl}` };
  const pool = engine.pool;
  const sinks = await Promise.all(
    tiles.map((t) =>
      pool.acquire(
        'BarePass.sink',
        t.count * 4,
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
        'the bare sink',
      ),
    ),
  );
  const readback = await pool.acquire(
    'BarePass.readback',
    16,
    GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    'the bare readback',
  );
  // Mapped right after the submit that copies into it, as the engine maps its statistics.
  const map = new SubmitMap(readback, 16);
  try {
    const plan = engine.plan(ctx);
    const t1 = performance.now();
    await runDispatches(
      device,
      engine.resources,
      ctx,
      {
        dispatches: plan.dispatches,
        statePixels: plan.statePixels,
        outputs: (tile) => ({
          records: engine.resources.dummyRecords,
          summary: sinks[tile],
          r0: tiles[tile].p0,
        }),
        writeRecords: false,
        after: (encoder) => encoder.copyBufferToBuffer(sinks[sinks.length - 1], 0, readback, 0, 16),
        afterSubmitted: () => map.start(),
      },
      engine.costs,
      engine.options.submitMs,
    );
    const t2 = performance.now();
    await map.read();
    const t3 = performance.now();
    return { ms: t3 - t0, host: t1 - t0, compute: t2 - t1, readback: t3 - t2 };
  } finally {
    await map.settle();
    for (const s of sinks) pool.release(s);
    pool.release(readback);
  }
}
