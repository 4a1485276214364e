/**
 * Curves drawn over a map to read it by: the curve of minimizers of the factorisation objectives in
 * their (x, y) plane (xy = 1 for (1 − xy)²/2, xy = ±1 for ¼(x²y² − 1)²), where the clicked orbit can
 * be seen to land, and which minimizers it avoids.
 */
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { planeToScreen, type Size, type View } from '../shared/view.ts';

/** The hyperbola xy = c (symmetric in x and y, so either axis order shows it). */
export interface Guide {
  c: number;
  label: string;
}

const squash = (s: string) => s.replace(/\s+/g, '');
const MINIMIZERS: Record<string, Guide[]> = {
  '(1-x*y)^2/2': [{ c: 1, label: 'minimizers xy = 1' }],
  '(x^2*y^2-1)^2/4': [
    { c: 1, label: 'minimizers xy = ±1' },
    { c: -1, label: 'minimizers xy = ±1' },
  ],
};

/** The guides of a spec: its objective's minimizers when the plane is the (x, y) plane. */
export function minimizerGuides(spec: ExperimentSpec): Guide[] {
  const q = [spec.plane.u.quantity, spec.plane.v.quantity].sort().join(',');
  if (q !== 'x,y') return [];
  return MINIMIZERS[squash(spec.objective.expr)] ?? [];
}

/**
 * Screen polylines of xy = c within the view: both branches, sampled along whichever axis keeps the
 * samples dense where the curve is steep. Points far outside are dropped.
 */
export function guidePolylines(g: Guide, view: View, size: Size, samples = 240): [number, number][][] {
  const lines: [number, number][][] = [];
  const inView = (p: [number, number]) =>
    p[0] > -size.width && p[0] < 2 * size.width && p[1] > -size.height && p[1] < 2 * size.height;
  for (const axis of ['u', 'v'] as const) {
    const [lo, hi] = view[axis];
    const line: [number, number][] = [];
    for (let k = 0; k <= samples; k++) {
      const a = lo + ((hi - lo) * k) / samples;
      // Sample each variable where the curve is flatter in it: |a| ≥ √|c| along this axis.
      if (Math.abs(a) < Math.sqrt(Math.abs(g.c))) {
        if (line.length > 1) lines.push(line.splice(0));
        line.length = 0;
        continue;
      }
      const b = g.c / a;
      const p = axis === 'u' ? planeToScreen(view, size, a, b) : planeToScreen(view, size, b, a);
      if (inView(p)) line.push(p);
      else if (line.length > 1) lines.push(line.splice(0));
      else line.length = 0;
    }
    if (line.length > 1) lines.push(line);
  }
  return lines;
}
