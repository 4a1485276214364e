/**
 * The step ranges of a trajectory over which the same parts of the step run (src/core/outcome.ts:
 * the tangent from its warm-up W0, measured from T, the window halves T…M and M…M+H, the period
 * test from N - P), and the states to save (or the tangent to renormalise) at the start of each
 * range. The compiled kernels run one range per call; the reference loop (classify.ts) tests the
 * same conditions every step.
 */
import { warmupStart } from '../../core/outcome.ts';
import { StepFlag } from './layout.ts';

export interface Segment {
  /** Steps k = start … end - 1 (x_k → x_{k+1}). */
  start: number;
  end: number;
  flags: number;
  /** Before the range: x_start becomes the checkpoint c (and s = max(1, ‖c‖∞)). */
  checkpoint: boolean;
  /** Before the range: x_start becomes the window anchor (x_T, then x_M). */
  anchor: boolean;
  /** Before the range: x_start is x_T (ensembles keep it for the replay). */
  saveT: boolean;
  /**
   * Before the range: the warmed-up tangent vector is renormalised and the exponent sum reset (k = T
   * after a warm-up of at least one step, rule 4).
   */
  measure: boolean;
}

export interface Schedule {
  segments: Segment[];
  /** Checkpoint step K = max(0, N - P). */
  K: number;
  /** Half-window H (rule 5). */
  half: number;
  /** Whether the exponent is computed. */
  lyapunov: boolean;
}

/**
 * @param N iterations, T the transient (≥ N: no exponent, no window), P the longest period.
 * @param observe whether OBSERVE runs after the transient (ensembles).
 */
export function schedule(
  N: number,
  transient: number,
  P: number,
  lyapunov: boolean,
  observe = false,
): Schedule {
  const K = Math.max(0, N - P);
  const T = Math.min(transient, N);
  const half = Math.floor((N - T) / 2);
  const mid = T + half;
  const end = mid + half;
  const lyap = lyapunov && transient < N;
  // The tangent runs from its warm-up's start W0 (only when computed: otherwise no cut there).
  const warm = lyap ? warmupStart(T) : T;
  const cuts = [...new Set([0, warm, T, mid, end, K, N])]
    .filter((b) => b >= 0 && b <= N)
    .sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const start = cuts[s];
    let flags = 0;
    if (lyap && start >= warm) flags |= StepFlag.LYAPUNOV;
    if (start >= T && start < mid) flags |= StepFlag.GROW1;
    if (start >= mid && start < end) flags |= StepFlag.GROW2;
    if (start >= K) flags |= StepFlag.PERIOD;
    if (observe && start >= T) flags |= StepFlag.OBSERVE;
    segments.push({
      start,
      end: cuts[s + 1],
      flags,
      checkpoint: start === K,
      anchor: start === T || start === mid,
      saveT: start === T,
      measure: lyap && start === T && warm < T,
    });
  }
  return { segments, K, half, lyapunov: lyap };
}
