/**
 * The inspector's data for one start and one setting of the swept quantity, through the lab's own
 * inspectPixel: a one-pixel basin spec whose two axes are centred on the values wanted, so the
 * inspector shows exactly what the basin map's click would (flows, sharpness, 2/h).
 */
import type { EnsemblePlan } from '../../core/ensemble.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import { INSPECT_FLOW_MS, inspectPixel, type InspectorData } from '../trajectory-inspector/inspect.ts';
import { compileSpec } from '../shared/objective.ts';

/** A range whose single pixel centre is `c` (to rounding). */
function around(quantity: string, c: number) {
  const d = Math.max(Math.abs(c), 1) * 2 ** -20;
  return { quantity, min: c - d, max: c + d };
}

/**
 * Data for the spec's optimizer from `x0` with the swept quantity `quantity` set to `value` (e.g. `lr` = h), for
 * `iterations` steps; everything else as in `spec`. The marker (and the orbit, when both axes are
 * coordinates) are placed in `display`'s plane, the map on screen, not in the one-pixel spec's.
 * Given `transient`, the start is also classified in float64 over those steps and that transient
 * under the spec's classification (InspectorData.record): an ensemble's sample is classified so.
 */
export function inspectStart(
  spec: ExperimentSpec,
  quantity: string,
  value: number,
  x0: readonly number[],
  iterations: number,
  display: ExperimentSpec = spec,
  transient?: number,
): InspectorData {
  const obj = compileSpec(spec);
  const vars = obj.vars;
  // The second axis must sweep something else; centre it on the value it would have anyway (in one
  // variable its rate: the coordinate's own where the spec gives one, so that it stays).
  const coord = vars.find((v) => v !== quantity);
  const other =
    coord !== undefined
      ? around(coord, x0[vars.indexOf(coord)])
      : spec.lrPerCoord
        ? around(`lr.${vars[0]}`, spec.lrPerCoord[0])
        : around('lr', spec.lr);
  const basin = parseSpec({
    ...spec,
    kind: 'basin',
    x0: [...x0],
    plane: { u: around(quantity, value), v: other },
    size: [1, 1],
    iterations: Math.max(2, iterations),
    ...(transient === undefined
      ? { transient: 1, classify: { ...spec.classify, maxPeriod: 1 } }
      : {
          transient: Math.min(transient, iterations),
          // P < N, as a spec requires; an ensemble's run (N = T + keep) is longer than its P anyway.
          classify: {
            ...spec.classify,
            maxPeriod: Math.min(spec.classify.maxPeriod, Math.max(1, iterations - 1)),
          },
        }),
  });
  const data = inspectPixel(basin, 0, 0, INSPECT_FLOW_MS, transient !== undefined);
  // What each of the display's axes reads for this trajectory: its start, its rate or a parameter.
  const read = (q: string): number => {
    const i = vars.indexOf(q);
    if (i >= 0) return data.x0[i];
    if (q === 'lr') return data.h[0];
    if (q.startsWith('lr.')) return data.h[Math.max(0, vars.indexOf(q.slice(3)))];
    if (!(q in data.params) && (q === 'beta' || q === 'beta2')) return data.hyper[q === 'beta' ? 0 : 1];
    return data.params[q] ?? NaN;
  };
  const du = display.plane.u.quantity;
  const dv = display.plane.v.quantity;
  const ui = vars.indexOf(du);
  const vi = vars.indexOf(dv);
  return {
    ...data,
    source: { kind: 'start', quantity, value },
    marker: [read(du), read(dv)],
    orbit: ui >= 0 && vi >= 0 ? data.k.map((k) => [data.states[ui][k], data.states[vi][k]]) : null,
  };
}

/**
 * The start a clicked column's trajectory is shown from: one of the column's own starts. The second
 * (not the first): a box's first start is its centre in two or more dimensions, which for a symmetric
 * objective is often a saddle (0, 0 for (1 - xy)²/2) whose orbit stays put and shows nothing.
 */
export function columnStart(plan: Pick<EnsemblePlan, 'starts' | 'dim' | 'samples'>): number[] {
  const m = plan.samples > 1 ? 1 : 0;
  return Array.from(plan.starts.subarray(m * plan.dim, (m + 1) * plan.dim));
}
