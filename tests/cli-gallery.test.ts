/**
 * `gdlab gallery`: pictures carry their spec, JSON carries the entry's text and its float64 numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shrink } from '../src/cli/gallery.ts';
import { getGalleryEntry } from '../src/gallery/entries.ts';
import { Outcome } from '../src/core/outcome.ts';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { runCli, tempDir } from './helpers/cli.ts';

describe('gdlab gallery', () => {
  it('renders an entry to a PNG that reopens its (shrunk) spec, and JSON with the numbers of its claim', async () => {
    const out = tempDir('gdlab-gallery-');
    const { stdout } = await runCli(['gallery', 'regimes', '--out', out, '--max-side', '24']);
    expect(stdout).toMatch(/^regimes: regimes\.png, regimes\.json/);
    const entry = getGalleryEntry('regimes')!;
    const png = decodeSpecPng(readFileSync(join(out, 'regimes.png')));
    expect([png.width, png.height]).toEqual([24, 24]);
    expect(png.spec).toEqual(shrink(entry.spec, 24));
    const json = JSON.parse(readFileSync(join(out, 'regimes.json'), 'utf8'));
    expect(json.claim).toBe(entry.claim);
    // The engine's reason names what its estimate was for: this entry, not "this spec".
    expect(json.pictures[0].reason).toMatch(/^auto: (hardware adapter|.* for this entry \(≈)/);
    // The entry's spec as it ran: it said 256 × 256 beside counts of 24 × 24.
    expect(json.spec).toEqual(shrink(entry.spec, 24));
    const counts = json.pictures[0].counts;
    const periodic = Object.values(counts.periodic as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(counts.diverged + counts.converged + periodic + counts.aperiodic).toBe(24 * 24);
    // Rows above h = 2 diverge: v sweeps lr over [0.05, 2.3] at pixel centres.
    const rowsAbove2 = Array.from({ length: 24 }, (_, j) => 0.05 + ((j + 0.5) * 2.25) / 24).filter(
      (h) => h > 2,
    ).length;
    expect(counts.diverged).toBe(rowsAbove2 * 24);
    expect(json.numbers.ratios.me2).toBeGreaterThan(7);
    expect(json.numbers.ratios.me2).toBeLessThan(9);
    // The map's numbers too (16 starts × 128 rates): every start of a row below h = 1.9 converges,
    // every one above h = 2.1 diverges (an infinite first escape is written as null).
    const rows = json.numbers.map as {
      h: number;
      counts: Record<string, number>;
      firstEscape: number | null;
    }[];
    expect(rows).toHaveLength(128);
    for (const r of rows.filter((r) => r.h < 1.9)) expect(r.counts[Outcome.CONVERGED]).toBe(16);
    for (const r of rows.filter((r) => r.h > 2.1)) expect(r.counts[Outcome.DIVERGED]).toBe(16);
    expect(rows[0].firstEscape).toBeNull();
  });

  it('names the entries when asked for one that does not exist', async () => {
    const err = await runCli(['gallery', 'nope']).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain("no gallery entry 'nope'; entries: regimes, mf-periodic, gibbs");
  });

  it('names a misspelt flag in one line, as every command does, though gallery and merge take arguments', async () => {
    // Node's advice on '--' for commands with positionals came with it, its quote left open:
    // "Unknown option '--no-check'. To specify a positional argument … as in '-- "--no-check" (…)".
    // A long flag near a known one names it; a short one is not guessed at.
    for (const [command, flag, hint] of [
      ['gallery', '--no-check', 'did you mean --no-checks? '],
      ['merge', '-q', ''],
    ]) {
      const err = await runCli([command, 'regimes', flag]).catch((e) => e);
      expect(err.code).toBe(2);
      expect(err.stderr).toBe(
        `gdlab ${command}: Unknown option '${flag}' (${hint}see gdlab ${command} --help)\n`,
      );
    }
  });
});
