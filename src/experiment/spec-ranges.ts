/**
 * The numbers and ranges of a spec (src/experiment/spec.ts): finite numbers, the plane's axes, the
 * fixed ranges of the views and the ensemble's box of starts. Both ends of a range may be finite
 * while max − min is not (-1.7e308:1.7e308): every value computed from the width (pixel centres,
 * bins, spread starts) is then ∞ or NaN, and a run reports nonsense instead of an error. So each
 * range's width is checked here, where every reader of a spec (flags, files, links, PNGs) passes.
 */
import * as z from 'zod/mini';
import { MAX_IDENTIFIER_LENGTH } from '../objective/limits.ts';
import { isString, kindOf, list, object, pair, string } from './spec-words.ts';

/** A number as the command line writes it: 1.7e308, not 1.7e+308. */
const num = (v: number) => String(v).replace('e+', 'e');

/**
 * What the spec says of a value where a number belongs. Zod's own words ("Invalid input: expected
 * number, received NaN") reached the lab's user for an empty or non-numeric box, which the lab reads
 * as NaN, and a file's reader for 1e999, which JSON reads as Infinity. Zod's number type refuses
 * both, so this is every message a non-finite number gets.
 */
export function notANumber(input: unknown): string {
  if (typeof input === 'number')
    return Number.isNaN(input) ? 'must be a number' : `must be a finite number, not ${num(input)}`;
  if (input === null || input === undefined) return 'must be a number';
  return `must be a number, not ${kindOf(input)}`;
}

/** A finite number (every number of a spec is one). */
export const number = () =>
  z.number({ error: (issue) => (issue.code === 'invalid_type' ? notANumber(issue.input) : undefined) });
export const finite = number();

/** Smallest positive normal float64: a grid step below it loses the precision that tells pixels apart. */
const MIN_NORMAL = 2 ** -1022;

const tooWide = (min: number, max: number) =>
  `range ${num(min)}:${num(max)} is too wide (max − min must be finite)`;

/** `range A:B is too wide …` when B − A overflows, else null (also for ends that are not numbers). */
export function wideRange(min: unknown, max: unknown): string | null {
  if (typeof min !== 'number' || typeof max !== 'number' || !(max > min) || Number.isFinite(max - min))
    return null;
  return tooWide(min, max);
}

/**
 * `range A:B is too narrow …` when an axis of `pixels` pixels over [min, max] would step by less
 * than the smallest normal number (or by 0), else null.
 */
export function narrowAxis(min: unknown, max: unknown, pixels: unknown): string | null {
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isInteger(pixels)) return null;
  const n = pixels as number;
  if (n < 1 || !(max > min) || !Number.isFinite(max - min) || (max - min) / n >= MIN_NORMAL) return null;
  const count = n === 1 ? '1 pixel' : `${n} pixels`;
  return `range ${num(min)}:${num(max)} is too narrow for ${count} (the step (max − min)/${n} must be a normal number, at least 2.2e-308)`;
}

/** An issue at the schema's own path when `message` is not null. */
const when = <T>(message: (v: T) => string | null) =>
  z.superRefine<T>((v, ctx) => {
    const m = message(v);
    if (m !== null) ctx.addIssue({ code: 'custom', message: m, input: v });
  });

/** Longest swept quantity: `lr.` and an identifier. */
export const MAX_QUANTITY_LENGTH = 3 + MAX_IDENTIFIER_LENGTH;

/** A swept axis of the plane; its step is checked against the grid by planeIssues. */
export const axis = object({
  // A name's length is bounded before its form: every message about an unknown quantity quotes it.
  quantity: string().check(
    z.maxLength(MAX_QUANTITY_LENGTH, {
      ...isString,
      message: `is too long (at most ${MAX_QUANTITY_LENGTH} characters)`,
      abort: true,
    }),
    z.regex(/^(lr(\.[A-Za-z_][A-Za-z0-9_]*)?|[A-Za-z_][A-Za-z0-9_]*)$/, {
      message: 'must be a coordinate (x), lr, lr.<coordinate> or a parameter name',
    }),
  ),
  min: finite,
  max: finite,
}).check(
  z.refine((a) => a.max > a.min, { message: 'max must exceed min' }),
  when((a) => wideRange(a.min, a.max)),
);

/** A fixed range [lo, hi] of values (colours, bins, an attractor's cells). */
export const range = pair(finite, '[lowest, highest]').check(
  z.refine((r) => r[1] > r[0], { message: 'range must be increasing' }),
  when((r) => wideRange(r[0], r[1])),
);

/** The box the ensemble's starts are spread over, one [min, max] per coordinate. */
export const box = object({
  min: list(finite, 0, 8, 'coordinate'),
  max: list(finite, 0, 8, 'coordinate'),
}).check(
  when((b) => {
    // A box may be upside down (the starts are the same), so either order is a range.
    for (let i = 0; i < Math.min(b.min.length, b.max.length); i++) {
      const [lo, hi] = [b.min[i], b.max[i]];
      if (Number.isFinite(lo) && Number.isFinite(hi) && !Number.isFinite(hi - lo))
        return `coordinate ${i}: ${tooWide(lo, hi)}`;
    }
    return null;
  }),
);

/** The issues of the plane's axes against the grid: [path, message] of each step that is not normal. */
export function planeIssues(
  plane: Record<'u' | 'v', { min: unknown; max: unknown }>,
  size: readonly unknown[],
): [string[], string][] {
  const out: [string[], string][] = [];
  (['u', 'v'] as const).forEach((key, i) => {
    const m = narrowAxis(plane[key].min, plane[key].max, size[i]);
    if (m) out.push([['plane', key], m]);
  });
  return out;
}
