/**
 * The gallery's behaviour, kept out of the components: which spec an entry (or a variant) opens at
 * a given grid limit, the inspector data of an entry's trajectories, whether the lab still shows an
 * entry's experiment, and the typed events by which the list and the open entry ask the lab to act.
 */
import type { GalleryEntry } from '../../gallery/entries.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import { inspectStart } from '../bifurcation-view/inspect-start.ts';
import type { InspectorData } from '../trajectory-inspector/inspect.ts';

/**
 * A basin or bifurcation spec with its grid scaled so its longest side is at most `maxSide`
 * (the CPU engine, tests); densities have no grid to scale and are returned as they are.
 */
export function scaleSpec(spec: ExperimentSpec, maxSide: number | null): ExperimentSpec {
  const [W, H] = spec.size;
  if (maxSide === null || spec.kind === 'density' || Math.max(W, H) <= maxSide) return spec;
  const s = maxSide / Math.max(W, H);
  return parseSpec({ ...spec, size: [Math.max(1, Math.round(W * s)), Math.max(1, Math.round(H * s))] });
}

/** The saved spec of an entry's picture: 'main' or a variant's label; null for an unknown label. */
export function entrySpec(entry: GalleryEntry, label: string): ExperimentSpec | null {
  if (label === 'main') return entry.spec;
  return entry.variants?.find((v) => v.label === label)?.spec ?? null;
}

/** Inspector data of the entry's k-th trajectory, its marker in the plane of the entry's picture. */
export function entryTrajectory(entry: GalleryEntry, k: number): InspectorData | null {
  const t = entry.trajectories;
  if (!t || k < 0 || k >= t.lrs.length) return null;
  return inspectStart(entry.spec, 'lr', t.lrs[k], t.x0, t.iterations, entry.spec);
}

/**
 * Whether `spec` is still the experiment `opened` (an entry's picture): the same in everything but
 * the view (plane ranges, the ensemble's vertical range), the grid and the colouring, which a reader
 * changes while looking at the entry. Anything else makes the entry's text no longer about the picture.
 */
export function sameExperiment(spec: ExperimentSpec, opened: ExperimentSpec): boolean {
  const strip = (s: ExperimentSpec) =>
    JSON.stringify({
      ...s,
      plane: { u: s.plane.u.quantity, v: s.kind === 'basin' ? s.plane.v.quantity : null },
      size: null,
      colour: null,
      ensemble: { ...s.ensemble, range: null },
      attractor: { ...s.attractor, uRange: null, vRange: null },
    });
  return strip(spec) === strip(opened);
}

export interface GalleryChooseDetail {
  /** The entry's id. */
  id: string;
  /** Which picture: 'main' or a variant's label. */
  label: string;
}

/** The list or the open entry asks the lab to open an entry's picture (or one of its variants). */
export class GalleryChooseEvent extends CustomEvent<GalleryChooseDetail> {
  static readonly type = 'gallery-choose';
  constructor(detail: GalleryChooseDetail) {
    super(GalleryChooseEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The open entry asks the lab to inspect its k-th trajectory. */
export class GalleryTrajectoryEvent extends CustomEvent<{ index: number }> {
  static readonly type = 'gallery-trajectory';
  constructor(index: number) {
    super(GalleryTrajectoryEvent.type, { detail: { index }, bubbles: true, composed: true });
  }
}

/** The open entry's text was closed. */
export class GalleryCloseEvent extends CustomEvent<null> {
  static readonly type = 'gallery-close';
  constructor() {
    super(GalleryCloseEvent.type, { detail: null, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'gallery-choose': GalleryChooseEvent;
    'gallery-trajectory': GalleryTrajectoryEvent;
    'gallery-close': GalleryCloseEvent;
  }
}
