/**
 * What `gdlab bifurcation`, `density` and `attractor` print when they write only a PNG: what ran, the
 * range the picture is read against and where it came from, the kept iterates outside it, the starts
 * that diverged, and the engine. (With --json the same facts are in the JSON.)
 */
import type { BifurcationResult } from '../core/ensemble.ts';
import { fmt } from './basin-summary.ts';
import { precisionTag } from '../core/engine.ts';

/** `extra`: a clause of the command's own after the first line's facts (density: the L1 to Gibbs). */
export function ensembleSummary(result: BifurcationResult, reason: string, extra = ''): string {
  const { plan, info, spec } = result;
  const what =
    spec.kind === 'bifurcation'
      ? `${plan.columns} columns × ${plan.samples} starts`
      : `${plan.samples} starts`;
  const fixed = [!!plan.range];
  const span = (name: string, r: readonly [number, number], own: boolean) =>
    `${name} from ${fmt(r[0])} to ${fmt(r[1])}${own ? '' : ' (from the data)'}`;
  const ranges = [
    span(spec.kind === 'attractor' ? spec.attractor.u : spec.ensemble.observable, result.range, !!plan.range),
  ];
  if (plan.pair && result.range2) {
    fixed.push(!!plan.pair.range);
    ranges.push(span(spec.attractor.v, result.range2, !!plan.pair.range));
  }
  const outside = result.outside.reduce((a, b) => a + b, 0);
  // Diverged starts keep no iterates: a diagram shows them only in its strip, a density or an attractor
  // not at all, so the line counts them.
  const starts = result.stats.bounded.length * plan.samples;
  const diverged = starts - result.stats.bounded.reduce((a, b) => a + b, 0);
  const lost = diverged > 0 ? `; ${diverged} of ${starts} starts diverged` : '';
  // A range from the data holds every kept iterate but those of escaping starts (or not finite).
  const why = fixed.every(Boolean) ? '' : ' (escaping starts do not set a range from the data)';
  return (
    `${what} × (${plan.transient} + ${plan.keep}) steps on ${info.kind} (${precisionTag(info)}, ${info.adapter}) in ` +
    `${(result.ms / 1000).toFixed(2)} s: ${ranges.join(', ')}; ` +
    `${outside ? `${outside} long-run iterates outside${why}` : 'no long-run iterate outside'}${lost}${extra}\n` +
    `engine: ${reason}\n`
  );
}
