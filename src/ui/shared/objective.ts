/**
 * The spec's compiled objective, memoised: the panels validate on every keystroke and the lab
 * checks every edit, and compiling is pure in (expr, params, observables).
 */
import { checkSpec as checkExperiment } from '../../experiment/check.ts';
import { compileObjective } from '../../objective/compile.ts';
import type { CompiledObjective } from '../../objective/types.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';

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
 * Every check a spec must pass before it is computed: src/experiment/check.ts (the one path every
 * entry point takes), with the memoised compiler. Throws ObjectiveError or SpecError with the message.
 */
export function checkSpec(spec: ExperimentSpec): CompiledObjective {
  return checkExperiment(spec, (i) => compileFor(i.expr, i.params, i.observables));
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
