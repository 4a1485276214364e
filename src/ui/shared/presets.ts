/** The lab's use of src/presets.ts: a preset turned into a spec, and a spec's preset view. */
import { PRESETS, getPreset, type Preset } from '../../presets.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { setupKind } from './setup-view.ts';
import type { View } from './view.ts';

export { PRESETS, type Preset };

/**
 * The spec with the preset's objective, start, rate and suggested plane, in the view the lab shows:
 * a diagram or density sets itself up for the new objective (its sweep, box and an automatic
 * vertical range), so nothing fixed for the previous objective (a zoomed range) carries over.
 */
export function applyPreset(spec: ExperimentSpec, preset: Preset): ExperimentSpec {
  const basin: ExperimentSpec = {
    ...spec,
    kind: 'basin',
    objective: { expr: preset.formula, preset: preset.id, params: { ...preset.params } },
    x0: [...preset.x0],
    lr: preset.lr,
    lrPerCoord: null,
    plane: { u: { ...preset.view.u }, v: { ...preset.view.v } },
    observables: [],
    colour: {
      ...spec.colour,
      field: spec.colour.field.startsWith('obs') ? 'outcome' : spec.colour.field,
      range: null,
    },
    ensemble: { ...spec.ensemble, box: null, range: null, observable: preset.vars[0] },
  };
  if (spec.kind === 'basin') return basin;
  return setupKind(basin, spec.kind, { vars: preset.vars, params: Object.keys(preset.params) });
}

/** The preset's suggested view when the spec sweeps the preset's two quantities. */
export function presetView(spec: ExperimentSpec): View | null {
  const p = spec.objective.preset ? getPreset(spec.objective.preset) : undefined;
  if (!p || p.view.u.quantity !== spec.plane.u.quantity || p.view.v.quantity !== spec.plane.v.quantity)
    return null;
  return { u: [p.view.u.min, p.view.u.max], v: [p.view.v.min, p.view.v.max] };
}
