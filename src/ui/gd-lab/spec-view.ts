/**
 * The view of a spec, as the lab's history, Reset and the view-change events see it: the plane for
 * a basin map; for the ensemble views the sweep (u) and the observable's range (v), which is
 * automatic (null) until a zoom fixes it. An automatic range is v = [-∞, ∞], so history and Reset
 * bring it back as automatic (not as plane.v, which the ensemble views do not use).
 */
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { specWork } from '../../select/cost.ts';
import type { View } from '../shared/view.ts';

export function specView(spec: ExperimentSpec): View {
  if (spec.kind === 'attractor') {
    // Both ranges of the attractor view; automatic ones as [-∞, ∞], as for the diagram's range.
    const { uRange: u, vRange: v } = spec.attractor;
    return { u: u ? [u[0], u[1]] : [-Infinity, Infinity], v: v ? [v[0], v[1]] : [-Infinity, Infinity] };
  }
  if (spec.kind === 'basin')
    return { u: [spec.plane.u.min, spec.plane.u.max], v: [spec.plane.v.min, spec.plane.v.max] };
  const r = spec.ensemble.range ?? [-Infinity, Infinity];
  return { u: [spec.plane.u.min, spec.plane.u.max], v: [r[0], r[1]] };
}

/** The spec showing `view` (see specView). */
export function withView(spec: ExperimentSpec, view: View): ExperimentSpec {
  if (spec.kind === 'attractor') {
    const fixed = (r: [number, number]): [number, number] | null =>
      Number.isFinite(r[0]) && Number.isFinite(r[1]) ? [r[0], r[1]] : null;
    return { ...spec, attractor: { ...spec.attractor, uRange: fixed(view.u), vRange: fixed(view.v) } };
  }
  const u = { ...spec.plane.u, min: view.u[0], max: view.u[1] };
  if (spec.kind !== 'basin')
    return {
      ...spec,
      plane: { ...spec.plane, u },
      ensemble: { ...spec.ensemble, range: Number.isFinite(view.v[0]) ? [view.v[0], view.v[1]] : null },
    };
  return { ...spec, plane: { u, v: { ...spec.plane.v, min: view.v[0], max: view.v[1] } } };
}

/** Whether two specs compute the same records (they may differ in colouring only). */
export function sameComputation(a: ExperimentSpec, b: ExperimentSpec): boolean {
  return JSON.stringify({ ...a, colour: null }) === JSON.stringify({ ...b, colour: null });
}

/** Trajectory steps a spec computes (an ensemble's iterations are its transient + keep): as auto counts them. */
export function specSteps(spec: ExperimentSpec): number {
  const { trajectories, steps } = specWork(spec);
  return trajectories * steps;
}
