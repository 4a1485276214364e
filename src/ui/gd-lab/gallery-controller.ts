/**
 * The open gallery entry, as a ReactiveController of the lab: which entry and picture are open, at
 * which grid (smaller on the CPU engine, and in tests), the note saying so, and the entry's
 * trajectories in the inspector. The entry's text is shown while the lab shows its experiment.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { GALLERY, type GalleryEntry } from '../../gallery/entries.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import { entrySpec, entryTrajectory, sameExperiment, scaleSpec } from '../gallery-panel/gallery.ts';
import { checkSpec } from '../shared/objective.ts';
import type { InspectorData } from '../trajectory-inspector/inspect.ts';

/**
 * Longest grid side gallery entries open at on the CPU engine: a saved 512² × 500 map would take
 * minutes in the float64 worker, 128² a few seconds.
 */
export const CPU_GALLERY_SIDE = 128;

/** What the lab shows of an open gallery entry. */
export interface GalleryState {
  entry: GalleryEntry;
  /** The picture: 'main' or a variant's label. */
  label: string;
  /** The spec the entry opened (its text describes it while the lab shows this experiment). */
  spec: ExperimentSpec;
  /** Index of the entry's trajectory in the inspector, or null. */
  trajectory: number | null;
  /** Set when the picture opened at a smaller grid than saved. */
  note: string | null;
  error: string | null;
}

export interface GalleryHost extends ReactiveControllerHost {
  readonly backend: LabBackend | null;
  /** Opens a checked spec as a new experiment. */
  openSpec(spec: ExperimentSpec, source: string): void;
  /** Shows inspector data (null closes the inspector). */
  inspect(data: InspectorData | null): void;
  setError(key: 'open', message: string | null): void;
}

export class GalleryController implements ReactiveController {
  state: GalleryState | null = null;
  /**
   * Longest grid side entries open at; null: CPU_GALLERY_SIDE on the CPU engine, as saved on the
   * GPU. Tests lower it for SwiftShader.
   */
  maxSide: number | null = null;

  constructor(private readonly host: GalleryHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Longest grid side entries open at now (see maxSide). */
  side(): number | null {
    return this.maxSide ?? (this.host.backend?.info.kind === 'cpu' ? CPU_GALLERY_SIDE : null);
  }

  /** One sentence on how entries open here, or null when they open as saved. */
  sideNote(): string | null {
    const side = this.side();
    if (side === null) return null;
    const cpu = this.host.backend?.info.kind === 'cpu' ? ' (CPU engine)' : '';
    return `Entries open at most ${side} pixels on a side here${cpu}.`;
  }

  /** Forgets the entry once the lab shows another experiment. */
  specChanged(spec: ExperimentSpec): void {
    if (this.state && !sameExperiment(spec, this.state.spec)) this.set(null);
  }

  private set(state: GalleryState | null): void {
    this.state = state;
    this.host.requestUpdate();
  }

  close(): void {
    this.set(null);
  }

  /** The inspector now shows something else than the entry's trajectory. */
  trajectoryLeft(): void {
    if (this.state) this.set({ ...this.state, trajectory: null });
  }

  /**
   * Opens an entry's picture ('main' or a variant), at most side() on a side, with its text beside
   * it; the main picture of an entry with trajectories opens the inspector on the first.
   */
  open(id: string, label = 'main'): void {
    const entry = GALLERY.find((g) => g.id === id);
    const saved = entry ? entrySpec(entry, label) : null;
    if (!entry || !saved) return;
    let spec: ExperimentSpec;
    try {
      spec = scaleSpec(saved, this.side());
      checkSpec(spec);
    } catch (err) {
      this.host.setError('open', `${entry.title}: ${(err as Error).message}`);
      return;
    }
    this.host.openSpec(spec, entry.title);
    const scaled = spec.size[0] !== saved.size[0] || spec.size[1] !== saved.size[1];
    const why =
      this.host.backend?.info.kind === 'cpu'
        ? ' because the lab runs on the CPU engine (float64, slow)'
        : " (the lab's gallery size limit)";
    const note = scaled
      ? `Opened at ${spec.size.join('×')} instead of the saved ${saved.size.join('×')}${why}; set ${spec.kind === 'attractor' ? 'the bins in the attractor panel' : 'the grid in the plane panel'} for the full picture.`
      : null;
    this.set({ entry, label, spec, trajectory: null, note, error: null });
    if (label === 'main' && entry.trajectories) this.inspectTrajectory(0);
  }

  /** Opens the inspector on the open entry's k-th trajectory. */
  inspectTrajectory(k: number): void {
    const g = this.state;
    if (!g) return;
    try {
      const data = entryTrajectory(g.entry, k);
      if (!data) return;
      this.host.inspect(data);
      this.set({ ...g, trajectory: k, error: null });
    } catch (err) {
      this.set({ ...g, error: `inspector: ${(err as Error).message}` });
    }
  }
}
