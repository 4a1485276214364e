/** The lab's use of src/presets.ts: a preset turned into a spec, and a spec's preset view. */
import { PRESETS, getPreset, type Preset } from '../../presets.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { View } from './view.ts';

export { PRESETS, type Preset };

/** The spec with the preset's objective, start, rate and suggested plane; the rest is kept. */
export function applyPreset(spec: ExperimentSpec, preset: Preset): ExperimentSpec {
  return {
    ...spec,
    objective: { expr: preset.formula, preset: preset.id, params: { ...preset.params } },
    x0: [...preset.x0],
    lr: preset.lr,
    lrPerCoord: null,
    plane: { u: { ...preset.view.u }, v: { ...preset.view.v } },
    observables: [],
  };
}

/** The preset's suggested view when the spec sweeps the preset's two quantities. */
export function presetView(spec: ExperimentSpec): View | null {
  const p = spec.objective.preset ? getPreset(spec.objective.preset) : undefined;
  if (!p || p.view.u.quantity !== spec.plane.u.quantity || p.view.v.quantity !== spec.plane.v.quantity)
    return null;
  return { u: [p.view.u.min, p.view.u.max], v: [p.view.v.min, p.view.v.max] };
}
