/**
 * The reduction's statistics over crafted records and summary words, against counts made here: the
 * outcome counts, period histogram and steps, and Stats.composite (bounded pixels whose period has a
 * divisor), which decides whether the engine runs the escape pass after a short run. The words include
 * what a long run's kernel leaves marked for its escape pass (iter 0, or a marked diverged word), which
 * a real run's reduction never sees, so that every bit pattern a word can hold is counted as the CPU
 * reads it.
 */
import { describe, expect, test } from 'vitest';
import { Outcome, periodHasDivisor } from '../src/core/outcome.ts';
import { RECORD_FIELDS, RECORD_WORDS } from '../src/core/records.ts';
import { encodeReduce } from '../src/engine/basin-result.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { basinReduceKinds } from '../src/engine/reduce-pass.ts';
import { STATS_BYTES } from '../src/engine/layouts.ts';
import { initialStats, parseStats } from '../src/engine/stats.ts';
import { fixtureCompiler } from './engine-fixtures.ts';
import { readBuffer, withDevice } from './helpers/gpu.ts';

/** One pixel as the kernel leaves it: outcome, period, iter, and whether it is marked for escape. */
interface Pixel {
  outcome: number;
  period: number;
  iter: number;
  mark: 'none' | 'pending' | 'divisor' | 'pending-diverged';
}

/** A deterministic mix of every outcome, periods 0 … 64 and every kind of mark. */
function pixels(n: number): Pixel[] {
  let s = 12345;
  const next = (m: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % m;
  };
  return Array.from({ length: n }, () => {
    const outcome = next(6);
    const period = outcome === Outcome.PERIODIC ? 2 + next(63) : outcome === Outcome.CHAOTIC ? next(20) : 0;
    const marks = ['none', 'none', 'none', 'pending', 'divisor', 'pending-diverged'] as const;
    return { outcome, period, iter: 1 + next(1000), mark: marks[next(6)] };
  });
}

/** shaders/basin.wgsl's summary word of a pixel, as `finish` leaves it marked. */
function word(p: Pixel): number {
  const w = p.outcome | (Math.min(p.period, 127) << 3) | (p.iter << 10);
  if (p.mark === 'pending-diverged') return (Outcome.DIVERGED | 8 | (p.iter << 10)) >>> 0;
  return p.mark === 'none' ? w >>> 0 : w & 0x3ff;
}

/** Its record's head (outcome, iter, period, flags), as `finish` leaves it marked. */
function record(p: Pixel): number[] {
  const flags = p.mark === 'none' ? 0 : p.mark === 'divisor' ? 0x80000000 : 1 | (p.iter << 1);
  return [p.outcome, p.iter, p.period, flags >>> 0];
}

describe('the reduction', () => {
  test('counts composite periods, outcomes, periods and steps in records and words as the CPU does', async () => {
    expect(RECORD_FIELDS.slice(0, 4).map(([k]) => k)).toEqual(['outcome', 'iter', 'period', 'flags']);
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler, { reduceStride: 16 });
      // 2051 pixels: several workgroups at 16 per invocation, and a last quad partly past the end.
      const px = pixels(2051);
      // The last pixels periodic 4 and chaotic 6: lanes past the end read them again, masked.
      px[2050] = { outcome: Outcome.PERIODIC, period: 4, iter: 1000, mark: 'divisor' };
      px[2049] = { outcome: Outcome.CHAOTIC, period: 6, iter: 1000, mark: 'pending' };
      for (const keep of [true, false]) {
        const label = keep ? 'records' : 'summary words';
        const data = keep
          ? Uint32Array.from(px.flatMap((p) => [...record(p), ...new Array(RECORD_WORDS - 4).fill(0)]))
          : Uint32Array.from(px.map(word));
        const buffer = device.createBuffer({
          size: Math.ceil(data.byteLength / 16) * 16,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(buffer, 0, data);
        const stats = device.createBuffer({
          size: STATS_BYTES,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(stats, 0, initialStats());
        const kinds = basinReduceKinds(keep);
        const reduce = await engine.reduce(kinds);
        const encoder = device.createCommandEncoder();
        encodeReduce(engine, reduce, kinds, [{ tile: { p0: 0, count: px.length }, buffer }], stats, encoder);
        device.queue.submit([encoder.finish()]);
        const got = parseStats(new Uint32Array(await readBuffer(device, stats, STATS_BYTES)));
        // What a summary word keeps of a marked pixel: its outcome and period, iter 0, or a diverged word.
        const seen = px.map((p) =>
          keep || p.mark === 'none'
            ? p
            : p.mark === 'pending-diverged'
              ? { ...p, outcome: Outcome.DIVERGED, period: 0 }
              : { ...p, iter: 0 },
        );
        const composite = seen.filter((p) => p.outcome !== Outcome.DIVERGED && periodHasDivisor(p.period));
        expect(got.composite, label).toBe(composite.length);
        expect(got.composite, label).toBeGreaterThan(200);
        expect(got.steps, label).toBe(seen.reduce((a, p) => a + p.iter, 0));
        expect(got.counts.diverged, label).toBe(seen.filter((p) => p.outcome === Outcome.DIVERGED).length);
        const periodic = seen.filter((p) => p.outcome === Outcome.PERIODIC);
        for (const q of [2, 3, 4, 12, 64])
          expect(got.counts.periodic[String(q)] ?? 0, `${label}, period ${q}`).toBe(
            periodic.filter((p) => p.period === q).length,
          );
        buffer.destroy();
        stats.destroy();
      }
      engine.dispose();
    });
  });
});
