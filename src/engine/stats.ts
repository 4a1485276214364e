/**
 * The statistics buffer of a run (STATS_FIELDS in layouts.ts): what it starts as, and what its words
 * say once read back: outcome counts, total steps and the value ranges of the colour fields.
 */
import { Outcome } from '../core/outcome.ts';
import { emptyCounts, type OutcomeCounts } from '../core/records.ts';
import type { FieldRange } from '../core/engine.ts';
import { COLOUR_FIELDS, type ColourField } from '../experiment/spec.ts';
import { STATS_FIELDS, STATS_MAX_PERIOD, STATS_RANGE_FIELDS, STATS_WORDS } from './layouts.ts';
import { fieldOffset } from './wgsl-struct.ts';

const OUTCOMES = fieldOffset(STATS_FIELDS, 'outcomes');
const PERIODS = fieldOffset(STATS_FIELDS, 'periods');
const STEPS_LO = fieldOffset(STATS_FIELDS, 'steps_lo');
const STEPS_HI = fieldOffset(STATS_FIELDS, 'steps_hi');
const COMPOSITE = fieldOffset(STATS_FIELDS, 'composite');
export const STATS_RANGES = fieldOffset(STATS_FIELDS, 'ranges');
const STATS_ESCAPING_RANGES = fieldOffset(STATS_FIELDS, 'escaping_ranges');

/**
 * The order-preserving u32 key of an f32 (the WGSL range pass computes the same): negative values
 * have every bit flipped, others only the sign bit, so unsigned order is numeric order.
 */
export function f32Key(v: number): number {
  const b = new Uint32Array(Float32Array.of(v).buffer)[0];
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/** The f32 whose key is k. */
export function keyF32(k: number): number {
  const b = k & 0x80000000 ? k & 0x7fffffff : ~k >>> 0;
  return new Float32Array(Uint32Array.of(b).buffer)[0];
}

/** The words a run's statistics start from: zero counts, empty ranges (least key above largest). */
export function initialStats(): Uint32Array {
  const w = new Uint32Array(STATS_WORDS);
  for (const at of [STATS_RANGES, STATS_ESCAPING_RANGES])
    for (let f = 0; f < STATS_RANGE_FIELDS; f++) {
      w[at + 3 * f] = 0xffffffff;
      w[at + 3 * f + 2] = 0xffffffff;
    }
  return w;
}

/** Outcome counts and GD steps from the words of a statistics buffer. */
export function parseStats(words: Uint32Array): { counts: OutcomeCounts; steps: number; composite: number } {
  const counts = emptyCounts();
  counts.diverged = words[OUTCOMES + Outcome.DIVERGED];
  counts.converged = words[OUTCOMES + Outcome.CONVERGED];
  counts.chaotic = words[OUTCOMES + Outcome.CHAOTIC];
  counts.unsettled = words[OUTCOMES + Outcome.UNSETTLED];
  counts.escaping = words[OUTCOMES + Outcome.ESCAPING];
  counts.aperiodic = counts.chaotic + counts.unsettled;
  for (let p = 1; p <= STATS_MAX_PERIOD; p++) {
    const n = words[PERIODS + p];
    if (n) counts.periodic[String(p)] = n;
  }
  return { counts, steps: words[STEPS_HI] * 2 ** 32 + words[STEPS_LO], composite: words[COMPOSITE] };
}

/**
 * The finite value ranges of every continuous colour field, from the words of a statistics buffer:
 * the non-escaping pixels' range, the escaping ones' where that is empty (FieldRange).
 */
export function parseRanges(words: Uint32Array): Partial<Record<ColourField, FieldRange>> {
  const out: Partial<Record<ColourField, FieldRange>> = {};
  COLOUR_FIELDS.forEach((field, f) => {
    if (field === 'outcome') return;
    const settled = STATS_RANGES + 3 * f;
    const o = words[settled] > words[settled + 1] ? STATS_ESCAPING_RANGES + 3 * f : settled;
    const [lo, hi, pos] = [words[o], words[o + 1], words[o + 2]];
    out[field] = {
      min: lo > hi ? NaN : keyF32(lo),
      max: lo > hi ? NaN : keyF32(hi),
      minPositive: pos === 0xffffffff ? NaN : keyF32(pos),
    };
  });
  return out;
}
