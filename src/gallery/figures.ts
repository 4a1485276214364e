/**
 * Tables shown with a gallery entry, so that a claim made in numbers is visible beside its picture:
 * computed on demand in float64 by the same checks tests/gallery.test.ts asserts.
 */
import { checkRegimes } from './checks.ts';

export interface GalleryTable {
  caption: string;
  head: string[];
  rows: string[][];
}

const fmt = (v: number) => (v < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

/** Errors of the three flows against GD at a fixed time, and their ratios when h halves. */
export function flowErrorTable(): GalleryTable {
  const r = checkRegimes();
  const rows = r.table.map((row) => [
    String(row.h),
    fmt(row.errors.gf),
    fmt(row.errors.me1),
    fmt(row.errors.me2),
  ]);
  // The ratio row goes right under the two rates it compares (0.05 and 0.1).
  rows.splice(2, 0, [
    'ratio 0.1 / 0.05',
    r.ratios.gf.toFixed(2),
    r.ratios.me1.toFixed(2),
    r.ratios.me2.toFixed(2),
  ]);
  return {
    caption: '|x_GD − x_flow| at T = k·h = 2.4 from x₀ = 1 (float64)',
    head: ['h', 'gradient flow', 'order 1', 'order 2'],
    rows,
  };
}

/** The table of an entry, or null for entries whose picture says it all. */
export function entryTable(id: string): GalleryTable | null {
  return id === 'regimes' ? flowErrorTable() : null;
}
