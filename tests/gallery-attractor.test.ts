/**
 * The attractor entries of the gallery: the numbers their texts claim, in float64 and, for the
 * exponent's agreement, in float32 on the GPU (smaller runs than the pictures where the GPU runs:
 * SwiftShader on two shared cores).
 */
import { describe, expect, it } from 'vitest';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import {
  blobs,
  checkNetwork,
  checkNetworkCascade,
  checkStrangeAttractor,
  coupledMinima,
  networkBlobs,
  networkRoute,
  strangeBasinMap,
  strangeStarts,
} from '../src/gallery/attractor-checks.ts';
import { Outcome } from '../src/core/outcome.ts';
import { getGalleryEntry } from '../src/gallery/entries.ts';
import { withDevice } from './helpers/gpu.ts';

describe('a strange attractor of GD in the plane', () => {
  const entry = getGalleryEntry('strange-attractor')!;

  it('no minimum of the coupled wells is stable at h = 1.4: in phase below 0.91, anti phase below 1.25', () => {
    const [inPhase, antiPhase] = coupledMinima(0.1);
    expect(inPhase.curvatures[0]).toBeCloseTo(2, 12);
    expect(inPhase.curvatures[1]).toBeCloseTo(2.2, 12);
    expect(inPhase.maxRate).toBeCloseTo(0.909, 3);
    expect(antiPhase.curvatures[0]).toBeCloseTo(1.4, 12);
    expect(antiPhase.curvatures[1]).toBeCloseTo(1.6, 12);
    expect(antiPhase.maxRate).toBeCloseTo(1.25, 12);
    expect(entry.spec.lr).toBe(1.4);
    expect(entry.paragraphs[0]).toContain('h < 0.91');
    expect(entry.paragraphs[0]).toContain('h < 1.25');
  });

  it('every start of a grid over the square is chaotic (float64)', () => {
    const s = strangeStarts(8);
    expect(s.chaotic).toBe(64);
    expect(s.minLyapunov).toBeGreaterThan(0.3);
  });

  it('the basin map: starts nearer the anti-phase minima end on a period-2 orbit around them (float64)', () => {
    const m = strangeBasinMap(32);
    expect(m.counts.periodic).toEqual({ 2: m.antiPhase });
    expect(m.antiPhase).toBeGreaterThan(200);
    // The orbit's points lie within 0.26 of the minimum (±0.894, ∓0.894): it is around that minimum.
    expect(m.farthest).toBeLessThan(0.3);
    expect(m.counts.converged).toBe(0);
    expect(m.square.chaotic).toBe(m.square.total);
  });

  it('all 512 starts stay bounded with no period, mean λ = 0.442 in float64', async () => {
    const r = await checkStrangeAttractor();
    expect([r.bounded, r.samples, r.period]).toEqual([512, 512, null]);
    expect(r.lyapunov).toBeGreaterThan(0.4395);
    expect(r.lyapunov).toBeLessThan(0.4445);
    expect(entry.claim).toContain('0.442');
  });

  it('float32 on the GPU gives the same mean exponent within 0.005', async () => {
    // 128 starts × (1000 + 2000) steps: the exponents of single starts spread by ~0.01, so the means
    // of two such ensembles differ by about 0.001; 0.005 is the claim's tolerance.
    const [f32, f64] = await withDevice(async (device) => [
      await checkStrangeAttractor(new GpuEnsembleEngine(device), 128, 2000),
      await checkStrangeAttractor(undefined, 128, 2000),
    ]);
    expect(f32.bounded).toBe(128);
    expect(f32.period).toBeNull();
    expect(Math.abs(f32.lyapunov - f64.lyapunov)).toBeLessThan(0.005);
    expect(Math.abs(f32.lyapunov - 0.442)).toBeLessThan(0.005);
  });
});

describe('a network weight that settles on blobs', () => {
  const entry = getGalleryEntry('network-blobs')!;

  it('counts blobs as runs of non-empty bins, the gap as the widest empty run between two', () => {
    expect(blobs([0, 3, 1, 0, 0, 0, 2, 0])).toEqual({ blobs: 2, gap: 3 / 8 });
    expect(blobs([1, 1, 1])).toEqual({ blobs: 1, gap: 0 });
    expect(blobs([0, 1, 0, 1, 0, 0, 1])).toEqual({ blobs: 3, gap: 2 / 7 });
  });

  it('the long-run histogram of x1 has two blobs with a gap over 15% of its range (float64)', async () => {
    const b = await networkBlobs(64);
    expect(b.bounded).toBe(64);
    expect(b.blobs).toBe(2);
    expect(b.gap).toBeGreaterThan(0.15);
    expect(entry.claim).toContain('2 blobs');
  });

  it('the route: period 2 at h = 13.5, 4 at 15, 8 at 15.5, chaos at 15.9 (float64)', () => {
    expect(networkRoute().map((r) => [r.lr, r.outcome, r.period])).toEqual([
      [13.5, Outcome.PERIODIC, 2],
      [15, Outcome.PERIODIC, 4],
      [15.5, Outcome.PERIODIC, 8],
      [15.9, Outcome.CHAOTIC, 0],
    ]);
  });

  it('the route diagram settles from its first column: period 2, 4, 8, then chaos (float64)', async () => {
    const cols = await checkNetworkCascade(40);
    const periodAt = (lr: number) =>
      cols.reduce((a, b) => (Math.abs(b.lr - lr) < Math.abs(a.lr - lr) ? b : a)).period;
    // Left of the first doubling every column is period 2: none is still switching the unit off.
    for (const c of cols.filter((c) => c.lr < 14.7)) expect(c.period).toBe(2);
    // Columns at 15.05, 15.45 and 15.85 (15.95 lies in a period-12 window of the chaos).
    expect([15.05, 15.45, 15.85].map(periodAt)).toEqual([4, 8, null]);
  });

  it('the two chaotic bands merge into one between h = 16.1 and 16.4 (float64)', async () => {
    expect((await networkBlobs(32, 16.1)).blobs).toBe(2);
    expect((await networkBlobs(32, 16.4)).blobs).toBe(1);
    expect(entry.paragraphs[1]).toContain('merge near h = 16.25');
  });

  it('mean λ = 0.215 in float64 and float32 within 0.01; the second unit is switched off', async () => {
    // 64 starts × (3000 + 2000) steps on both engines, and the entry's 256 × 4000 in float64.
    const [f32, f64] = await withDevice(async (device) => [
      await checkNetwork(new GpuEnsembleEngine(device), 64, 2000),
      await checkNetwork(undefined, 64, 2000),
    ]);
    const full = await checkNetwork();
    expect([full.bounded, full.period]).toEqual([256, null]);
    expect(Math.abs(full.lyapunov - 0.215)).toBeLessThan(0.003);
    expect(Math.abs(f32.lyapunov - f64.lyapunov)).toBeLessThan(0.01);
    expect(f32.period).toBeNull();
    expect(full.offUnit).toBeLessThan(1e-50);
    // float32 rounds the decay: the switched-off unit stays below 1e-5 there.
    expect(f32.offUnit).toBeLessThan(1e-5);
    expect(entry.claim).toContain('0.215');
  });
});
