/**
 * The lab's views, as a ReactiveController: the back/forward history of the plane's views, the view
 * Reset returns to, zooms and pans arriving as view changes, the switch between the map and the
 * ensemble views (remembering the map's plane for the way back), and the keyboard shortcuts. None
 * of it owns the spec: each step builds a spec and hands it to the lab's apply(), so a view is
 * checked like any edit, and one that cannot be shown leaves its message beside the plane panel.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseSpec, type ExperimentSpec, type SpecKind } from '../../experiment/spec.ts';
import { ViewHistory } from '../shared/history.ts';
import { checkSpec, compileSpec } from '../shared/objective.ts';
import { rememberBasin, setupKind, type BasinMemory } from '../shared/setup-view.ts';
import { isUsableView, viewsEqual, type View } from '../shared/view.ts';
import { specView, withView } from './spec-view.ts';

/** What the views read of the lab and ask of it. */
export interface ViewHost extends ReactiveControllerHost {
  /** The spec on screen. */
  readonly spec: ExperimentSpec;
  /** Replaces the spec with a checked one (see the lab's ApplyOptions). */
  apply(next: ExperimentSpec, opts: { record?: boolean; home?: boolean; confirmed?: boolean }): void;
  setError(key: 'plane', message: string | null): void;
  /** Stops the computation in flight (Escape). */
  cancel(): void;
  /** A modal dialog is open: Escape closes it, and leaves the computation alone. */
  readonly dialogOpen: boolean;
}

export class ViewController implements ReactiveController {
  readonly history = new ViewHistory<View>(viewsEqual);
  /** The view Reset returns to: the one the experiment was opened with. */
  private home: View;
  /** The map's plane and grid before the lab switched to an ensemble view. */
  private basinMemory: BasinMemory | null = null;

  constructor(private readonly host: ViewHost) {
    this.home = specView(host.spec);
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  /**
   * The page opened on the default spec: Reset returns to the view it opened with, as its tooltip
   * says (it went to the preset's wider view, [-3, 3]² for the default [-2.5, 2.5]², and recomputed).
   */
  openDefault(): void {
    this.home = specView(this.host.spec);
    this.history.push(specView(this.host.spec));
  }

  /** A spec replaced the one on screen: its view may become home and enter the history. */
  entered(spec: ExperimentSpec, opts: { record?: boolean; home?: boolean }): void {
    if (opts.home) this.home = specView(spec);
    if (opts.record) this.history.push(specView(spec));
  }

  /** Shows a zoomed or panned view; `record` enters it in the history. */
  setView(view: View, record: boolean): void {
    // An automatic ensemble range (±∞, see specView) has nothing to check.
    const checked: View = {
      u: Number.isFinite(view.u[0]) ? view.u : [0, 1],
      v: Number.isFinite(view.v[0]) ? view.v : [0, 1],
    };
    if (!isUsableView(checked, this.host.spec.size)) {
      this.host.setError('plane', 'cannot zoom further: float64 pixel centres would coincide');
      return;
    }
    try {
      const next = parseSpec(withView(this.host.spec, view));
      this.host.setError('plane', null);
      this.host.apply(next, { record });
    } catch (err) {
      this.host.setError('plane', (err as Error).message);
    }
  }

  back(): void {
    const v = this.history.back();
    if (v) this.host.apply(withView(this.host.spec, v), { confirmed: true });
    this.host.requestUpdate();
  }

  forward(): void {
    const v = this.history.forward();
    if (v) this.host.apply(withView(this.host.spec, v), { confirmed: true });
    this.host.requestUpdate();
  }

  reset(): void {
    this.setView(this.home, true);
  }

  /** Switches between the basin map and the ensemble views; the new view sets itself up. */
  setKind(kind: SpecKind): void {
    const spec = this.host.spec;
    if (kind === spec.kind) return;
    try {
      if (spec.kind === 'basin') this.basinMemory = rememberBasin(spec);
      const next = parseSpec(setupKind(spec, kind, compileSpec(spec), this.basinMemory));
      checkSpec(next);
      this.host.setError('plane', null);
      this.host.apply(next, { record: true, home: true });
    } catch (err) {
      this.host.setError('plane', (err as Error).message);
    }
  }

  private onKey = (e: KeyboardEvent): void => {
    const t = e.composedPath()[0] as HTMLElement | undefined;
    if (e.key === 'Escape' && !this.host.dialogOpen) return this.host.cancel();
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (e.key === 'Backspace' || (e.altKey && e.key === 'ArrowLeft')) this.back();
    else if (e.altKey && e.key === 'ArrowRight') this.forward();
    else if (e.key === 'r' && !e.ctrlKey && !e.metaKey && !e.altKey) this.reset();
  };
}
