/** The lab's use of src/presets.ts: a preset turned into a spec. */
import { PRESETS, type Preset } from '../../presets.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { setupKind } from './setup-view.ts';

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
