/**
 * What a misspelt name was meant to be: the CLI's commands, flags and preset ids, and a spec's
 * fields, by one rule.
 */

/** Levenshtein distance of two short strings (names). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * The known names nearest a misspelt one, at most two: within one edit for a name of up to five
 * characters, two for a longer one (`x` finds trajectory's `x0`, `iter` finds `iters`, `basn` finds
 * `basin`, a spec's `iteratons` finds `iterations`), so that an unrelated name is never offered. A
 * name longer than 64 characters is not compared: a hostile one can be a million.
 */
export function nearNames(name: string, known: readonly string[]): string[] {
  if (name.length === 0 || name.length > 64) return [];
  const most = name.length <= 5 ? 1 : 2;
  return known
    .map((k) => [k, editDistance(name, k)] as const)
    .filter(([, d]) => d > 0 && d <= most)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 2)
    .map(([k]) => k);
}
