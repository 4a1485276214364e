/**
 * The spec's compiled objective, memoised: the panels validate on every keystroke and the lab
 * checks every edit, and compiling is pure in (expr, params, observables).
 */
import { ensembleObservableInputs, planEnsemble } from '../../core/ensemble.ts';
import { compileObjective } from '../../objective/compile.ts';
import type { CompiledObjective } from '../../objective/types.ts';
import { resolvePlane } from '../../experiment/plane.ts';
import { SpecError, type ExperimentSpec } from '../../experiment/spec.ts';

/**
 * A few recent compilations, most recent last: an ensemble spec is checked with its observables and
 * with the ensemble's, so one entry would be evicted on every check and compiled again.
 */
const recent = new Map<string, CompiledObjective>();
const RECENT = 4;

export function compileFor(
  expr: string,
  params: Record<string, number>,
  observables: string[] = [],
): CompiledObjective {
  const key = JSON.stringify([expr, params, observables]);
  const hit = recent.get(key);
  if (hit) {
    recent.delete(key);
    recent.set(key, hit);
    return hit;
  }
  const obj = compileObjective({ expr, params, observables });
  recent.set(key, obj);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return obj;
}

export function compileSpec(spec: ExperimentSpec): CompiledObjective {
  return compileFor(spec.objective.expr, spec.objective.params, spec.observables);
}

/**
 * Every check a spec must pass before it is computed: the objective compiles and the plane fits it;
 * for the ensemble views also the observable compiles and the run fits the work limits (the same
 * planEnsemble the engines call). Throws ObjectiveError or SpecError with the message to show.
 */
export function checkSpec(spec: ExperimentSpec): CompiledObjective {
  const obj = compileSpec(spec);
  resolvePlane(spec, obj);
  if (spec.kind !== 'basin') {
    let withObservable: CompiledObjective;
    try {
      withObservable = compileFor(spec.objective.expr, spec.objective.params, ensembleObservableInputs(spec));
    } catch (e) {
      throw new SpecError([`ensemble.observable: ${(e as Error).message}`]);
    }
    planEnsemble(spec, withObservable);
  }
  return obj;
}

/** The quantities a plane axis may sweep for this objective. */
export function sweepableQuantities(obj: { vars: readonly string[]; params: readonly string[] }): string[] {
  return [...obj.vars, 'lr', ...obj.vars.map((v) => `lr.${v}`), ...obj.params];
}

/** The objective's variables, or none while the expression does not compile. */
export function varsOf(spec: ExperimentSpec): readonly string[] {
  try {
    return compileSpec(spec).vars;
  } catch {
    return [];
  }
}
