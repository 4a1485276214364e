/**
 * The bounds a spec may ask for: grid sides, iterations, samples, the work of a whole run, the
 * lengths of text fields, and the check of the bounds that depend on who asks (SpecLimits: the lab,
 * or a map rendered in pieces). They are the hostile-input policy, so they read in one place apart
 * from the schema; src/experiment/spec.ts applies them and re-exports them for its importers.
 */

import { MAX_PERIOD } from '../core/outcome.ts';
import { clip, MAX_IDENTIFIER_LENGTH, MAX_PARAMS } from '../objective/limits.ts';

/**
 * Largest grid side a spec may ask for. A 16384² map is ~0.3 s of GD on a large GPU; whether a device
 * has the memory is the engine's to say (the GPU engine keeps records only within its budget and
 * tiles by the device's binding limits), with a message naming the sizes where it has not.
 */
export const MAX_SIDE = 16384;
/** Most steps per trajectory (and most transient steps, and kept iterates of an ensemble). */
export const MAX_ITERATIONS = 1_000_000;
/** Longest period looked for (classify.maxPeriod): defined with the outcome it bounds. */
export { MAX_PERIOD };
/** Most trajectories per column of an ensemble view. */
export const MAX_SAMPLES = 1_000_000;
/** Upper bound on grid cells × iterations, so a link cannot ask for days of work. */
export const MAX_WORK = 4096 * 4096 * 20_000;
/** Longest observable expression. */
export const MAX_OBSERVABLE_LENGTH = 1000;
/**
 * Longest spec JSON text parsed (a spec is a few kB; the JSON gdlab writes, which parseSpecJson also
 * reads, holds a trajectory of up to a few MB).
 */
export const MAX_SPEC_JSON_CHARS = 16 * 1024 * 1024;
/** Largest side of a poster rendered in pieces (`gdlab basin --tile`) and assembled by `gdlab merge`. */
export const MAX_POSTER_SIDE = 65536;
/** Most bins of an attractor histogram (W × H): its u32 counts stay within 64 MiB. */
export const MAX_ATTRACTOR_BINS = 4096 * 4096;

/**
 * The bounds on objective.params (their number, their names' length), checked before the schema:
 * zod recurses once per entry of a record that has an issue, so 150 000 bad names overflowed the
 * stack, and 50 000 made a message of 4 MB.
 */
export function paramIssues(params: Record<string, unknown>): string[] {
  const names = Object.keys(params);
  if (names.length > MAX_PARAMS)
    return [`objective.params: too many parameters: ${names.length} (at most ${MAX_PARAMS})`];
  return names
    .filter((n) => n.length > MAX_IDENTIFIER_LENGTH)
    .map(
      (n) =>
        `objective.params: parameter name '${clip(n)}' is too long (${n.length} characters; at most ${MAX_IDENTIFIER_LENGTH})`,
    );
}

/** Bounds on grid side and grid × iterations that parseSpec enforces on top of the schema. */
export interface SpecLimits {
  /** Largest grid side. */
  maxSide: number;
  /** Largest grid cells × iterations (an attractor's cells are bins and do not count). */
  maxWork: number;
}
/** What the lab, links and a whole-map CLI run accept. */
export const LAB_LIMITS: SpecLimits = { maxSide: MAX_SIDE, maxWork: MAX_WORK };
/**
 * What a map rendered in pieces accepts: the whole may be a poster, since each piece is held to the
 * lab's bounds (src/cli/pieces.ts) and the merge streams rows.
 */
export const POSTER_LIMITS: SpecLimits = { maxSide: MAX_POSTER_SIDE, maxWork: Infinity };

/** The SpecLimits issues of a merged input (after the schema's own, so messages keep field order). */
export function limitIssues(input: Record<string, unknown>, limits: SpecLimits): string[] {
  const { size, iterations: n } = input;
  if (!Array.isArray(size) || size.length !== 2) return [];
  const out: string[] = [];
  size.forEach((v, i) => {
    // Only of an integer: a side the schema refuses (10.5, Infinity) has its one message there.
    if (Number.isInteger(v) && (v as number) > limits.maxSide)
      out.push(`size.${i}: must be at most ${limits.maxSide}`);
  });
  // An attractor's size is its bins, which cost no steps (planEnsemble bounds its work).
  // Only of iterations the schema takes: 1e20 of them is its "at most 1000000" alone.
  const steps = Number.isInteger(n) && (n as number) <= MAX_ITERATIONS;
  if (!out.length && input.kind !== 'attractor' && size.every(Number.isInteger) && steps) {
    const work = size[0] * size[1] * (n as number);
    if (work > limits.maxWork)
      out.push(`size: grid × iterations = ${work} exceeds the limit ${limits.maxWork}`);
  }
  return out;
}
