/** The GPU colour pass against the CPU colouring (src/colormaps.ts), on a real engine result. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  colormapLut,
  colourPixels,
  OUTCOME_PALETTE,
  resolveColourSettings,
  type ColourSettings,
} from '../src/colormaps.ts';
import { GpuColouriser } from '../src/engine/colour-pass.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { COLOUR_UNIFORM_FIELDS } from '../src/engine/layouts.ts';
import { countOutcomes } from '../src/core/outcome.ts';
import { COLORMAPS, parseSpec, type ColourField } from '../src/experiment/spec.ts';
import { fixtureCompiler, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

test('ColourUniforms in shaders/colour.wgsl matches COLOUR_UNIFORM_FIELDS', () => {
  const text = readFileSync(new URL('../shaders/colour.wgsl', import.meta.url), 'utf8');
  const body = /struct ColourUniforms \{([^}]*)\}/.exec(text)![1];
  const fields = [...body.matchAll(/(\w+): (\w+),/g)].map((m) => [m[1], m[2]]);
  expect(fields).toEqual(COLOUR_UNIFORM_FIELDS.map(([n, t]) => [n, t]));
});

describe('colormaps', () => {
  test('tables run from the first stop to the last, and gray is linear', () => {
    const v = colormapLut('viridis');
    expect([...v.slice(0, 4)]).toEqual([0x44, 0x01, 0x54, 255]);
    expect([...v.slice(255 * 4, 256 * 4)]).toEqual([0xfd, 0xe7, 0x25, 255]);
    const g = colormapLut('gray');
    for (let i = 0; i < 256; i++) expect(g[i * 4]).toBe(i);
    for (const name of COLORMAPS) expect(colormapLut(name).length).toBe(1024);
  });

  test('the outcome palette gives every period up to 13 its own colour', () => {
    const keys = new Set(OUTCOME_PALETTE.periods.map((c) => c.join()));
    expect(keys.size).toBe(12);
    expect(keys.has(OUTCOME_PALETTE.converged.join())).toBe(false);
  });
});

describe('GPU colour pass', () => {
  test('matches the CPU colouring for every field, with and without log, tiled or not', async () => {
    // mf-scalar at h = 1.3: diverged, period-16 and aperiodic pixels side by side.
    const spec = smallSpec({
      lr: 1.3,
      iterations: 300,
      transient: 200,
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
    });
    await withDevice(async (device) => {
      const result = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      const counts = countOutcomes(result.columns);
      expect(counts.diverged).toBeGreaterThan(100);
      expect(Object.keys(counts.periodic).length + (counts.aperiodic > 0 ? 1 : 0)).toBeGreaterThan(0);
      const colouriser = new GpuColouriser(device);
      // 10 rows of 48 records per tile: five uploads for one picture.
      const tiled = new GpuColouriser(device, 10 * 48 * 48);
      const cases: [ColourField, boolean, (typeof COLORMAPS)[number]][] = [
        ['outcome', false, 'viridis'],
        ['escape', true, 'magma'],
        ['escape', false, 'turbo'],
        ['period', false, 'cividis'],
        ['lyapunov', false, 'plasma'],
        ['sharpness', true, 'inferno'],
        ['final0', false, 'gray'],
        ['f', true, 'viridis'],
      ];
      for (const [field, log, colormap] of cases) {
        const s: ColourSettings = resolveColourSettings(
          parseSpec({ ...spec, colour: { field, colormap, log, range: null } }),
          result.columns,
        );
        const cpu = colourPixels(result.columns, s);
        const gpu = await colouriser.colour(result.columns, s);
        expect(gpu.length).toBe(cpu.length);
        let exact = 0;
        let worst = 0;
        for (let k = 0; k < cpu.length; k += 4) {
          let d = 0;
          for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(cpu[k + c] - gpu[k + c]));
          if (d === 0) exact++;
          worst = Math.max(worst, d);
        }
        // f32 log and division may land one LUT entry over (a few units) or round one unit apart.
        expect(exact / (cpu.length / 4), `${field} ${log}`).toBeGreaterThanOrEqual(0.99);
        expect(worst, `${field} ${log}`).toBeLessThanOrEqual(8);
        expect(await tiled.colour(result.columns, s)).toEqual(gpu);
      }
      // Image order: the top row of the picture is the record row H - 1 (v = max).
      const s = resolveColourSettings(spec, result.columns);
      const rgba = colourPixels(result.columns, s);
      const W = 48;
      const unflipped = colourPixels(result.columns, s, false);
      expect([...unflipped.slice(0, 4 * W)]).toEqual([...rgba.slice(47 * W * 4, 48 * W * 4)]);
    });
  });
});
