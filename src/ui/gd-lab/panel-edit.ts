/**
 * A panel's edit arriving at the lab: the edited spec (spec-edit.ts) replaces the one on screen, the
 * link the page opened with while the engine is not yet ready, or is refused with its message beside
 * the field the user edited. Apart from the lab's element, which only routes the event here.
 */
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { CanvasLabel } from '../shared/canvas-text.ts';
import type { Section, SpecEditDetail } from '../shared/events.ts';
import { viewsEqual } from '../shared/view.ts';
import { editSpec } from './spec-edit.ts';
import { specView } from './spec-view.ts';

/** What an edit needs of the lab (GdLab). */
export interface EditHost {
  readonly spec: ExperimentSpec;
  /** The link the page opened with, held until the engine is ready (link-controller.ts). */
  readonly link: { held: ExperimentSpec | null };
  adaptNote: CanvasLabel | null;
  setError(key: Section, message: string | null, field?: string): void;
  apply(next: ExperimentSpec, opts: { record?: boolean; home?: boolean }): void;
  requestUpdate(): void;
}

/**
 * Applies `detail`'s edit. An edit that enters a new view is recorded in history; a new preset, or
 * an objective the plane had to be fitted to, is a new experiment (its view the one Reset returns to).
 */
export function applyPanelEdit(lab: EditHost, detail: SpecEditDetail): void {
  const { section, field, edit } = detail;
  // Before the engine is ready the panels show the held link: an edit is of it, and stays held.
  const held = lab.link.held;
  let result;
  try {
    result = editSpec(held ?? lab.spec, section, edit);
  } catch (err) {
    lab.setError(section, (err as Error).message, field);
    return;
  }
  const { spec: next, note } = result;
  lab.setError(section, null);
  if (section === 'objective') lab.adaptNote = note;
  if (held) {
    lab.link.held = next;
    return lab.requestUpdate();
  }
  const presetChanged = next.objective.preset !== lab.spec.objective.preset;
  const home = section === 'objective' && (presetChanged || note !== null);
  lab.apply(next, { record: !viewsEqual(specView(next), specView(lab.spec)), home });
}
