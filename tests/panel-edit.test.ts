/**
 * A panel's edit at the lab (src/ui/gd-lab/panel-edit.ts): refused beside its field, kept with the
 * link held until the engine is ready, or applied, recorded when it enters a new view and a new
 * experiment when the plane was fitted to a new objective.
 */
import { describe, expect, it } from 'vitest';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { applyPanelEdit, type EditHost } from '../src/ui/gd-lab/panel-edit.ts';
import type { CanvasLabel } from '../src/ui/shared/canvas-text.ts';
import type { Section } from '../src/ui/shared/events.ts';

/** A lab that records what an edit asked of it. */
function fakeLab(spec: ExperimentSpec, held: ExperimentSpec | null = null) {
  const calls = {
    errors: [] as [Section, string | null, string | undefined][],
    applied: [] as [ExperimentSpec, { record?: boolean; home?: boolean }][],
    updates: 0,
  };
  const lab: EditHost = {
    spec,
    link: { held },
    adaptNote: null as CanvasLabel | null,
    setError: (key, message, field) => void calls.errors.push([key, message, field]),
    apply: (next, opts) => void calls.applied.push([next, opts]),
    requestUpdate: () => void calls.updates++,
  };
  return { lab, calls };
}

describe('a panel edit at the lab', () => {
  it('a refused edit is said beside its field, and nothing is applied', () => {
    const { lab, calls } = fakeLab(defaultSpec());
    applyPanelEdit(lab, { section: 'optimizer', field: 'lr', edit: (s) => ({ ...s, lr: -0.5 }) });
    expect(calls.errors).toEqual([['optimizer', 'invalid experiment spec:\n  lr: must be positive', 'lr']]);
    expect(calls.applied).toEqual([]);
  });

  it('an edit of the rate is applied, the same view, not recorded nor a new experiment', () => {
    const { lab, calls } = fakeLab(defaultSpec());
    applyPanelEdit(lab, { section: 'optimizer', field: 'lr', edit: (s) => ({ ...s, lr: 0.5 }) });
    expect(calls.errors).toEqual([['optimizer', null, undefined]]);
    expect(calls.applied.map(([s, o]) => [s.lr, o])).toEqual([[0.5, { record: false, home: false }]]);
  });

  it('a new objective that fits the plane anew is a new experiment, and its note is kept', () => {
    const { lab, calls } = fakeLab(defaultSpec());
    const expr = '(x^2-1)^2/4';
    applyPanelEdit(lab, {
      section: 'objective',
      edit: (s) => ({ ...s, objective: { expr, preset: null, params: {} } }),
    });
    expect(lab.adaptNote).toBe('The objective has no y: the map now sweeps x across and h up.');
    const [[next, opts]] = calls.applied;
    expect([next.objective.expr, next.plane.v.quantity]).toEqual([expr, 'lr']);
    expect(opts).toEqual({ record: true, home: true });
  });

  it('before the engine is ready an edit changes the held link, and the spec on screen stays', () => {
    const link = parseSpec({ lr: 0.9, size: [48, 40] });
    const { lab, calls } = fakeLab(defaultSpec(), link);
    applyPanelEdit(lab, { section: 'optimizer', field: 'lr', edit: (s) => ({ ...s, lr: 0.7 }) });
    expect(calls.applied).toEqual([]);
    expect(calls.updates).toBe(1);
    expect([lab.link.held?.lr, lab.link.held?.size]).toEqual([0.7, [48, 40]]);
    expect(lab.spec).toEqual(defaultSpec());
  });
});
