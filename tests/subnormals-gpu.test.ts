/**
 * Whether a device flushes float32's subnormals to zero (src/engine/subnormals.ts), and why the
 * engines say so: the gallery's Adam bursts on x²/2 pass below 1.18e-38 between bursts, and where the
 * remnant of a burst is flushed the orbit rests at exactly 0 and its column reads converged.
 */
import { expect, test } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { precisionWords } from '../src/core/engine.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { probeSubnormals } from '../src/engine/subnormals.ts';
import { checkAdamEnvelope } from '../src/gallery/optimizer-checks.ts';
import { getGalleryEntry } from '../src/gallery/entries.ts';
import { withDevice } from './helpers/gpu.ts';

test('the probe: SwiftShader flushes float32 subnormals, and the engines say so with their precision', async () => {
  await withDevice(async (device, gpu) => {
    const flushed = await probeSubnormals(device);
    // This project's test adapter is SwiftShader, which flushes; another adapter states its own.
    if (/swiftshader/i.test(gpu.adapterName)) expect(flushed).toBe(true);
    const engine = new GpuEnsembleEngine(device, { adapter: gpu.adapterName });
    const r = await checkAdamEnvelope(4, 2, engine);
    expect(r.columns).toHaveLength(4);
    expect(engine.info.subnormals).toBe(flushed ? 'flushed' : 'kept');
    expect(precisionWords(engine.info)).toBe(flushed ? 'float32, subnormals flushed to zero' : 'float32');
  });
});

test("the gallery's Adam picture in float32: flushed subnormals end bursts at 0, float64's never end", async () => {
  // The entry's own 200 × 8 ensemble, 24 000 steps each (about 5 s on SwiftShader).
  const { columns, flushed } = await withDevice(async (device, gpu) => {
    const engine = new GpuEnsembleEngine(device, { adapter: gpu.adapterName });
    const r = await checkAdamEnvelope(undefined, undefined, engine);
    return { columns: r.columns, flushed: engine.info.subnormals === 'flushed' };
  });
  expect(columns).toHaveLength(200);
  const converged = columns.filter((c) => c.outcome === Outcome.CONVERGED);
  const chaotic = columns.filter((c) => c.outcome === Outcome.CHAOTIC);
  expect(columns.every((c) => c.diverged === 0)).toBe(true);
  if (flushed) {
    // 86 of 200 on SwiftShader, the first 22 (h < 0.6) all.
    expect(converged.length).toBeGreaterThanOrEqual(70);
    expect(converged.length).toBeLessThanOrEqual(100);
    expect(converged.length + chaotic.length).toBe(200);
    expect(columns.slice(0, 20).every((c) => c.outcome === Outcome.CONVERGED)).toBe(true);
  } else {
    // Gradual underflow keeps a remnant that the next burst grows from (float32 emulated with
    // Math.fround kept bursting at every rate tried); unmeasured on a GPU that keeps subnormals.
    expect(converged.length).toBeLessThan(20);
  }
  // The entry says it, with SwiftShader's count.
  const text = getGalleryEntry('adam-bursts')!.paragraphs.join(' ');
  expect(text).toMatch(/flush subnormals to zero/);
  if (flushed) expect(text).toContain(`on SwiftShader ${converged.length} of the 200 columns`);
});
