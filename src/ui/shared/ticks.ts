/**
 * Axis ticks: "nice" values (1, 2 or 5 times a power of ten) and labels with just enough digits to
 * tell neighbouring ticks apart, which matters deep in a zoom where every tick starts 1.2345…
 */

/** Tick values in [min, max], about `target` of them, at a step of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min) || target < 1) return [];
  const step = niceStep((max - min) / target);
  // A little slack so that 1.23456 / 5e-6 = 246912.00000000003 still starts at 246912.
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const out: number[] = [];
  // Multiplying an integer by the step (rather than accumulating) keeps 0.30000000000000004 away.
  for (let k = first; k <= last && out.length < 1000; k++) out.push(k * step);
  return out;
}

/** The nice step nearest above `raw`. */
export function niceStep(raw: number): number {
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const m = raw / base;
  // Slack again: (0.4 - 0.1) / 3 = 0.10000000000000002 is a step of 0.1, not 0.2.
  const eps = 1e-9;
  const nice = m <= 1 + eps ? 1 : m <= 2 + eps ? 2 : m <= 5 + eps ? 5 : 10;
  return nice * base;
}

/** Labels for ticks: fixed notation with the step's decimals, or exponent notation for huge/tiny values. */
export function formatTicks(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0]) || 1;
  const big = Math.max(...ticks.map(Math.abs));
  if (big >= 1e6 || (big > 0 && big < 1e-4)) {
    // Mantissa digits: as many as separate this tick's exponent from the step's.
    const stepExp = Math.floor(Math.log10(step) + 1e-9);
    return ticks.map((t) => {
      if (t === 0) return '0';
      const digits = Math.floor(Math.log10(Math.abs(t)) + 1e-9) - stepExp;
      return t.toExponential(Math.min(15, Math.max(0, digits)));
    });
  }
  const decimals = Math.max(0, Math.min(15, -Math.floor(Math.log10(step) + 1e-9)));
  return ticks.map((t) => {
    const s = t.toFixed(decimals);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  });
}

/** A short readable number for readouts and legends. */
export function formatValue(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits + 2)));
}

/**
 * Ticks of a log₁₀ scale labelled with the values themselves: positions are log₁₀ v in [lo, hi],
 * values 1, 2 and 5 times powers of ten (every digit when the range is short, powers of ten alone
 * when it is long), so a colour bar of escape steps reads 5, 10, 20, not 0.7, 1, 1.3.
 */
export function logTicks(lo: number, hi: number): { at: number; label: string }[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) return [];
  const pick = (mantissas: number[]) => {
    const out: { at: number; label: string }[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi) && out.length < 1000; e++)
      for (const m of mantissas) {
        const at = Math.log10(m) + e;
        const v = m * 10 ** e;
        if (at >= lo - 1e-9 && at <= hi + 1e-9)
          out.push({ at, label: Math.abs(e) >= 5 ? `${m}e${e}` : String(Number(v.toPrecision(6))) });
      }
    return out;
  };
  const coarse = pick([1, 2, 5]);
  if (coarse.length < 3) return pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (coarse.length > 9) return pick([1]);
  return coarse;
}
