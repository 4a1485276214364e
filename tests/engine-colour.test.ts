/** The GPU colour pass against the CPU colouring (src/colormaps.ts), on a real engine result. */
import { describe, expect, test } from 'vitest';
import { colormapLut, colourPixels, fieldRanges, resolveColourSettings } from '../src/colormaps.ts';
import { OUTCOME_PALETTE } from '../src/palette.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes, RECORD_BYTES } from '../src/core/records.ts';
import { COLORMAPS, type ColourField } from '../src/experiment/spec.ts';
import { runGrid } from '../src/reference/grid.ts';
import { anisoGpu, fixtureCompiler, smallSpec, wellMap } from './engine-fixtures.ts';
import { readBuffer, withDevice } from './helpers/gpu.ts';

describe('colormaps', () => {
  test('tables run from the first stop to the last, and gray is linear', () => {
    const v = colormapLut('viridis');
    expect([...v.slice(0, 4)]).toEqual([0x44, 0x01, 0x54, 255]);
    expect([...v.slice(255 * 4, 256 * 4)]).toEqual([0xfd, 0xe7, 0x25, 255]);
    const g = colormapLut('gray');
    for (let i = 0; i < 256; i++) expect(g[i * 4]).toBe(i);
    for (const name of COLORMAPS) expect(colormapLut(name).length).toBe(1024);
  });

  test('the outcome palette gives every period up to 64 its own colour, and 2–16 colours one can tell apart', () => {
    const P = OUTCOME_PALETTE;
    const keys = new Set(P.periods.map((c) => c.join()));
    expect(P.periods.length).toBe(63);
    expect(keys.size).toBe(63);
    const fixed = [
      P.diverged[0],
      P.diverged[1],
      P.converged,
      P.chaotic[0],
      P.chaotic[1],
      P.unsettled,
      P.escaping,
      P.nan,
    ];
    for (const c of fixed) expect(keys.has(c.join())).toBe(false);
    // CIE76 colour difference: above 15 two swatches side by side read as different colours.
    const base = P.periods.slice(0, 15);
    const chaoticMid = P.chaotic[0].map((v, k) => (v + P.chaotic[1][k]) / 2);
    let least = Infinity;
    for (let i = 0; i < base.length; i++) {
      for (let j = i + 1; j < base.length; j++) least = Math.min(least, deltaE(base[i], base[j]));
      for (const c of [...fixed, chaoticMid]) least = Math.min(least, deltaE(base[i], c));
    }
    expect(least).toBeGreaterThan(15);
  });
});

/** CIE76 ΔE between two sRGB colours (D65). */
function deltaE(a: readonly number[], b: readonly number[]): number {
  const lab = (c: readonly number[]) => {
    const lin = c.map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    const X = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
    const Y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    const Z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
    return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

describe('GPU colour pass', () => {
  test('matches the CPU colouring for every field, with and without log, tiled or not', async () => {
    // mf-scalar at h = 1.3: diverged, periodic and unsettled pixels side by side.
    const spec = smallSpec({
      lr: 1.3,
      iterations: 300,
      transient: 200,
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
    });
    await withDevice(async (device) => {
      const result = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      // 10 rows of 48 records per tile: five tiles coloured into one picture.
      const tiled = await new GpuBasinEngine(device, fixtureCompiler, {
        maxBindingBytes: 10 * 48 * RECORD_BYTES,
      }).runBasin(spec);
      expect(tiled.records).toHaveLength(5);
      const columns = await result.readAll();
      const counts = countOutcomes(columns);
      expect(counts.diverged).toBeGreaterThan(100);
      expect(Object.keys(counts.periodic).length + (counts.aperiodic > 0 ? 1 : 0)).toBeGreaterThan(0);
      const cases: [ColourField, boolean, (typeof COLORMAPS)[number], [number, number] | null][] = [
        ['outcome', false, 'viridis', null],
        ['escape', true, 'magma', null],
        ['escape', false, 'turbo', null],
        ['period', false, 'cividis', null],
        ['lyapunov', false, 'plasma', null],
        ['sharpness', true, 'inferno', null],
        ['final0', false, 'gray', null],
        // Log of a field with negative values: the range starts at the least positive one.
        ['final0', true, 'gray', null],
        ['f', true, 'viridis', null],
        // A fixed range (through log10), and one that is not valid and falls back to the data's.
        ['f', true, 'turbo', [1e-3, 10]],
        ['final1', false, 'magma', [2, 1]],
      ];
      for (const [field, log, colormap, range] of cases) {
        const colour = { field, colormap, log, range };
        // The CPU colours the full readback with the range of its columns; the GPU reads its range
        // from the run's statistics.
        const cpu = colourPixels(columns, resolveColourSettings({ ...spec, colour }, columns));
        const gpu = await result.readImage(colour);
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
        expect(await tiled.readImage(colour), `${field} tiled`).toEqual(gpu);
      }
      // The lab's path (colourInto) on a result that no colour has asked for ranges yet: the range
      // pass runs first, and the pixels are readImage's.
      const fresh = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      expect(fresh.ranges).toBeNull();
      const sharp = { field: 'sharpness', colormap: 'inferno', log: true, range: null } as const;
      const pixels = device.createBuffer({
        size: 48 * 48 * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      });
      await fresh.colourInto(pixels, sharp);
      expect(fresh.ranges).toEqual(await result.ensureRanges());
      const into = new Uint8ClampedArray(await readBuffer(device, pixels, 48 * 48 * 4));
      expect(into).toEqual(await result.readImage(sharp, { flip: false }));
      pixels.destroy();
      fresh.dispose();
      // Image order: the top row of the picture is the record row H - 1 (v = max).
      const W = 48;
      const rgba = await result.readImage(spec.colour);
      const unflipped = await result.readImage(spec.colour, { flip: false });
      expect([...unflipped.slice(0, 4 * W)]).toEqual([...rgba.slice(47 * W * 4, 48 * W * 4)]);
      result.dispose();
      tiled.dispose();
    });
  });

  test('an automatic range leaves escaping pixels out, and is theirs where no other pixel has a value', async () => {
    // GD on x²/2 (y stays at 0) over x₀ ∈ [-2, 2] and h ∈ [1.96, 2.04] for 300 steps: x_N = (1 - h)^N x₀
    // shrinks below h = 2 and grows above it, by up to 1.039^300 ≈ 10⁵ while inside the radius 10⁶
    // (escaping).
    const map = (lr: [number, number]) =>
      smallSpec({
        objective: { expr: 'a*x^2/2 + b*y^2/2', preset: null, params: { a: 1, b: 1 } },
        x0: [0, 0],
        size: [32, 32],
        plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'lr', min: lr[0], max: lr[1] } },
      });
    const final0 = { field: 'final0', colormap: 'viridis', log: false, range: null } as const;
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      const result = await engine.runBasin(map([1.96, 2.04]));
      const columns = await result.readAll();
      const escaping = columns.outcome.map((o) => (o === Outcome.ESCAPING ? 1 : 0));
      // The upper half escapes; below h = 2, 88 pixels converge and the rest have not settled.
      expect(countOutcomes(columns)).toMatchObject({ escaping: 512, diverged: 0 });
      expect(countOutcomes(columns).converged).toBeGreaterThan(50);
      let far = 0;
      columns.final0.forEach((v, k) => escaping[k] && (far = Math.max(far, Math.abs(v))));
      expect(far).toBeGreaterThan(100);
      const ranges = fieldRanges(columns);
      // The others' x_N: within 0.99875^300 · 2 ≈ 1.37 of 0 (the row below h = 2 is at h = 1.99875).
      expect(Math.max(-ranges.final0!.min, ranges.final0!.max)).toBeLessThan(1.4);
      expect(ranges.final0!.max).toBeGreaterThan(0.1);
      expect(await result.ensureRanges()).toEqual(ranges);
      const cpu = colourPixels(
        columns,
        resolveColourSettings({ ...map([1.96, 2.04]), colour: final0 }, columns),
      );
      const gpu = await result.readImage(final0);
      let exact = 0;
      for (let k = 0; k < cpu.length; k += 4)
        if ([0, 1, 2, 3].every((c) => cpu[k + c] === gpu[k + c])) exact++;
      expect(exact / (cpu.length / 4)).toBeGreaterThanOrEqual(0.99);
      result.dispose();
      // Escaping (and diverged) pixels alone: the range is the escaping pixels' own.
      const runaway = await engine.runBasin(map([2.004, 2.02]));
      const c2 = await runaway.readAll();
      expect(countOutcomes(c2).escaping + countOutcomes(c2).diverged).toBe(32 * 32);
      const bounded = c2.final0.filter((_, k) => c2.outcome[k] === Outcome.ESCAPING);
      const r2 = await runaway.ensureRanges();
      expect(r2).toEqual(fieldRanges(c2));
      expect([r2.final0!.min, r2.final0!.max]).toEqual([Math.min(...bounded), Math.max(...bounded)]);
      runaway.dispose();
    });
  });

  test('a constant field sits in the middle of its range: every pixel the LUT entry for t = 0.5', async () => {
    // GD on (x² + y²)/2 at h = 0.5 halves x every step: every pixel converges, so the period field is
    // 1 everywhere (log10: 0). A range lo = hi is widened to [lo - 0.5, hi + 0.5], t = 0.5, entry 128.
    const spec = smallSpec({
      objective: { expr: 'a*x^2/2 + b*y^2/2', preset: null, params: { a: 1, b: 1 } },
      lr: 0.5,
      size: [16, 16],
      plane: { u: { quantity: 'x', min: -1, max: 1 }, v: { quantity: 'y', min: -1, max: 1 } },
    });
    await withDevice(async (device) => {
      const result = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      expect(countOutcomes(await result.readAll()).converged).toBe(256);
      for (const log of [false, true]) {
        const gpu = await result.readImage({ field: 'period', colormap: 'viridis', log, range: null });
        const mid = [...colormapLut('viridis').slice(128 * 4, 129 * 4)];
        for (let k = 0; k < gpu.length; k += 4) expect([...gpu.slice(k, k + 4)], `log ${log}`).toEqual(mid);
      }
      result.dispose();
    });
  });

  test('on the CPU too: a constant field is widened by 0.5 each side, to the LUT entry for t = 0.5', () => {
    // The same map in float64: period 1 everywhere (log10: 0). [1 - 0.5, 1 + 0.5] (or [-0.5, 0.5] of
    // the logs) puts it at t = 0.5, entry 128 of 256; a lopsided widening would not.
    for (const log of [false, true]) {
      const spec = smallSpec({
        objective: { expr: 'a*x^2/2 + b*y^2/2', preset: null, params: { a: 1, b: 1 } },
        lr: 0.5,
        size: [16, 16],
        plane: { u: { quantity: 'x', min: -1, max: 1 }, v: { quantity: 'y', min: -1, max: 1 } },
        colour: { field: 'period', colormap: 'viridis', log, range: null },
      });
      const columns = runGrid(spec, anisoGpu).columns;
      expect(countOutcomes(columns).converged).toBe(256);
      const settings = resolveColourSettings(spec, columns);
      expect(settings.range, `log ${log}`).toEqual(log ? [-0.5, 0.5] : [0.5, 1.5]);
      const cpu = colourPixels(columns, settings);
      const mid = [...colormapLut('viridis').slice(128 * 4, 129 * 4)];
      for (let k = 0; k < cpu.length; k += 4) expect([...cpu.slice(k, k + 4)], `log ${log}`).toEqual(mid);
    }
  });

  test('colours every outcome as the CPU does: chaos and escape times mixed, periods, the rest', async () => {
    // The double well over (lr, x): diverged, converged, periods, chaos and unsettled side by side.
    const spec = wellMap();
    await withDevice(async (device) => {
      const result = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      const columns = await result.readAll();
      const counts = countOutcomes(columns);
      expect(counts.chaotic).toBeGreaterThan(20);
      expect(counts.diverged).toBeGreaterThan(100);
      expect(Object.keys(counts.periodic).length).toBeGreaterThanOrEqual(2);
      const cpu = colourPixels(columns, resolveColourSettings(spec, columns));
      const gpu = await result.readImage(spec.colour);
      // Escape-time and λ mixes round alike in f32 and float64 but for a unit here and there.
      let far = 0;
      for (let k = 0; k < cpu.length; k++) if (Math.abs(cpu[k] - gpu[k]) > 1) far++;
      expect(far).toBe(0);
      result.dispose();
    });
  });
});
