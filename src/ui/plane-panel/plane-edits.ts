/**
 * Edits of the plane as single, whole changes, so no intermediate state is ever refused: choosing
 * for one axis the quantity the other sweeps swaps the two (each keeps its range), swapping exchanges
 * the axes with their ranges and the grid's sides, and a new quantity starts on a sensible range.
 */
import { defaultAxisRange } from '../../experiment/adapt.ts';
import { SWEPT_HYPERS, type AxisRange, type ExperimentSpec } from '../../experiment/spec.ts';

const isRate = (q: string) => q === 'lr' || q.startsWith('lr.');

/** The spec with u and v exchanged (ranges and grid sides go along). */
export function swapAxes(spec: ExperimentSpec): ExperimentSpec {
  return {
    ...spec,
    plane: { u: { ...spec.plane.v }, v: { ...spec.plane.u } },
    size: [spec.size[1], spec.size[0]],
  };
}

/**
 * The spec with axis `key` sweeping `quantity`. The other axis's quantity swaps the two; a quantity
 * of the same sort as before (coordinate for coordinate, rate for rate) keeps the range; anything
 * else starts on defaultAxisRange.
 */
export function setAxisQuantity(spec: ExperimentSpec, key: 'u' | 'v', quantity: string): ExperimentSpec {
  const other = key === 'u' ? 'v' : 'u';
  const old = spec.plane[key];
  if (quantity === old.quantity) return spec;
  if (quantity === spec.plane[other].quantity) {
    const swapped = swapAxes(spec);
    // Only the two quantities trade places: each position keeps its grid side.
    return { ...swapped, size: spec.size };
  }
  const params = spec.objective.params;
  // β and β₂ of the optimizer are a sort of their own: decay factors in [0, 1).
  const isHyper = (q: string) => (SWEPT_HYPERS as readonly string[]).includes(q) && !Object.hasOwn(params, q);
  const sameSort =
    (isRate(quantity) && isRate(old.quantity)) ||
    (isHyper(quantity) && isHyper(old.quantity)) ||
    (!isRate(quantity) &&
      !isRate(old.quantity) &&
      !isHyper(quantity) &&
      !isHyper(old.quantity) &&
      !Object.hasOwn(params, quantity) &&
      !Object.hasOwn(params, old.quantity));
  const [min, max] = sameSort ? [old.min, old.max] : defaultAxisRange(spec, quantity);
  const axis: AxisRange = { quantity, min, max };
  return { ...spec, plane: { ...spec.plane, [key]: axis } };
}
