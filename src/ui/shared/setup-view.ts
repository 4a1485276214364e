/**
 * Views that set themselves up. Switching a spec to a bifurcation diagram or a long-run density
 * must show dynamics at once: the diagram sweeps the learning rate (or the rate or parameter the map
 * already swept) with starts spread over a box that holds the interesting orbits, the vertical range
 * starts automatic, and the hidden second axis never clashes with the sweep. Switching back to the
 * map restores the plane the user had. Pure functions of the spec and the objective's names.
 */
import { defaultAxisRange, startBox, sweepable, type ObjectiveNames } from '../../experiment/adapt.ts';
import type { AxisRange, ExperimentSpec, SpecKind } from '../../experiment/spec.ts';
import { getPreset } from '../../presets.ts';

/** What a basin map had before the lab switched away from it (restored on the way back). */
export interface BasinMemory {
  expr: string;
  plane: ExperimentSpec['plane'];
  size: [number, number];
  iterations: number;
  transient: number;
}

/** The basin map's own fields, remembered when the lab leaves the map for an ensemble view. */
export function rememberBasin(spec: ExperimentSpec): BasinMemory {
  return {
    expr: spec.objective.expr,
    plane: { u: { ...spec.plane.u }, v: { ...spec.plane.v } },
    size: [...spec.size],
    iterations: spec.iterations,
    transient: spec.transient,
  };
}

/** Samples and kept steps below which a density is too noisy to compare with a prediction. */
export const DENSITY_MIN_SAMPLES = 256;
export const DENSITY_MIN_KEEP = 1000;

const isRate = (q: string) => q === 'lr' || q.startsWith('lr.');

/** The sweep of an ensemble view: an axis the map already sweeps over a rate or parameter, else h. */
export function ensembleSweep(spec: ExperimentSpec, obj: ObjectiveNames): AxisRange {
  const { u, v } = spec.plane;
  const rate = [u, v].find((a) => isRate(a.quantity) && sweepable(a.quantity, obj));
  if (rate) return { ...rate };
  const param = [u, v].find((a) => obj.params.includes(a.quantity));
  if (param) return { ...param };
  const preset = spec.objective.preset ? getPreset(spec.objective.preset) : undefined;
  const [min, max] = preset ? preset.lrRange : defaultAxisRange(spec, 'lr');
  return { quantity: 'lr', min, max };
}

/**
 * The box a diagram's or density's starts are spread over (startBox): the ranges the map sweeps the
 * variables over, then the preset's plane, else x₀ ± ½; `gdlab bifurcation` and `density` spread
 * theirs the same way over the preset's plane.
 */
export function ensembleBox(spec: ExperimentSpec, obj: ObjectiveNames): { min: number[]; max: number[] } {
  const preset = spec.objective.preset ? getPreset(spec.objective.preset) : undefined;
  const axes = [spec.plane.u, spec.plane.v, ...(preset ? [preset.view.u, preset.view.v] : [])];
  return startBox(obj.vars, spec.x0, axes);
}

/**
 * The spec shown as `kind`. To an ensemble view: the sweep and box above, a hidden second axis on a
 * coordinate the sweep does not use, an automatic vertical range, an observable the objective has,
 * and for a density enough samples and kept steps to compare with a prediction. To the map: the
 * remembered plane when the objective is the one it was drawn for, else the plane as it is (the
 * ensemble views keep it valid). Between the two ensemble views the box the user set stays.
 * `memory` is what the map had (see rememberBasin).
 */
export function setupKind(
  spec: ExperimentSpec,
  kind: SpecKind,
  obj: ObjectiveNames,
  memory: BasinMemory | null = null,
): ExperimentSpec {
  if (kind === 'basin') {
    const back = memory && memory.expr === spec.objective.expr ? memory : null;
    if (!back) return { ...spec, kind };
    const iterations = Math.max(back.iterations, back.transient + 1);
    return { ...spec, kind, plane: back.plane, size: back.size, iterations, transient: back.transient };
  }
  if (kind === 'attractor') return setupAttractor(spec, obj);
  const u = ensembleSweep(spec, obj);
  const coord = obj.vars.find((q) => q !== u.quantity) ?? obj.vars[0];
  const old = [spec.plane.u, spec.plane.v].find((a) => a.quantity === coord);
  const v: AxisRange = old ? { ...old } : { quantity: coord, min: -2, max: 2 };
  const obs = spec.ensemble.observable.trim();
  const simple = /^[A-Za-z_][A-Za-z0-9_]*$/.test(obs);
  const observable = simple && obs !== 'f' && !obj.vars.includes(obs) ? coord : obs;
  // Between the two ensemble views the user's box stays; from the map it is set up afresh.
  const box = spec.kind !== 'basin' && spec.ensemble.box ? spec.ensemble.box : ensembleBox(spec, obj);
  const ensemble = { ...spec.ensemble, box, range: null, observable };
  if (kind === 'density') {
    ensemble.samples = Math.max(ensemble.samples, DENSITY_MIN_SAMPLES);
    ensemble.keep = Math.max(ensemble.keep, DENSITY_MIN_KEEP);
  }
  return {
    ...spec,
    kind,
    plane: { u, v },
    ensemble,
    iterations: spec.transient + ensemble.keep,
  };
}

/** Bins of an attractor opened from another view. */
export const ATTRACTOR_BINS: [number, number] = [256, 256];

/**
 * The spec as an attractor: the pair of the first two variables (x and f in one variable) unless
 * the spec's pair still names the objective's variables or f, starts spread around x₀ (x₀ ± ¼),
 * automatic ranges, at least as many samples and kept steps as a density, and square bins; the plane
 * (which an attractor does not use) stays for the way back to the map.
 */
function setupAttractor(spec: ExperimentSpec, obj: ObjectiveNames): ExperimentSpec {
  const names = [...obj.vars, 'f'];
  const { u, v } = spec.attractor;
  const keep = names.includes(u.trim()) && names.includes(v.trim()) && u.trim() !== v.trim();
  const pair = keep ? { u, v } : { u: obj.vars[0], v: obj.vars[1] ?? 'f' };
  // Around the start, not over the map's window: one rate's long-run states from one region. The
  // coupled wells' window mixed the anti-phase 2-cycle into their strange attractor (λ averaged 0.11
  // over the samples); around their start (0.75, 0.75) the samples end on the attractor (λ 0.44).
  const box =
    spec.kind !== 'basin' && spec.ensemble.box ? spec.ensemble.box : startBox(obj.vars, spec.x0, []);
  const ensemble = {
    ...spec.ensemble,
    box,
    samples: Math.max(spec.ensemble.samples, DENSITY_MIN_SAMPLES),
    keep: Math.max(spec.ensemble.keep, DENSITY_MIN_KEEP),
  };
  return {
    ...spec,
    kind: 'attractor',
    size: spec.kind === 'attractor' ? spec.size : [...ATTRACTOR_BINS],
    ensemble,
    attractor: { ...pair, uRange: null, vRange: null },
    iterations: spec.transient + ensemble.keep,
  };
}
