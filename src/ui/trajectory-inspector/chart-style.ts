/** The inspector charts' colours and tick labels (DOM-free, so tests read them). */

/** One colour per curve: GD's iterates and the three flows it is compared with. */
export const CURVES = {
  gd: { colour: '#222222', label: 'GD' },
  gf: { colour: '#1f77b4', label: 'gradient flow', dash: [] as number[] },
  me1: { colour: '#2ca02c', label: 'modified eq. order 1', dash: [7, 3] },
  me2: { colour: '#d62728', label: 'modified eq. order 2', dash: [2, 2] },
} as const;

/** Tick labels without float noise: 0.001, 1e-8, 2.5e+6, never "0, 0, 0" for small values. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    return `${String(Number(m))}e${e.replace('+', '')}`;
  }
  return String(Number(v.toPrecision(4)));
}

/**
 * f on a log scale, drawn as log10 f on a linear axis with a label per decade: uPlot's own log scale
 * builds its ticks from a table of decimals that ends at 1e-32 and failed below it ("Invalid array
 * length", an Adam orbit converging to f = 1e-26 on (1 − xy)²/2), and labelled nothing over 40
 * decades (a diverging orbit up to f = 1e39). Null where f is not a positive finite number; `null`
 * for the whole series where some finite f is not positive (then f is drawn linearly).
 */
export function log10Series(f: ArrayLike<number>): (number | null)[] | null {
  const out: (number | null)[] = [];
  let any = false;
  for (let i = 0; i < f.length; i++) {
    const v = f[i];
    if (!Number.isFinite(v)) {
      out.push(null);
      continue;
    }
    if (!(v > 0)) return null;
    out.push(Math.log10(v));
    any = true;
  }
  return any ? out : null;
}

/** Whole decades in [lo, hi] (log10 units), at most about six of them, evenly spaced. */
export function decadeSplits(lo: number, hi: number): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  const a = Math.ceil(lo);
  const b = Math.floor(hi);
  const step = Math.max(1, Math.ceil((b - a) / 6));
  const out: number[] = [];
  for (let e = Math.ceil(a / step) * step; e <= b; e += step) out.push(e);
  return out;
}

/** A decade's label: 1, 10, 100, 0.1, 0.01, else 1e5, 1e-26. */
export function decadeLabel(e: number): string {
  if (e >= 0 && e <= 2) return String(10 ** e);
  if (e < 0 && e >= -2) return (10 ** e).toFixed(-e);
  return `1e${e}`;
}
