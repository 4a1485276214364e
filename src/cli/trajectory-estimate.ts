/**
 * How long `gdlab trajectory` will run, from a timed run of its first steps, so that a long run is
 * announced, or refused under --max-seconds, before it starts rather than after.
 */
import { ANNOUNCE_SECONDS } from './progress.ts';

/** The deadline of a run passed; `where` says in which part, for the message. */
export class PastDeadline extends Error {
  override name = 'PastDeadline';
  constructor(readonly where: string) {
    super(`deadline passed ${where}`);
  }
}

/** Steps timed before a long trajectory, to estimate the whole run. */
export const PROBE_STEPS = 2000;
/**
 * Longest the timing run may take: a run at least twice as long (it has over 2·PROBE_STEPS steps)
 * is then announced, and no more is spent on finding out by how much.
 */
const PROBE_SECONDS = ANNOUNCE_SECONDS / 2;

/** The time the whole run will take; `atLeast` when the timing run was cut off. */
export interface Estimate {
  seconds: number;
  atLeast: boolean;
}

/** A timed run of the trajectory's first `steps` steps, which throws PastDeadline past `deadline`. */
export type Probe = (steps: number, deadline: number, timing: { stoppedMs: number }) => void;

/**
 * The time a run of `iterations` steps will take, from a timed run of its first PROBE_STEPS steps
 * (undefined when the run is that short anyway), cut off at PROBE_SECONDS or the run's deadline.
 */
export function estimateRun(iterations: number, deadline: number, probe: Probe): Estimate | undefined {
  if (iterations <= 2 * PROBE_STEPS) return undefined;
  const t0 = performance.now();
  const cap = t0 + PROBE_SECONDS * 1000;
  const timing = { stoppedMs: 0 };
  let atLeast = false;
  try {
    probe(PROBE_STEPS, Math.min(cap, deadline), timing);
  } catch (e) {
    // Cut off (at its own limit or the run's): the whole run does this part again and more.
    if (!(e instanceof PastDeadline)) throw e;
    atLeast = true;
  }
  // A flow that ran out of work here stops at the same step in the whole run (its allowance grows
  // with the steps done), so its time is not scaled: 2.1 min estimated for a 3 s run otherwise.
  const scaled = performance.now() - t0 - timing.stoppedMs;
  const ms = scaled * (iterations / PROBE_STEPS) + timing.stoppedMs;
  return { seconds: ms / 1000, atLeast };
}
