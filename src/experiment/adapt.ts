/**
 * Fitting a spec to a new objective. A typed expression may have fewer or other variables and
 * parameters than the one before it: the plane axes, the start, the per-coordinate rates, the
 * ensemble's box and its observable that no longer fit are replaced by the nearest sensible ones, so
 * the new objective draws a picture instead of being refused for fields the user never touched.
 * Pure: the caller compiles the objective and passes its variables and parameters; the changes are
 * returned so that the lab can say in one line what moved.
 */
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../optimizer/rules.ts';
import { resolveQuantity, SWEPT_HYPERS, type AxisRange, type ExperimentSpec } from './spec.ts';

/** The variables and parameters of the objective the spec is fitted to. */
export interface ObjectiveNames {
  readonly vars: readonly string[];
  readonly params: readonly string[];
}

/** One axis whose quantity the objective no longer has, and what it sweeps now. */
export interface AxisChange {
  axis: 'u' | 'v';
  from: string;
  to: string;
}

export interface Adapted {
  spec: ExperimentSpec;
  /** Plane axes that were replaced (empty when the plane still fits). */
  axes: AxisChange[];
}

/**
 * Whether a quantity name resolves against these variables and parameters (and the optimizer's
 * hyperparameters: `beta` needs an optimizer that uses it).
 */
export function sweepable(
  quantity: string,
  obj: ObjectiveNames,
  optimizer: Pick<OptimizerSettings, 'kind'> = DEFAULT_OPTIMIZER,
): boolean {
  try {
    resolveQuantity(quantity, obj.vars, obj.params, optimizer);
    return true;
  } catch {
    return false;
  }
}

/**
 * A first range for a quantity that was just chosen: rates from a tenth of h to a little beyond 2h
 * (the x²/2 stability limit for h = 1 sits inside), a parameter from 0 to twice its value, β or β₂
 * over [0, 1] (pixel centres stay below 1), a coordinate [-3, 3].
 */
export function defaultAxisRange(
  spec: Pick<ExperimentSpec, 'lr' | 'objective'>,
  quantity: string,
): [number, number] {
  // Rounded to 12 digits: a spec, a link and a PNG then say 0.11, not 0.11000000000000001.
  if (quantity === 'lr' || quantity.startsWith('lr.'))
    return [Math.max(1e-3, +(spec.lr * 0.1).toPrecision(12)), +(spec.lr * 2.2).toPrecision(12)];
  if (
    (SWEPT_HYPERS as readonly string[]).includes(quantity) &&
    !Object.hasOwn(spec.objective.params, quantity)
  )
    return [0, 1];
  if (Object.hasOwn(spec.objective.params, quantity)) {
    const p = spec.objective.params[quantity];
    return p === 0 ? [-1, 1] : [Math.min(0, 2 * p), Math.max(0, 2 * p)];
  }
  return [-3, 3];
}

/**
 * The axis for `quantity` on a new plane: the range `plane` already gives it, else defaultAxisRange's
 * first one. Keeping a kept quantity's range means a spec edited to sweep one more quantity (or a typed
 * objective given the plane it needs) moves as little of the picture as possible.
 */
export function keptOrDefaultAxis(
  plane: { u: AxisRange; v: AxisRange },
  quantity: string,
  spec: Pick<ExperimentSpec, 'lr' | 'objective'>,
): AxisRange {
  const old = [plane.u, plane.v].find((a) => a.quantity === quantity);
  if (old) return { ...old };
  const [min, max] = defaultAxisRange(spec, quantity);
  return { quantity, min, max };
}

/**
 * The box an ensemble's starts are spread over: for each variable the middle half of the first of
 * `axes` that sweeps it, else x₀ ± ½. The middle half keeps most starts away from the fast-diverging
 * edges of a window while covering every basin in it; and a spread start never sits on a critical
 * point for every sample (x₀ = 0 is one of x²/2, of the double well and of (1 - xy)²/2, where one
 * start for all draws a single line at 0 against every rate).
 */
export function startBox(
  vars: readonly string[],
  x0: readonly number[],
  axes: readonly AxisRange[],
): { min: number[]; max: number[] } {
  const min: number[] = [];
  const max: number[] = [];
  vars.forEach((name, k) => {
    const a = axes.find((x) => x.quantity === name);
    const [lo, hi] = a ? [a.min, a.max] : [x0[k] - 0.5, x0[k] + 0.5];
    const quarter = (hi - lo) / 4;
    min.push(lo + quarter);
    max.push(hi - quarter);
  });
  return { min, max };
}

const isRate = (q: string) => q === 'lr' || q.startsWith('lr.');
const isCoordinate = (q: string, obj: ObjectiveNames) => obj.vars.includes(q);

/**
 * The replacement of an axis that no longer fits: a variable the other axis does not sweep (keeping
 * a coordinate's range), else the learning rate, else a parameter, else one coordinate's rate.
 */
function replacement(spec: ExperimentSpec, old: AxisRange, other: string, obj: ObjectiveNames): AxisRange {
  const candidates = [...obj.vars, 'lr', ...obj.params, ...obj.vars.map((v) => `lr.${v}`)];
  const quantity = candidates.find((q) => q !== other) ?? 'lr';
  const keepRange =
    (isCoordinate(quantity, obj) &&
      !isRate(old.quantity) &&
      !Object.hasOwn(spec.objective.params, old.quantity)) ||
    (isRate(quantity) && isRate(old.quantity));
  if (keepRange) return { quantity, min: old.min, max: old.max };
  const [min, max] = defaultAxisRange(spec, quantity);
  return { quantity, min, max };
}

/**
 * The spec fitted to an objective with these variables and parameters (and to its optimizer: an axis
 * sweeping β goes when the optimizer no longer has one): x0 keeps its leading values
 * (0 for new coordinates), per-coordinate rates and a box of the wrong length are resized, axes whose
 * quantity is gone are replaced, and an observable naming a lost variable becomes the first one.
 * Nothing that still fits is touched. Parameter values are the caller's business (the objective
 * panel asks for each new one).
 */
export function adaptToObjective(spec: ExperimentSpec, obj: ObjectiveNames): Adapted {
  const n = obj.vars.length;
  const resize = (a: readonly number[], fill: (k: number) => number) =>
    Array.from({ length: n }, (_, k) => (k < a.length ? a[k] : fill(k)));
  const x0 = spec.x0.length === n ? spec.x0 : resize(spec.x0, () => 0);
  const lrPerCoord = spec.lrPerCoord && spec.lrPerCoord.length !== n ? null : spec.lrPerCoord;
  const box = spec.ensemble.box;
  const fitted =
    box && (box.min.length !== n || box.max.length !== n)
      ? { min: resize(box.min, (k) => x0[k] - 0.5), max: resize(box.max, (k) => x0[k] + 0.5) }
      : box;
  const axes: AxisChange[] = [];
  let u = spec.plane.u;
  let v = spec.plane.v;
  const fits = (q: string) => sweepable(q, obj, spec.optimizer);
  if (!fits(u.quantity)) {
    const keepV = fits(v.quantity) ? v.quantity : '';
    const next = replacement(spec, u, keepV, obj);
    axes.push({ axis: 'u', from: u.quantity, to: next.quantity });
    u = next;
  }
  if (!fits(v.quantity) || v.quantity === u.quantity) {
    const next = replacement(spec, v, u.quantity, obj);
    axes.push({ axis: 'v', from: v.quantity, to: next.quantity });
    v = next;
  }
  const lost = (text: string) => {
    const o = text.trim();
    return (
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(o) && o !== 'f' && !obj.vars.includes(o) && !obj.params.includes(o)
    );
  };
  const observable = lost(spec.ensemble.observable) ? obj.vars[0] : spec.ensemble.observable;
  // The attractor's pair: a lost variable becomes the first (u) or next (v) variable, else f.
  const au = lost(spec.attractor.u) ? obj.vars[0] : spec.attractor.u;
  const av =
    lost(spec.attractor.v) || spec.attractor.v.trim() === au.trim()
      ? (obj.vars.find((q) => q !== au.trim()) ?? 'f')
      : spec.attractor.v;
  return {
    spec: {
      ...spec,
      x0,
      lrPerCoord,
      plane: { u, v },
      ensemble: { ...spec.ensemble, box: fitted, observable },
      attractor: { ...spec.attractor, u: au, v: av },
    },
    axes,
  };
}
