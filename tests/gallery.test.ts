/**
 * One test per gallery entry, asserting the numbers its text claims (float64 reference, small grids).
 */
import { describe, expect, it } from 'vitest';
import {
  boundaryDimension,
  checkBalancing,
  checkEdgeOfStability,
  checkEscape,
  checkGibbs,
  checkMfBifurcation,
  checkMfPeriods,
  checkRegimes,
  diagonalWindows,
} from '../src/gallery/checks.ts';
import { checkBalanceMap, checkEosMap, checkRegimesMap } from '../src/gallery/map-checks.ts';
import { Outcome } from '../src/core/outcome.ts';
import { GALLERY, MF_WINDOWS, getGalleryEntry } from '../src/gallery/entries.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { runGrid } from '../src/reference/grid.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { withDevice } from './helpers/gpu.ts';

describe('gallery entries', () => {
  it('every entry has a valid spec, two paragraphs and a claim', () => {
    expect(GALLERY.map((e) => e.id)).toEqual([
      'regimes',
      'mf-periodic',
      'gibbs',
      'escape',
      'balancing',
      'edge-of-stability',
      'fractal',
      'strange-attractor',
      'network-blobs',
      'heavy-ball',
      'adam-bursts',
    ]);
    for (const e of GALLERY) {
      expect(parseSpec(JSON.parse(JSON.stringify(e.spec)))).toEqual(e.spec);
      expect(e.paragraphs.every((p) => p.length > 100)).toBe(true);
      // The claim's numbers are shown beside a picture the GPU may have drawn in float32: each says
      // the precision it was checked in.
      expect(e.claim, e.id).toMatch(/float64/);
    }
  });
});

describe('1. regimes of x²/2', () => {
  const r = checkRegimes();
  it('h = 0.5 is monotone, h = 1.5 flips sign with f decreasing, h = 2.1 blows up', () => {
    const [a, b, c] = r.trajectories;
    expect([a.monotone, a.alternating, a.diverged]).toEqual([true, false, false]);
    expect([b.monotone, b.alternating, b.fDecreasing, b.diverged]).toEqual([false, true, true, false]);
    expect([c.fDecreasing, c.diverged]).toEqual([false, true]);
  });
  it('the map: starts converge below h = 2 (unsettled just below), escape then diverge above, sooner for larger h', () => {
    const rows = checkRegimesMap(16, 128);
    const only = (lo: number, hi: number, outcomes: Outcome[]) => {
      const band = rows.filter((r) => r.h > lo && r.h < hi);
      expect(band.length).toBeGreaterThan(0);
      for (const r of band)
        for (const o of Object.keys(r.counts).map(Number)) expect(outcomes, `h = ${r.h}`).toContain(o);
      return band;
    };
    only(0, 1.97, [Outcome.CONVERGED]);
    const below = only(1.97, 2, [Outcome.CONVERGED, Outcome.UNSETTLED]);
    expect(below.some((r) => r.counts[Outcome.UNSETTLED])).toBe(true);
    const above = only(2, 2.04, [Outcome.ESCAPING, Outcome.DIVERGED]);
    expect(above.some((r) => r.counts[Outcome.ESCAPING])).toBe(true);
    const diverged = only(2.05, Infinity, [Outcome.DIVERGED]);
    for (let k = 1; k < diverged.length; k++)
      expect(diverged[k].firstEscape).toBeLessThanOrEqual(diverged[k - 1].firstEscape);
    expect(diverged.at(-1)!.firstEscape).toBeLessThan(diverged[0].firstEscape / 3);
  });
  it('errors at fixed T shrink by about 2, 4, 8 for orders 0, 1, 2 when h halves', () => {
    expect(r.ratios.gf).toBeGreaterThan(1.8);
    expect(r.ratios.gf).toBeLessThan(2.2);
    expect(r.ratios.me1).toBeGreaterThan(3.5);
    expect(r.ratios.me1).toBeLessThan(4.5);
    expect(r.ratios.me2).toBeGreaterThan(7);
    expect(r.ratios.me2).toBeLessThan(9);
  });
  it('each order helps for small and medium h but not beyond h = 1', () => {
    for (const row of r.table.slice(0, 3)) {
      expect(row.errors.me1).toBeLessThan(row.errors.gf);
      expect(row.errors.me2).toBeLessThan(row.errors.me1);
    }
    const large = r.table[3];
    expect(large.h).toBe(1.2);
    // Beyond the radius of convergence the order-2 correction makes the flow worse, not better.
    expect(large.errors.me2).toBeGreaterThan(large.errors.me1);
  });
});

describe('2. periodic orbits of (1 - xy)²/2', () => {
  const maps = checkMfPeriods(24);
  it('h = 1.9 (the seed text) has no periodic start: starts diverge or end chaotic', () => {
    const at19 = maps[0];
    expect(at19.lr).toBe(1.9);
    expect(at19.counts.periodic).toEqual({});
    // Chaotic as the outcome definition means it (λ > θ, not merely without a period), and almost
    // every start: only the antidiagonal, GD's way into the saddle at 0, may end elsewhere.
    expect(at19.counts.chaotic).toBeGreaterThan(0);
    expect(at19.counts.unsettled).toBe(0);
    expect(at19.counts.escaping).toBe(0);
    expect(at19.counts.diverged + at19.counts.chaotic).toBeGreaterThanOrEqual(0.99 * 24 * 24);
    expect(at19.counts.diverged).toBeGreaterThan(at19.counts.chaotic);
  });
  it('h = 1.9: the only starts that settle lie on the antidiagonal and end at the saddle 0', () => {
    // What the entry's cream pixels are: x = -y is the saddle's stable direction (curvature 1, so
    // the multiplier 1 - h = -0.9), x = y its unstable one (1 + h): λ = ln 2.9 while the orbit rests at 0.
    const n = 48;
    const spec = parseSpec({ ...getGalleryEntry('mf-periodic')!.spec, size: [n, n] });
    const { columns: c } = runGrid(spec, compileObjective({ expr: spec.objective.expr, params: {} }));
    const settled = [];
    for (let k = 0; k < n * n; k++) if (c.outcome[k] === Outcome.CONVERGED) settled.push(k);
    expect(settled.length).toBeGreaterThan(0);
    for (const k of settled) {
      expect((k % n) + Math.floor(k / n)).toBe(n - 1);
      expect(Math.max(Math.abs(c.final0[k]), Math.abs(c.final1[k]))).toBeLessThan(1e-100);
      expect(c.lyapunov[k]).toBeCloseTo(Math.log(2.9), 6);
    }
  });
  it('periods 2, 4, 3 and 4 attract at the learning rates the entry names', () => {
    expect(maps.slice(1).map((m) => [m.lr, m.dominantPeriod])).toEqual(
      MF_WINDOWS.map((w) => [w.lr, w.period]),
    );
    for (const m of maps.slice(1)) expect(m.counts.aperiodic).toBe(0);
  });
  it('gdlab’s bifurcation diagram near the diagonal finds the windows of periods 2, 4, 3 and 4', async () => {
    const cols = await checkMfBifurcation(96);
    const periodAt = (lr: number) =>
      cols.reduce((a, b) => (Math.abs(b.lr - lr) < Math.abs(a.lr - lr) ? b : a)).period;
    expect([1.1, 1.25, 1.46, 1.84].map(periodAt)).toEqual([2, 4, 3, 4]);
    // Chaos (no common period) at the seed's h = 1.9.
    expect(periodAt(1.9)).toBeNull();
  });

  it('the diagonal scan finds each window where the entry says it is', () => {
    const scan = diagonalWindows(1.0, 1.95, 191);
    const periodAt = (lr: number) =>
      scan.reduce((a, b) => (Math.abs(b.lr - lr) < Math.abs(a.lr - lr) ? b : a)).period;
    expect(periodAt(1.1)).toBe(2);
    expect(periodAt(1.25)).toBe(4);
    expect(periodAt(1.455)).toBe(3);
    expect(periodAt(1.835)).toBe(4);
    expect(periodAt(1.9)).toBe(0);
    // Period 2 holds from just above h = 1 (where 2h = h·f''(1) crosses 2) up to the next doubling near 1.236.
    const two = scan.filter((s) => s.period === 2).map((s) => s.lr);
    expect(Math.min(...two)).toBeLessThan(1.01);
    expect(Math.max(...two)).toBeGreaterThan(1.225);
    expect(Math.max(...two)).toBeLessThan(1.24);
  });
});

describe('3. chaos samples the Gibbs distribution', () => {
  it('L1(histogram, Gibbs) stays below the O(h) bias of the prediction plus 0.03', async () => {
    const { report, bias, bound } = await checkGibbs();
    expect(report.bounded).toBe(256);
    expect(report.T).toBeCloseTo(0.1 / 4, 12);
    expect(bias).toBeGreaterThan(0.01); // the prediction is only first order in h
    expect(report.l1!).toBeLessThan(bound);
    expect(report.l1!).toBeGreaterThan(bias / 2);
  });
  it('the picture as the GPU draws it, in float32, keeps the same bound', async () => {
    // Chaotic orbits part from float64 within tens of steps; the histogram of 256 × 2000 does not.
    const [f32, f64] = await withDevice(async (device) => [
      await checkGibbs(undefined, new GpuEnsembleEngine(device)),
      await checkGibbs(),
    ]);
    expect(f32.report.bounded).toBe(256);
    expect(f32.report.l1!).toBeLessThan(f64.bound);
    expect(Math.abs(f32.report.l1! - f64.report.l1!)).toBeLessThan(0.01);
  });
});

describe('4. escape from local minima', () => {
  const e = checkEscape(24, 32);
  const eps = 0.01;
  const A = 1;
  it('a small h stays in the local minimum next to its start', () => {
    const small = e.lr.map((h, i) => [h, e.maxMove[i]]).filter(([h]) => h < 0.01);
    expect(small.length).toBeGreaterThan(0);
    for (const [, move] of small) expect(move).toBeLessThan(2 * Math.PI * eps);
  });
  const cols = e.lr.map((h, i) => ({ h, move: e.maxMove[i], maxAbs: e.maxAbs[i], rms: e.rms[i] }));
  const rootT = (h: number) => Math.sqrt((h * A * A) / 4);
  it('between h ≈ 0.02 and 0.065 the colours mix, but flatter wells far out still catch a start', () => {
    // h·f″ > 2 on the wells near 0 from h = 2/(1 + A/ε) ≈ 0.0198; at |x| = 0.9 only from 2/45.
    const mid = cols.filter((c) => c.h > 0.025 && c.h < 0.05);
    expect(mid.length).toBeGreaterThan(0);
    for (const c of mid) expect(c.maxAbs).toBeGreaterThan(0.5);
    expect(Math.max(...mid.map((c) => c.move))).toBeGreaterThan(2 * Math.PI * eps);
  });
  it('a large h leaves its start and ends within 4√T of the macroscopic minimum', () => {
    const wide = cols.filter((c) => c.h > 0.07);
    expect(wide.length).toBeGreaterThan(10);
    for (const c of wide) expect(c.maxAbs).toBeLessThan(4 * rootT(c.h));
    const large = cols.filter((c) => c.h > 0.2);
    expect(large.length).toBeGreaterThan(3);
    for (const c of large) expect(c.move).toBeGreaterThan(0.3);
    // The spread is about √T: rms over the 32 starts of every such column, pooled (1.12 here).
    const pooled = Math.sqrt(large.reduce((s, c) => s + (c.rms / rootT(c.h)) ** 2, 0) / large.length);
    expect(Math.abs(pooled - 1)).toBeLessThan(0.2);
  });
});

describe('5. balancing', () => {
  const { L, rows } = checkBalancing([0.1, 0.12, 0.15, 0.19, 0.22, 0.24, 0.26]);
  it('below 2/L GD keeps the start’s imbalance; inside (2/L, 4/L) it balances within the bound', () => {
    expect(2 / L).toBeGreaterThan(0.12);
    expect(rows[0].balance).toBeGreaterThan(3.7);
    for (const r of rows.filter((r) => r.converged)) expect(r.balance).toBeLessThanOrEqual(r.bound + 1e-9);
    const at19 = rows.find((r) => r.h === 0.19)!;
    expect(at19.converged).toBe(true);
    expect(at19.balance).toBeLessThan(0.5);
  });
  it('beyond 4/L it diverges', () => {
    expect(4 / L).toBeLessThan(0.26);
    expect(rows.find((r) => r.h === 0.26)!.diverged).toBe(true);
  });
  it('on the map every converged pixel is within the bound, and every other one diverged', () => {
    const m = checkBalanceMap(64, 32);
    expect(m.converged).toBeGreaterThan(1500);
    expect(m.excess).toBeLessThanOrEqual(0);
    expect(m.converged + m.diverged).toBe(64 * 32);
  });
});

describe('6. edge of stability', () => {
  const rows = checkEdgeOfStability();
  it('sharpness settles within 1% below 2/h when 2/h is below the flow limit, else at the flow limit', () => {
    for (const r of rows) {
      if (2 / r.h < r.flowLimit) {
        expect(r.sharpness).toBeLessThan(2 / r.h);
        expect(r.sharpness).toBeGreaterThan(0.99 * (2 / r.h));
        expect(r.peak).toBeGreaterThan(2 / r.h); // it overshoots the edge before settling
      } else {
        expect(Math.abs(r.sharpness - r.flowLimit) / r.flowLimit).toBeLessThan(0.01);
      }
    }
    expect(rows.filter((r) => 2 / r.h < r.flowLimit).length).toBe(3);
  });
  it('the map: converged pixels follow min(2/h, flow limit) within 1%; the upper right diverges', () => {
    const m = checkEosMap(64, 32);
    expect(m.converged).toBeGreaterThan(1400);
    expect(m.worst).toBeLessThan(0.01);
    // A fifth of the map diverges, all of it at large h and large x₀, as the text says.
    expect(m.diverged).toBeGreaterThan(300);
    expect(m.minDivergedH).toBeGreaterThan(0.08);
    expect(m.minDivergedX0).toBeGreaterThan(3.7);
  });
  it('from the entry’s start GD diverges from h = 0.1302 on, just past its largest rate', () => {
    const [at13, past] = checkEdgeOfStability([0.13, 0.1302]);
    expect(at13.escape).toBeNull();
    expect(at13.sharpness).toBeLessThan(2 / 0.13);
    expect(past.escape).not.toBeNull();
  });
});

describe('7. fractal trainability boundary', () => {
  const entry = getGalleryEntry('fractal')!;
  it('the boundary dimension exceeds 1.3 at zoom ×1, ×10 and ×100', () => {
    const specs = [entry.spec, ...entry.variants!.map((v) => v.spec)];
    const dims = specs.map((s) => boundaryDimension(s, 24).dimension);
    for (const d of dims) expect(d).toBeGreaterThan(1.3);
  });
});
