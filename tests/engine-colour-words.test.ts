/**
 * Pictures by outcome from summary words (RunOptions.records 'outcome'): the run keeps one word a pixel
 * (and λ, with the exponent) instead of its records, and the outcome colours, the lab's pixel buffer,
 * a record read under the pointer and a later picture of a field are those of the run that kept its
 * records, pixel for pixel and bit for bit.
 */
import { describe, expect, test } from 'vitest';
import { countOutcomes, RECORD_BYTES } from '../src/core/records.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { defaultSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { fixtureCompiler, mfPlane, smallSpec, wellMap } from './engine-fixtures.ts';
import { readBuffer, withDevice } from './helpers/gpu.ts';

const lyapunovColour = { field: 'lyapunov', colormap: 'plasma', log: false, range: null } as const;

/** The lab's path: colourInto a W×H buffer, read back (row 0 at the bottom). */
async function colouredInto(
  device: GPUDevice,
  result: Awaited<ReturnType<GpuBasinEngine['runBasin']>>,
  colour: ExperimentSpec['colour'],
): Promise<Uint8ClampedArray> {
  const size = result.width * result.height * 4;
  const pixels = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  try {
    await result.colourInto(pixels, colour);
    return new Uint8ClampedArray(await readBuffer(device, pixels, size));
  } finally {
    pixels.destroy();
  }
}

describe('pictures by outcome from summary words', () => {
  test('chaos shaded by λ, escape times, periods: the kept records’ picture, tiled or not', async () => {
    const spec = wellMap();
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      const kept = await engine.runBasin(spec, { records: 'keep' });
      const columns = await kept.readAll();
      const counts = countOutcomes(columns);
      // Every outcome colour the words must reproduce is on the map.
      expect(counts.chaotic).toBeGreaterThan(20);
      expect(counts.diverged).toBeGreaterThan(100);
      expect(Object.keys(counts.periodic).length).toBeGreaterThanOrEqual(2);
      const want = await kept.readImage(spec.colour);
      const wantInto = await colouredInto(device, kept, spec.colour);

      const words = await engine.runBasin(spec, { records: 'outcome' });
      expect(words.records).toBeNull();
      expect(words.words?.summary).toHaveLength(1);
      expect(words.words?.lyap).toHaveLength(1);
      expect(words.counts).toEqual(kept.counts);
      expect(await words.readImage(spec.colour)).toEqual(want);
      expect(await colouredInto(device, words, spec.colour)).toEqual(wantInto);
      // Chaotic pixels differ in shade by λ: a λ read wrong would show.
      const chaotic = [...columns.outcome.keys()].filter((k) => columns.outcome[k] === 3);
      const shades = new Set(chaotic.map((k) => new Uint32Array(wantInto.buffer)[k]));
      expect(shades.size).toBeGreaterThan(5);
      // A record under the pointer is computed again, bit for bit the kept one; the cost model does
      // not learn from a one-pixel dispatch.
      const cost = engine.costs.cost(words.context.key);
      for (const k of [chaotic[0], chaotic[chaotic.length - 1], 0, 48 * 48 - 1])
        expect(await words.readRecord(k), `pixel ${k}`).toEqual(await kept.readRecord(k));
      expect(engine.costs.cost(words.context.key)).toEqual(cost);
      expect(words.records).toBeNull();
      // A field's picture computes the records once and keeps them.
      expect(words.colourable(lyapunovColour)).toBe(true);
      expect(await colouredInto(device, words, lyapunovColour)).toEqual(
        await colouredInto(device, kept, lyapunovColour),
      );
      expect(words.records).toHaveLength(1);
      expect(await words.readImage(spec.colour)).toEqual(want);

      // Five tiles of words coloured into one picture.
      const tiled = await new GpuBasinEngine(device, fixtureCompiler, {
        maxBindingBytes: 10 * 48 * RECORD_BYTES,
      }).runBasin(spec, { records: 'outcome' });
      expect(tiled.words?.summary).toHaveLength(5);
      expect(await tiled.readImage(spec.colour)).toEqual(want);
      expect(await colouredInto(device, tiled, spec.colour)).toEqual(wantInto);
      for (const r of [kept, words, tiled]) r.dispose();
    });
  });

  test('without the exponent: words alone, no λ; records over the budget leave the words', async () => {
    // mf-scalar at h = 1.3: diverged, periodic and unsettled pixels side by side.
    const classify = { ...defaultSpec().classify, lyapunov: false };
    const spec = smallSpec({ lr: 1.3, iterations: 300, transient: 200, plane: mfPlane, classify });
    await withDevice(async (device) => {
      const kept = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      const want = await kept.readImage(spec.colour);
      expect(new Set(new Uint32Array(want.buffer)).size).toBeGreaterThan(3);
      const words = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec, { records: 'outcome' });
      expect(words.words?.lyap).toBeNull();
      expect(await words.readImage(spec.colour)).toEqual(want);
      // Records over the memory budget, words within it: the outcome picture needs no GD again, a
      // field's cannot be kept (each picture recomputes its tiles), and the lab is told so.
      const budget = new GpuBasinEngine(device, fixtureCompiler, { maxRecordBytes: 48 * 48 * 8 });
      const over = await budget.runBasin(spec, { records: 'keep' });
      expect(over.records).toBeNull();
      expect(over.words?.summary).toHaveLength(1);
      expect(over.notes?.join()).toMatch(/pictures by outcome come from summary words/);
      expect(over.colourable(spec.colour)).toBe(true);
      expect(over.colourable(lyapunovColour)).toBe(false);
      expect(await over.readImage(spec.colour)).toEqual(want);
      expect(await over.readImage(lyapunovColour)).toEqual(await kept.readImage(lyapunovColour));
      expect(over.records).toBeNull();
      // Counts alone keep nothing.
      const none = await budget.runBasin(spec, { records: 'none' });
      expect(none.words).toBeNull();
      expect(none.colourable(spec.colour)).toBe(false);
      for (const r of [kept, words, over, none]) r.dispose();
    });
  });
});
