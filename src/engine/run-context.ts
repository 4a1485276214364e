/**
 * A basin run's context: the uniforms and base values every submit of the run (and every later
 * recomputation of its records) writes, resolved once from the spec and the plane, and the checks
 * that refuse inputs which would poison every record.
 */
import type { CompiledObjective } from '../objective/types.ts';
import { kernelDims, stepNodes, type BasinPass, type KernelObjective } from './basin-pass.ts';
import type { Plane } from '../experiment/plane.ts';
import { SpecError, type ExperimentSpec } from '../experiment/spec.ts';
import type { RunContext } from './basin-run.ts';
import type { Tile } from './dispatch-plan.ts';
import { forStep, GENERAL_GEOMETRY, kernelVariant } from './kernel-variant.ts';
import { baseWords, gdUniforms, stateBytes } from './layouts.ts';

/** Everything the submits of a run read, resolved from the spec (SpecError where it cannot run). */
export function runContext(
  spec: ExperimentSpec,
  objective: CompiledObjective & KernelObjective,
  plane: Plane,
  pass: BasinPass,
  tiles: Tile[],
  key: string,
  /** The band of grid rows row0 … row0 + rows - 1 the run covers (RunOptions.rows). */
  row0 = 0,
  rows = plane.height,
  /**
   * `general`: the general kernel rather than one specialised to the run's geometry and step;
   * `heavyStepNodes`: forStep's threshold (default HEAVY_STEP_NODES).
   */
  variant: { general?: boolean; heavyStepNodes?: number } = {},
): RunContext {
  const { dim } = plane;
  const base = new Float32Array(baseWords(dim, objective.params.length));
  base.set(plane.x0, 0);
  base.set(plane.h, dim);
  base.set(plane.p, 2 * dim);
  base.set(plane.o, 2 * dim + Math.max(1, objective.params.length));
  const N = spec.iterations;
  const weight = stepNodes(objective);
  if (spec.classify.maxPeriod > 64) throw new SpecError(['classify.maxPeriod: at most 64']);
  return {
    pass,
    key,
    weight,
    lyapunov: spec.classify.lyapunov,
    width: plane.width,
    height: rows,
    dim,
    stateBytes: stateBytes(kernelDims(objective)),
    iterations: N,
    tiles,
    base,
    specialise: variant.general
      ? GENERAL_GEOMETRY
      : forStep(
          kernelVariant(N, spec.transient, Math.min(spec.classify.maxPeriod, N), spec.classify.lyapunov),
          weight,
          variant.heavyStepNodes,
        ),
    uniforms: {
      width: plane.width,
      row0,
      ...gdUniforms(N, spec.transient, spec.classify),
      u_kind: plane.u.kind,
      u_index: Math.max(0, plane.u.index),
      u_min: plane.u.min,
      u_step: (plane.u.max - plane.u.min) / plane.width,
      v_kind: plane.v.kind,
      v_index: Math.max(0, plane.v.index),
      v_min: plane.v.min,
      v_step: (plane.v.max - plane.v.min) / plane.height,
    },
  };
}

export /** NaN or infinite inputs would silently poison every record; refuse them with their name. */
function checkFinite(plane: Plane): void {
  const bad: string[] = [];
  plane.x0.forEach((v, i) => Number.isFinite(v) || bad.push(`x0.${i}: must be a finite number (got ${v})`));
  plane.h.forEach((v, i) => Number.isFinite(v) || bad.push(`lr: must be a finite number (got ${v} at ${i})`));
  plane.p.forEach(
    (v, i) =>
      Number.isFinite(v) || bad.push(`objective.params: parameter ${i} must be a finite number (got ${v})`),
  );
  plane.o.forEach(
    (v, i) =>
      Number.isFinite(v) || bad.push(`optimizer: hyperparameter ${i} must be a finite number (got ${v})`),
  );
  for (const [k, a] of [['u', plane.u] as const, ['v', plane.v] as const])
    if (!Number.isFinite(a.min) || !Number.isFinite(a.max))
      bad.push(`plane.${k}: range [${a.min}, ${a.max}] must be finite`);
  if (bad.length) throw new SpecError(bad);
}
