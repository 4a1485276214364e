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
