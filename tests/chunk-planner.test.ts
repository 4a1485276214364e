/**
 * The dispatch-length planner against simulated devices t = a + b·chunk: it must reach the target on a
 * GPU-like device (small a), amortise a large fixed cost (SwiftShader-like a) without passing maxMs,
 * and never plan a dispatch the model says would exceed maxMs.
 */
import { describe, expect, it } from 'vitest';
import { ChunkPlanner } from '../src/engine/chunk-planner.ts';

function simulate(a: number, b: number, start: number, dispatches = 12, target = 100, max = 400) {
  const p = new ChunkPlanner(start, target, max);
  const times: number[] = [];
  p.record(p.chunk, a + b * p.chunk + 500, true); // the first dispatch also compiles and initialises
  for (let i = 0; i < dispatches; i++) {
    const t = a + b * p.chunk;
    times.push(t);
    p.record(p.chunk, t);
  }
  return { chunk: p.chunk, times };
}

describe('ChunkPlanner', () => {
  it('reaches the target time on a device with little fixed cost', () => {
    const { chunk, times } = simulate(0.5, 0.2, 1);
    expect(chunk).toBe(Math.floor((100 - 0.5) / 0.2));
    expect(times.at(-1)).toBeGreaterThan(95);
    expect(Math.max(...times)).toBeLessThanOrEqual(400);
  });

  it('leaves chunk = 1 when the fixed cost exceeds the target (a proportional rule stayed there)', () => {
    // 512² on SwiftShader: ~115 ms per dispatch before any iteration, ~5 ms per iteration.
    const { chunk, times } = simulate(115, 5, 1, 12, 100, 1000);
    expect(chunk).toBe(69); // iterations three times as long as the overhead: a quarter is overhead
    expect(Math.max(...times)).toBeLessThanOrEqual(1000);
    // Iterations per second at the end against chunk = 1: about 18 times as many.
    expect(chunk / (115 + 5 * chunk) / (1 / 120)).toBeGreaterThan(17);
  });

  it('halves a dispatch that ran past maxMs while it has no slope, and then keeps under maxMs', () => {
    const p = new ChunkPlanner(1000, 100, 400);
    p.record(1000, 2000);
    expect(p.chunk).toBe(500);
    p.record(500, 1000); // b = 2 ms per iteration, a = 0: aim at 50, bounded by halving per step
    expect(p.chunk).toBe(250);
    p.record(250, 500);
    p.record(125, 250);
    p.record(62, 124);
    expect(p.chunk).toBe(50);
  });

  it('leaves one iteration per dispatch when the overhead alone passes maxMs (a million invocations)', () => {
    // 1024² on SwiftShader: ~1200 ms before any iteration, ~50 ms per iteration.
    const { chunk, times } = simulate(1200, 50, 1, 12, 100, 1000);
    expect(chunk).toBe(12); // (1.5·a - a) / b
    expect(Math.max(...times)).toBeLessThanOrEqual(1800);
  });

  it('ignores one-off dispatches, and jitter between similar lengths does not move the plan', () => {
    const p = new ChunkPlanner(10, 100, 400);
    expect(p.record(10, 5000, true)).toBe(10);
    p.record(10, 20);
    expect(p.chunk).toBe(20); // probing: one length seen
    p.record(20, 18); // longer but faster: no slope to trust yet
    expect(p.chunk).toBe(40);
    p.record(40, 41); // lengths now span 4x: fit a ≈ 3, b ≈ 0.93 → ~100 ms at ~104 iterations
    expect(p.chunk).toBeGreaterThan(90);
    expect(p.chunk).toBeLessThan(120);
  });
});
