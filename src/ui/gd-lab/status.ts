/**
 * The lab's status line in words: the run in flight (what is computed, where, how far, how long is
 * left), the finished picture (grid, iterations, time, engine, precision, speed), and the question
 * asked before a long run. Pure functions of the spec, the frame and the measured speed.
 */
import { precisionTag, type EngineInfo } from '../../core/engine.ts';
import type { ExperimentSpec, SpecKind } from '../../experiment/spec.ts';
import type { MapFrame } from '../engine-host/backend.ts';
import { specSteps } from './spec-view.ts';
import type { RunInFlight } from './run-controller.ts';
import type { SpeedBasis } from './run-estimate.ts';

export const KIND_TITLES: Record<SpecKind, string> = {
  basin: 'basin map',
  bifurcation: 'bifurcation diagram',
  density: 'long-run density',
  attractor: 'attractor (2-D density)',
};

/** A count or rate with an SI prefix: 33.6 M, 7.68 k. */
export function si(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const [scale, unit] = units.find(([s]) => Math.abs(n) >= s) ?? [1, ''];
  return `${Number((n / scale).toPrecision(3))}${unit ? ' ' + unit : ''}`;
}

/** A duration in words: 0.42 s, 38 s, 4 min 10 s, 2 h 5 min. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'an unknown time';
  if (seconds < 10) return `${seconds.toFixed(seconds < 1 ? 2 : 1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds - 60 * m);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - 3600 * h) / 60)} min`;
}

function where(info: EngineInfo | undefined): string {
  if (!info) return 'the engine';
  return `${info.kind.toUpperCase()} (${info.adapter}), ${precisionTag(info)}`;
}

/** What a spec computes, in words: "256×256 starts × 500 iterations" or the ensemble's sizes. */
export function workLine(spec: ExperimentSpec): string {
  const steps = spec.transient + spec.ensemble.keep;
  if (spec.kind === 'basin') return `${spec.size.join('×')} starts × ${spec.iterations} iterations`;
  if (spec.kind === 'density') return `${spec.ensemble.samples} trajectories × ${steps} steps`;
  if (spec.kind === 'attractor')
    return `${spec.ensemble.samples} trajectories × ${steps} steps into ${spec.size.join('×')} bins`;
  return `${spec.size[0]} columns × ${spec.ensemble.samples} samples × ${steps} steps`;
}

/** The run in flight. */
export function runLine(r: RunInFlight, info: EngineInfo | undefined): string {
  const what =
    r.phase === 'preview'
      ? `computing a preview, then the ${KIND_TITLES[r.spec.kind]}`
      : `computing the ${KIND_TITLES[r.spec.kind]}`;
  const elapsed = (performance.now() - r.started) / 1000;
  const done = r.progress - r.progress0;
  let left = '';
  // A compile's length is not modelled (on SwiftShader 0.3 s for a small objective, seconds for a
  // large one: kernel-variant.ts): a time left counting down over it read "about 0.00 s left".
  // An estimate run out while progress says how far the run is (the cost model is good to about 2×):
  // the progress's pace rather than "0.00 s left".
  const overdue = r.estimate !== null && r.estimate <= elapsed && done > 0.05;
  if (r.compiling) left = ' · compiling the kernel…';
  else if (r.estimate !== null && !overdue)
    left = ` · about ${duration(Math.max(0, r.estimate - elapsed))} left`;
  else if (done > 0.05) left = ` · about ${duration((elapsed / done) * (1 - r.progress))} left`;
  return `${what}: ${workLine(r.spec)} on ${where(info)}${left}`;
}

/** The finished basin map on screen. */
export function frameLine(f: MapFrame): string {
  const rate = f.ms > 0 ? ` · ${si((specSteps(f.spec) / f.ms) * 1e3)} steps/s` : '';
  const what = f.coarse ? `preview of ${workLine(f.spec)}` : workLine(f.spec);
  return `${what} · ${duration(f.ms / 1000)} on ${where(f.info)}${rate}`;
}

/**
 * The question before a run estimated over a minute: at the speed measured on this step, at one
 * measured on another scaled by the cost model, or (null) before any run on this engine, by the cost
 * model's estimate.
 */
export function confirmLine(spec: ExperimentSpec, seconds: number, speed: SpeedBasis | null): string {
  const basis =
    speed === null
      ? 'as estimated for this engine (no run measured here yet)'
      : speed.from === null
        ? `at the last measured ${si(speed.rate)} steps/s`
        : `at ${si(speed.rate)} steps/s, scaled by the cost model from the ${si(speed.measured)} steps/s measured on ${speed.from.objective.expr}`;
  return `This ${KIND_TITLES[spec.kind]} needs ${si(specSteps(spec))} steps: about ${duration(seconds)} ${basis}.`;
}
