/**
 * Pieces of a basin map run as separate jobs (`gdlab basin --tile/--stack`, src/cli/pieces.ts) and
 * what `gdlab merge` (src/cli/merge.ts) reads back: which rows a tile holds, which value a stack member
 * takes, the files a piece writes, and the JSON beside its PNG band, checked on reading like any input.
 */
import * as z from 'zod/mini';
import type { OutcomeCounts } from '../core/records.ts';
import { axisValue } from '../experiment/plane.ts';
import { formatIssues } from '../experiment/spec-error.ts';
import { finite, number } from '../experiment/spec-ranges.ts';
import { exactly, oneOf, string, text } from '../experiment/spec-words.ts';
import {
  MAX_PERIOD,
  parseSpec,
  POSTER_LIMITS,
  type ExperimentSpec,
  type QuantityRef,
} from '../experiment/spec.ts';
import { MAX_LISTED } from '../objective/limits.ts';

export const PIECE_FORMAT = 'gdlab-basin-piece';
export const PIECE_VERSION = 1;
/** tEXt keyword of a band PNG's piece description (its spec is the map's, under gdlab-spec). */
export const PNG_PIECE_KEYWORD = 'gdlab-piece';
/**
 * Most pieces of one run (members × tiles), so most members of a stack and most tiles of a map:
 * bounded, so a typo cannot ask for a billion jobs, nor a crafted piece make a merge list them.
 */
export const MAX_PIECES = 100_000;

/** Why `members` × `tiles` pieces are more than a run may have, or null when they are not. */
export function tooManyPieces(members: number, tiles: number): string | null {
  return members * tiles > MAX_PIECES
    ? `${members} members × ${tiles} tiles is more than ${MAX_PIECES} pieces`
    : null;
}

/**
 * A third swept quantity: member m of n runs at the centre of its cell of [min, max],
 * min + (m + 0.5)(max - min)/n, the plane's pixel-centre rule, so n members × W × H pixels are the
 * voxels of one box.
 */
export interface StackDef {
  quantity: string;
  min: number;
  max: number;
  n: number;
}

/** What every piece of one run shares: the map (a stack's base map), the stack and the tile count. */
export interface PieceWhole {
  spec: ExperimentSpec;
  stack: StackDef | null;
  tiles: number;
}

/** The JSON a piece writes beside its band PNG. */
export interface PieceJson {
  format: typeof PIECE_FORMAT;
  version: typeof PIECE_VERSION;
  whole: PieceWhole;
  /** Stack member and its value (null without a stack). */
  member: number | null;
  value: number | null;
  tile: number;
  /** Picture rows [first, end) of the band, counted from the top (PNG order). */
  rows: [number, number];
  /** The map the band belongs to: whole.spec, or for a stack the member's spec. */
  spec: ExperimentSpec;
  engine: 'gpu' | 'cpu';
  adapter: string;
  precision: 'f32' | 'f64';
  /** EngineInfo.subnormals of the engine that ran the piece (absent: not probed). */
  subnormals?: 'flushed' | 'kept';
  counts: OutcomeCounts;
  steps: number;
  ms: number;
  /** The band PNG's file name, in the JSON's folder. */
  png: string;
}

/** The value member m of a stack takes (pixel-centre rule, float64). */
export function stackValue(stack: StackDef, m: number): number {
  return axisValue(stack, m, stack.n);
}

/** Picture rows [a, b) of tile k of n over a picture of h rows (top first): bands differ by one row at most. */
export function tileRows(k: number, n: number, h: number): [number, number] {
  return [Math.floor((k * h) / n), Math.floor(((k + 1) * h) / n)];
}

/** The grid rows (row 0 at the bottom, RunOptions.rows) of picture rows [a, b) of h. */
export function gridRows([a, b]: [number, number], h: number): { start: number; end: number } {
  return { start: h - b, end: h - a };
}

const pad = (k: number, n: number) => String(k).padStart(Math.max(4, String(n - 1).length), '0');

/** A piece's file stem: member-0003-of-1000, tile-0012-of-64, or both joined. */
export function pieceStem(whole: Pick<PieceWhole, 'stack' | 'tiles'>, member: number | null, tile: number) {
  const parts: string[] = [];
  if (whole.stack && member !== null) parts.push(`member-${pad(member, whole.stack.n)}-of-${whole.stack.n}`);
  if (whole.tiles > 1 || !whole.stack) parts.push(`tile-${pad(tile, whole.tiles)}-of-${whole.tiles}`);
  return parts.join('-');
}
export const PIECE_JSON_SUFFIX = '.piece.json';

/** spec with one quantity set to `value` (the plane's axes still override the quantities they sweep). */
export function withQuantity(spec: ExperimentSpec, ref: QuantityRef, value: number): ExperimentSpec {
  switch (ref.kind) {
    case 'coord':
      return { ...spec, x0: spec.x0.map((v, i) => (i === ref.index ? value : v)) };
    case 'lr':
      return { ...spec, lr: value, lrPerCoord: null };
    case 'lrCoord': {
      const rates = spec.lrPerCoord ? [...spec.lrPerCoord] : spec.x0.map(() => spec.lr);
      rates[ref.index] = value;
      return { ...spec, lrPerCoord: rates };
    }
    case 'param':
      return {
        ...spec,
        objective: { ...spec.objective, params: { ...spec.objective.params, [ref.name]: value } },
      };
    case 'hyper':
      return { ...spec, optimizer: { ...spec.optimizer, [ref.name]: value } };
  }
}

// In the spec's words (spec-ranges.ts): zod's number type refuses NaN and ±∞ before any refinement.
// zod's own ("Too big: expected int to be <=9007199254740991", "Invalid string: must match pattern
// /^[\w.-]+\.png$/") reached a merge's user for a hand-edited piece.
const whole = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  number().check(
    z.refine((v) => Number.isSafeInteger(v) && v >= min && v <= max, {
      message: `must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? '2^53 - 1' : max}`,
    }),
  );
const count = whole(0);
const index = whole(0, MAX_PIECES);
const nonnegative = number().check(z.refine((v) => v >= 0, { message: 'must be at least 0' }));
const specInput = z.pipe(
  z.unknown(),
  z.transform((v, ctx) => {
    try {
      return parseSpec(v, POSTER_LIMITS);
    } catch (e) {
      const message = (e as Error).message.replace(/\n\s*/g, '; ');
      ctx.issues.push({ code: 'custom', message, input: v });
      return z.NEVER;
    }
  }),
);
const pieceSchema = z.object({
  format: oneOf([PIECE_FORMAT]),
  version: exactly(PIECE_VERSION),
  whole: z.object({
    spec: specInput,
    stack: z.nullable(
      z.object({
        quantity: text(1, 64),
        min: finite,
        max: finite,
        n: whole(1, MAX_PIECES),
      }),
    ),
    tiles: whole(1, MAX_PIECES),
  }),
  member: z.nullable(index),
  value: z.nullable(finite),
  tile: index,
  rows: z.tuple([count, count]),
  spec: specInput,
  engine: oneOf(['gpu', 'cpu']),
  adapter: text(0, 500),
  precision: oneOf(['f32', 'f64']),
  subnormals: z.optional(oneOf(['flushed', 'kept'])),
  counts: z.object({
    diverged: count,
    escaping: count,
    converged: count,
    periodic: z.record(string().check(z.regex(/^\d{1,3}$/)), count, {
      error: (i) => (i.code === 'invalid_key' ? 'is not a period (1 to 3 digits)' : undefined),
    }),
    chaotic: count,
    unsettled: count,
    aperiodic: count,
  }),
  steps: nonnegative,
  ms: nonnegative,
  // A bare file name: a piece cannot point the merge at files outside its folder.
  png: string().check(
    z.regex(/^[\w.-]+\.png$/, { message: 'must be the name of a PNG file beside the piece (no folder)' }),
  ),
});

/** Parses a piece's JSON text; the messages name the field (the caller adds the file). */
export function parsePieceJson(text: string): PieceJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`, { cause: e });
  }
  // zod recurses once per entry of a record that has an issue: 125 000 bad period names (a 1 MB
  // file) overflowed its stack, and a merge reported 'Maximum call stack size exceeded'.
  const periodic = (value as { counts?: { periodic?: unknown } } | null)?.counts?.periodic;
  if (typeof periodic === 'object' && periodic !== null) {
    const n = Object.keys(periodic).length;
    if (n > MAX_PERIOD)
      throw new Error(`counts.periodic: ${n} periods (a spec looks for at most ${MAX_PERIOD})`);
  }
  const result = pieceSchema.safeParse(value);
  if (!result.success) {
    // One line, however many issues: ten of them, each path's keys cut short, then a count.
    const issues = formatIssues(result.error.issues).map((i) => i.replace(/^spec: /, 'piece: '));
    const more = issues.length > MAX_LISTED ? [`… and ${issues.length - MAX_LISTED} more`] : [];
    throw new Error([...issues.slice(0, MAX_LISTED), ...more].join('; '));
  }
  return result.data as PieceJson;
}

/**
 * Why a piece's counts cannot be its band's, or null: each is a count already (schema), but a merge
 * sums them into its output as they are, so they must also be one outcome per pixel of the band and
 * periods the spec looks for. For a piece whose rows are its tile's (a ≤ b).
 */
export function countsProblem(p: PieceJson): string | null {
  const W = p.spec.size[0];
  const [a, b] = p.rows;
  const c = p.counts;
  const { maxPeriod } = p.spec.classify;
  let periodic = 0;
  for (const [key, n] of Object.entries(c.periodic)) {
    const period = Number(key);
    if (!(String(period) === key && period >= 1 && period <= maxPeriod))
      return `counts.periodic.${key}: the spec looks for periods 1…${maxPeriod} only`;
    periodic += n;
  }
  if (c.aperiodic !== c.chaotic + c.unsettled)
    return `counts.aperiodic: ${c.aperiodic} is not chaotic + unsettled (${c.chaotic + c.unsettled})`;
  const sum = c.diverged + c.escaping + c.converged + periodic + c.chaotic + c.unsettled;
  const pixels = W * (b - a);
  if (sum !== pixels) return `counts: ${sum} outcomes for the ${pixels} pixels of rows ${a}…${b - 1}`;
  return null;
}

/** The first place two JSON values differ, as `path: a vs b` (null when equal), for a refusal to name. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      );
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path || 'value'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
