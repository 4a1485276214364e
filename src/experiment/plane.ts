/**
 * The plane model (docs/ARCHITECTURE.md): which start, rates and parameters pixel (i, j) runs with.
 * Shared by the float64 reference and the GPU engine, which mirrors `pixelSetup` in WGSL; so it is
 * kept to plain arithmetic on a few flat arrays, in a fixed order of application.
 */
import {
  checkSpecQuantities,
  resolveQuantity,
  SpecError,
  type ExperimentSpec,
  type QuantityRef,
} from './spec.ts';

/** The variables and parameters of an objective: all the plane needs to know of it. */
export interface PlaneObjective {
  readonly vars: readonly string[];
  readonly params: readonly string[];
}

/**
 * Numeric codes of what an axis sweeps, for uniforms (the WGSL mirror switches on these).
 * `index` of a PlaneAxis is the coordinate, the rate's coordinate, the parameter slot or the
 * hyperparameter's slot in [β, β₂, ε]; -1 for `lr`.
 */
export const AxisKind = { COORD: 0, LR: 1, LR_COORD: 2, PARAM: 3, HYPER: 4 } as const;
export type AxisKind = (typeof AxisKind)[keyof typeof AxisKind];

/** One resolved axis: what it sweeps and over which range, with its pixel count. */
export interface PlaneAxis {
  ref: QuantityRef;
  kind: AxisKind;
  /** Coordinate (COORD, LR_COORD), parameter slot (PARAM) or hyperparameter slot (HYPER) the axis writes; -1 for LR. */
  index: number;
  min: number;
  max: number;
  /** Pixels along this axis (W for u, H for v). */
  n: number;
}

/**
 * A spec's plane resolved against an objective: the fixed base values, and the two swept axes.
 * Everything is float64 here; the GPU engine uploads the same numbers as f32.
 */
export interface Plane {
  width: number;
  height: number;
  dim: number;
  /** Start of every trajectory before the sweep: spec.x0. */
  x0: Float64Array;
  /** Per-coordinate rates before the sweep: spec.lrPerCoord, or spec.lr in every coordinate. */
  h: Float64Array;
  /** Parameter values in the objective's `params` order, from spec.objective.params. */
  p: Float64Array;
  /** The optimizer's hyperparameters [β, β₂, ε] before the sweep. */
  o: Float64Array;
  u: PlaneAxis;
  v: PlaneAxis;
}

/**
 * Resolves spec.plane against the objective's variables and parameters. Throws SpecError (via
 * checkSpecQuantities) when x0 has the wrong length, an axis names an unknown quantity or a
 * parameter has no value.
 */
export function resolvePlane(spec: ExperimentSpec, obj: PlaneObjective): Plane {
  checkSpecQuantities(spec, obj.vars, obj.params);
  const dim = obj.vars.length;
  const h = new Float64Array(dim);
  for (let k = 0; k < dim; k++) h[k] = spec.lrPerCoord ? spec.lrPerCoord[k] : spec.lr;
  const p = new Float64Array(obj.params.length);
  obj.params.forEach((name, k) => {
    // Own properties only: `toString` must not find Object.prototype's function.
    if (!Object.hasOwn(spec.objective.params, name))
      throw new SpecError([`objective.params: parameter '${name}' has no value`]);
    p[k] = spec.objective.params[name];
  });
  const axis = (key: 'u' | 'v', n: number): PlaneAxis => {
    const ref = resolveQuantity(spec.plane[key].quantity, obj.vars, obj.params, spec.optimizer);
    const { kind, index } = axisCode(ref, obj.params);
    return { ref, kind, index, min: spec.plane[key].min, max: spec.plane[key].max, n };
  };
  return {
    width: spec.size[0],
    height: spec.size[1],
    dim,
    x0: Float64Array.from(spec.x0),
    h,
    p,
    o: Float64Array.of(spec.optimizer.beta, spec.optimizer.beta2, spec.optimizer.eps),
    u: axis('u', spec.size[0]),
    v: axis('v', spec.size[1]),
  };
}

/** A resolved quantity as uniforms code it: AxisKind and the coordinate or slot it writes (-1 for lr). */
export function axisCode(ref: QuantityRef, params: readonly string[]): { kind: AxisKind; index: number } {
  switch (ref.kind) {
    case 'coord':
      return { kind: AxisKind.COORD, index: ref.index };
    case 'lrCoord':
      return { kind: AxisKind.LR_COORD, index: ref.index };
    case 'param':
      return { kind: AxisKind.PARAM, index: params.indexOf(ref.name) };
    case 'hyper':
      return { kind: AxisKind.HYPER, index: ref.index };
    default:
      return { kind: AxisKind.LR, index: -1 };
  }
}

/**
 * The swept value at pixel index i of n, at the pixel's centre: min + (i + 0.5)(max - min)/n.
 * Centres rather than edges so that the picture is symmetric when the range is, and the GPU uses
 * this exact expression.
 */
export function axisValue(axis: { min: number; max: number }, i: number, n: number): number {
  return axis.min + ((i + 0.5) * (axis.max - axis.min)) / n;
}

/**
 * Writes pixel (i, j)'s start, rates, parameters and hyperparameters into x0, h, p and o (lengths dim,
 * dim, nparam, 3), without allocating. Row j = 0 is the bottom of the picture (v = v.min).
 *
 * Order of application: the base values, then an axis sweeping `lr` (every coordinate's rate), then
 * the other axis. So `u = lr, v = lr.y` gives y the v value and every other coordinate the u value,
 * whichever of u and v sweeps `lr`.
 */
export function pixelSetup(
  plane: Plane,
  i: number,
  j: number,
  x0: Float64Array,
  h: Float64Array,
  p: Float64Array,
  o: Float64Array = new Float64Array(3),
): void {
  x0.set(plane.x0);
  h.set(plane.h);
  p.set(plane.p);
  o.set(plane.o);
  const uVal = axisValue(plane.u, i, plane.width);
  const vVal = axisValue(plane.v, j, plane.height);
  // `lr` first so that a per-coordinate sweep on the other axis overrides it.
  if (plane.v.kind === AxisKind.LR) {
    applyAxis(plane.v, vVal, x0, h, p, o);
    applyAxis(plane.u, uVal, x0, h, p, o);
  } else {
    applyAxis(plane.u, uVal, x0, h, p, o);
    applyAxis(plane.v, vVal, x0, h, p, o);
  }
}

function applyAxis(
  axis: PlaneAxis,
  value: number,
  x0: Float64Array,
  h: Float64Array,
  p: Float64Array,
  o: Float64Array,
): void {
  switch (axis.kind) {
    case AxisKind.COORD:
      x0[axis.index] = value;
      break;
    case AxisKind.LR:
      h.fill(value);
      break;
    case AxisKind.LR_COORD:
      h[axis.index] = value;
      break;
    case AxisKind.PARAM:
      p[axis.index] = value;
      break;
    case AxisKind.HYPER:
      o[axis.index] = value;
      break;
  }
}
