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
      throw new SpecError([observableIssue(spec, e.message)]);
    }
    planEnsemble(spec, withObservable);
  }
  return obj;
}

/** A compile error of the observed quantities as `path: message`: ensemble.observable, attractor.u or v. */
function observableIssue(spec: ExperimentSpec, message: string): string {
  const m = /^observable (\d+): /.exec(message);
  const text = m ? message.slice(m[0].length) : message;
  if (spec.kind !== 'attractor') return `ensemble.observable: ${text}`;
  // attractorObservableInputs compiles u then v, without f: slot 1 is v only when u is compiled.
  const uCompiled = spec.attractor.u.trim() !== 'f';
  const path = m && (Number(m[1]) === 2 || !uCompiled) ? 'attractor.v' : 'attractor.u';
  return `${path}: ${text}`;
}
