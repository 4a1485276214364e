/**
 * The quantities a plane (or an ensemble's columns) may sweep, resolved against an objective's
 * variables and parameters and the spec's optimizer: a coordinate, the rate, one coordinate's rate,
 * the optimizer's β or β₂ where its rule reads them, or a parameter.
 */
import {
  DEFAULT_OPTIMIZER,
  HYPER_NAMES,
  usesHyper,
  type HyperName,
  type OptimizerSettings,
} from '../optimizer/rules.ts';
import { clip, counted } from '../objective/limits.ts';
import { SpecError, type ExperimentSpec } from './spec.ts';

/** What a swept quantity refers to, once resolved against the objective's variables and parameters. */
export type QuantityRef =
  | { kind: 'coord'; index: number }
  | { kind: 'lr' }
  | { kind: 'lrCoord'; index: number }
  | { kind: 'param'; name: string }
  /** An optimizer hyperparameter: index in HYPER_NAMES (0 beta, 1 beta2). */
  | { kind: 'hyper'; name: HyperName; index: number };

/** The hyperparameters a plane may sweep (ε is a regulariser, not a dynamical parameter worth a map). */
export const SWEPT_HYPERS: readonly HyperName[] = ['beta', 'beta2'];

/**
 * Resolves a quantity name; throws SpecError naming the allowed ones. `beta` and `beta2` are the
 * optimizer's when its rule uses them (GD uses neither); a parameter of the objective with the same
 * name would make the name ambiguous, which is an error rather than a guess.
 */
export function resolveQuantity(
  name: string,
  vars: readonly string[],
  params: readonly string[],
  optimizer: Pick<OptimizerSettings, 'kind'> = DEFAULT_OPTIMIZER,
): QuantityRef {
  if (name === 'lr') return { kind: 'lr' };
  const hypers = SWEPT_HYPERS.filter((n) => usesHyper(optimizer, n));
  if (name.startsWith('lr.')) {
    const i = vars.indexOf(name.slice(3));
    if (i >= 0) return { kind: 'lrCoord', index: i };
  } else {
    const i = vars.indexOf(name);
    if (i >= 0) return { kind: 'coord', index: i };
    const hyper = hypers.find((n) => n === name);
    if (hyper && params.includes(name))
      throw new SpecError([
        `plane: '${clip(name)}' is both the optimizer's ${name} and a parameter of the objective; rename the parameter`,
      ]);
    if (hyper) return { kind: 'hyper', name: hyper, index: HYPER_NAMES.indexOf(hyper) };
    if (params.includes(name)) return { kind: 'param', name };
  }
  const allowed = [...vars, 'lr', ...vars.map((v) => `lr.${v}`), ...hypers, ...params];
  const hint = (SWEPT_HYPERS as readonly string[]).includes(name)
    ? ` (${name} is swept only by an optimizer that uses it: ${name === 'beta' ? 'momentum, nesterov, adam' : 'rmsprop, adam'})`
    : '';
  throw new SpecError([`plane: unknown quantity '${clip(name)}'; allowed: ${allowed.join(', ')}${hint}`]);
}

/** Every quantity a plane may sweep for these variables, parameters and optimizer. */
export function planeQuantities(
  vars: readonly string[],
  params: readonly string[],
  optimizer: Pick<OptimizerSettings, 'kind'> = DEFAULT_OPTIMIZER,
): string[] {
  const hypers = SWEPT_HYPERS.filter((n) => usesHyper(optimizer, n) && !params.includes(n));
  return [...vars, 'lr', ...vars.map((v) => `lr.${v}`), ...hypers, ...params];
}

/** Checks the spec's dimension-dependent fields against a compiled objective's variables and parameters. */
export function checkSpecQuantities(
  spec: ExperimentSpec,
  vars: readonly string[],
  params: readonly string[],
): void {
  const issues: string[] = [];
  if (spec.x0.length !== vars.length)
    issues.push(
      `x0: has ${counted(spec.x0.length, 'coordinate')} but the objective has ${vars.length} (${vars.join(', ')})`,
    );
  for (const key of ['u', 'v'] as const) {
    try {
      const q = resolveQuantity(spec.plane[key].quantity, vars, params, spec.optimizer);
      const { min, max } = spec.plane[key];
      // Pixel centres lie strictly inside [min, max], so max = 1 still sweeps values below 1.
      if (q.kind === 'hyper' && (min < 0 || max > 1))
        issues.push(`plane.${key}: ${q.name} is a decay factor; its range must lie within [0, 1]`);
    } catch (e) {
      issues.push(...(e as SpecError).issues.map((m) => m.replace(/^plane:/, `plane.${key}:`)));
    }
  }
  for (const p of params)
    if (!Object.hasOwn(spec.objective.params, p))
      issues.push(`objective.params: parameter '${p}' has no value`);
  if (issues.length) throw new SpecError(issues);
}
