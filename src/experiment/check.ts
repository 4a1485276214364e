/**
 * The one semantic check every spec passes before it is computed, whatever it came from (CLI flags,
 * a spec file, a PNG, a link, the lab's fields): parseSpec checks the shape and the limits; this
 * compiles the objective with its observables, resolves the plane against the objective's variables
 * and parameters, and for the ensemble views compiles the histogrammed observable and plans the run
 * (the same planEnsemble the engines call). A spec that passes runs on either engine.
 */
import { ensembleObservableInputs, planEnsemble } from '../core/ensemble.ts';
import { compileObjective } from '../objective/compile.ts';
import { ObjectiveError, type CompiledObjective, type ObjectiveInput } from '../objective/types.ts';
import { resolvePlane } from './plane.ts';
import { SpecError, type ExperimentSpec } from './spec.ts';

/** Compiles an objective: compileObjective, or a memoised one (the lab checks every keystroke). */
export type Compile = (input: ObjectiveInput) => CompiledObjective;

/**
 * Checks `spec` against its objective; returns the objective compiled with `spec.observables`.
 * Throws ObjectiveError (the expression or an observable, with its column) or SpecError (`path:
 * message` lines).
 */
export function checkSpec(spec: ExperimentSpec, compile: Compile = compileObjective): CompiledObjective {
  const { expr, params } = spec.objective;
  const obj = compile({ expr, params, observables: spec.observables });
  resolvePlane(spec, obj);
  if (spec.kind !== 'basin') {
    let withObservable: CompiledObjective;
    try {
      withObservable = compile({ expr, params, observables: ensembleObservableInputs(spec) });
    } catch (e) {
      if (!(e instanceof ObjectiveError)) throw e;
      throw new SpecError([`ensemble.observable: ${e.message.replace(/^observable 1: /, '')}`]);
    }
    planEnsemble(spec, withObservable);
  }
  return obj;
}
