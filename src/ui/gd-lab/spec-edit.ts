/**
 * A panel's edit applied to the spec: the edit, then for a new objective the plane, start and
 * ensemble fitted to its variables (src/experiment/adapt.ts), then the checks every spec passes.
 * Throws with the message to show beside the panel; returns the spec and, when the plane had to
 * change, the one line that says so.
 */
import { adaptToObjective } from '../../experiment/adapt.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import type { Section, SpecEditDetail } from '../shared/events.ts';
import { joinLabels, quantityRuns, type CanvasLabel } from '../shared/canvas-text.ts';
import { checkSpec, compileFor } from '../shared/objective.ts';

export function editSpec(
  spec: ExperimentSpec,
  section: Section,
  edit: SpecEditDetail['edit'],
): { spec: ExperimentSpec; note: CanvasLabel | null } {
  let draft = edit(structuredClone(spec)) as ExperimentSpec;
  let note: CanvasLabel | null = null;
  // A new objective, or an optimizer that no longer has the β a plane sweeps.
  if (section === 'objective' || (section === 'optimizer' && draft.optimizer?.kind !== spec.optimizer.kind)) {
    // The objective in the spec's words before the compiler's: an emptied parameter box (NaN) is
    // "must be a number", as every other box says, not "parameter 'a' has no value (got NaN)". The
    // rest of the spec is the valid one before the edit, which adapting has not yet fitted to it.
    if (section === 'objective') parseSpec({ ...spec, objective: draft.objective });
    const obj = compileFor(draft.objective.expr, draft.objective.params ?? {});
    const adapted = adaptToObjective(draft, obj);
    draft = adapted.spec;
    if (adapted.axes.length)
      note = adaptLine(
        adapted.spec,
        adapted.axes.map((a) => a.from),
        section === 'objective' ? 'objective' : 'optimizer',
      );
  }
  const next = parseSpec(draft);
  checkSpec(next);
  return { spec: next, note };
}

/**
 * The one line saying how a new objective (or optimizer) changed the plane, its quantities as runs:
 * the objective panel writes a coordinate's rate h<sub>x</sub> (runsMarkup), as the plane panel
 * beside it does, where this line wrote "h_x".
 */
export function adaptLine(
  spec: ExperimentSpec,
  missing: string[],
  what: 'objective' | 'optimizer' = 'objective',
): CanvasLabel {
  const params = Object.keys(spec.objective.params);
  const q = (name: string) => quantityRuns(name, params);
  const gone = [...new Set(missing)].flatMap((name, k) => (k > 0 ? [' or ', q(name)] : [q(name)]));
  const u = q(spec.plane.u.quantity);
  const v = q(spec.plane.v.quantity);
  const head = [`The ${what} has no `, ...gone];
  return joinLabels(
    spec.kind === 'basin'
      ? [...head, ': the map now sweeps ', u, ' across and ', v, ' up.']
      : [...head, ': the diagram now sweeps ', u, '.'],
  );
}
