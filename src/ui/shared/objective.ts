/**
 * The spec's compiled objective, memoised: the panels validate on every keystroke and the lab
 * checks every edit, and compiling is pure in (expr, params, observables).
 */
import { planeQuantities } from '../../experiment/spec.ts';
import type { OptimizerSettings } from '../../optimizer/rules.ts';
import { checkSpec as checkExperiment } from '../../experiment/check.ts';
import { compileObjective } from '../../objective/compile.ts';
import type { CompiledObjective } from '../../objective/types.ts';
import { compileEvaluators, compileEvaluatorsAsync } from '../../objective/wasm/evaluator.ts';
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

/** WebAssembly evaluators of recent objectives (src/objective/wasm), by the tape objective they compile. */
const evaluators = new WeakMap<CompiledObjective, CompiledObjective | Promise<void>>();

/**
 * The spec's objective with its WebAssembly evaluators (the float64 engines' compiled code, bit for
 * bit the tape's values), for the trajectory inspector on the page's thread. Chrome compiles a
 * module of at most 4 KB synchronously there; a larger one compiles in the background from the
 * first call on, and the tape stands in until it is ready (the same values, more slowly).
 */
export function compiledSpec(spec: ExperimentSpec): CompiledObjective {
  const tape = compileSpec(spec);
  const hit = evaluators.get(tape);
  if (hit && !(hit instanceof Promise)) return hit;
  if (!hit) {
    try {
      const wasm = compileEvaluators(tape);
      evaluators.set(tape, wasm);
      return wasm;
    } catch {
      // Where WebAssembly may not compile at all (a policy without 'wasm-unsafe-eval'), the tape stays.
      evaluators.set(
        tape,
        compileEvaluatorsAsync(tape).then(
          (wasm) => void evaluators.set(tape, wasm),
          () => void evaluators.set(tape, tape),
        ),
      );
    }
  }
  return tape;
}

/**
 * Every check a spec must pass before it is computed: src/experiment/check.ts (the one path every
 * entry point takes), with the memoised compiler. Throws ObjectiveError or SpecError with the message.
 */
export function checkSpec(spec: ExperimentSpec): CompiledObjective {
  return checkExperiment(spec, (i) => compileFor(i.expr, i.params, i.observables));
}

/** The quantities a plane axis may sweep for this objective. */
export function sweepableQuantities(
  obj: { vars: readonly string[]; params: readonly string[] },
  optimizer?: Pick<OptimizerSettings, 'kind'>,
): string[] {
  return planeQuantities(obj.vars, obj.params, optimizer);
}

/** The objective's variables, or none while the expression does not compile. */
export function varsOf(spec: ExperimentSpec): readonly string[] {
  try {
    return compileSpec(spec).vars;
  } catch {
    return [];
  }
}
