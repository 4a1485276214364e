/**
 * The inspector's data for one start and one setting of the swept quantity, through the lab's own
 * inspectPixel: a one-pixel basin spec whose two axes are centred on the values wanted, so the
 * inspector shows exactly what the basin map's click would (flows, sharpness, 2/h).
 */
import { parseSpec, type ExperimentSpec } from '../../spec/spec.ts';
import { inspectPixel, type InspectorData } from '../trajectory-inspector/inspect.ts';
import { compileSpec } from '../shared/objective.ts';

/** A range whose single pixel centre is `c` (to rounding). */
function around(quantity: string, c: number) {
  const d = Math.max(Math.abs(c), 1) * 2 ** -20;
  return { quantity, min: c - d, max: c + d };
}

/**
 * Data for GD from `x0` with the swept quantity `quantity` set to `value` (e.g. `lr` = h), for
 * `iterations` steps; everything else as in `spec`.
 */
export function inspectStart(
  spec: ExperimentSpec,
  quantity: string,
  value: number,
  x0: readonly number[],
  iterations: number,
): InspectorData {
  const obj = compileSpec(spec);
  const vars = obj.vars;
  // The second axis must sweep something else; centre it on the value it would have anyway.
  const coord = vars.find((v) => v !== quantity);
  const other = coord !== undefined ? around(coord, x0[vars.indexOf(coord)]) : around('lr', spec.lr);
  const basin = parseSpec({
    ...spec,
    kind: 'basin',
    x0: [...x0],
    plane: { u: around(quantity, value), v: other },
    size: [1, 1],
    iterations: Math.max(2, iterations),
    transient: 1,
    classify: { ...spec.classify, maxPeriod: 1 },
  });
  return inspectPixel(basin, 0, 0);
}
