/**
 * The map's text alternative: what it shows (objective, swept quantities and ranges, the fixed rate
 * or start) and what it found (the largest outcome classes), for screen readers and as the picture's
 * label.
 */
import type { OutcomeCounts } from '../../core/records.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { MapFrame } from '../engine-host/backend.ts';
import { describeOptimizer } from '../../optimizer/rules.ts';
import { fieldLabel, formatNumber, quantityWords, rateText } from '../shared/labels.ts';
import { varsOf } from '../shared/objective.ts';

const range = (a: { quantity: string; min: number; max: number }) => {
  const span = a.max - a.min;
  // Read aloud: "rate of x", not quantityLabel's "h_x" ("h underscore x").
  return `${quantityWords(a.quantity)} from ${formatNumber(a.min, span)} to ${formatNumber(a.max, span)}`;
};

/** The outcome classes with their shares, largest first, at most `n` of them. */
export function largestClasses(c: OutcomeCounts, total: number, n = 4): string[] {
  const rows: [string, number][] = [
    ['diverged', c.diverged],
    ['escaping', c.escaping],
    ['converged', c.converged],
    ...Object.entries(c.periodic).map(([p, k]) => [`period ${p}`, k] as [string, number]),
    ['chaotic', c.chaotic],
    ['not settled', c.unsettled],
  ];
  return rows
    .filter(([, k]) => k > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, k]) => `${formatNumber((100 * k) / total, undefined, 3)}% ${name}`);
}

export function mapDescription(spec: ExperimentSpec, frame: MapFrame | null): string {
  const { u, v } = spec.plane;
  const sweeps = [u.quantity, v.quantity];
  const rate = sweeps.some((q) => q === 'lr' || q.startsWith('lr.')) ? '' : ` at h = ${rateText(spec)}`;
  const colour =
    spec.colour.field === 'outcome' ? 'outcome' : fieldLabel(spec.colour.field, spec, varsOf(spec));
  const by = spec.optimizer.kind === 'gd' ? '' : ` under ${describeOptimizer(spec.optimizer)}`;
  const head = `Basin map of f = ${spec.objective.expr}${by}${rate}: ${range(u)} across, ${range(v)} up, ${spec.size.join(' by ')} starts coloured by ${colour}.`;
  if (!frame || frame.coarse) return `${head} Computing.`;
  const c = frame.counts;
  const total = frame.spec.size[0] * frame.spec.size[1];
  return `${head} ${largestClasses(c, total).join(', ')}.`;
}
