/** What distinguishes the columns of an ensemble: the swept value applied to the plan's base values. */
import type { EnsemblePlan } from '../core/ensemble.ts';

/** One column's rates, parameters and start override, applied to the plan's base values. */
export interface ColumnSetup {
  lr: Float64Array;
  params: Float64Array;
  /** Hyperparameters [β, β₂, ε]. */
  hyper: Float64Array;
  /** Coordinate whose start the column fixes, or -1. */
  coord: number;
  value: number;
}

export function columnSetup(plan: EnsemblePlan, c: number): ColumnSetup {
  const lr = plan.lr.slice();
  const params = plan.params.slice();
  const hyper = plan.hyper.slice();
  const value = plan.values[c];
  const q = plan.quantity;
  let coord = -1;
  if (q.kind === 'lr') lr.fill(value);
  else if (q.kind === 'lrCoord') lr[q.index] = value;
  else if (q.kind === 'param') params[plan.paramIndex] = value;
  else if (q.kind === 'hyper') hyper[q.index] = value;
  else coord = q.index;
  return { lr, params, hyper, coord, value };
}
