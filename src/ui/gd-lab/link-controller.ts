/**
 * The spec in the page's address, as a ReactiveController: the link the lab opens with, a link
 * pasted or navigated to later (hashchange), and the address kept equal to the spec on screen, so a
 * copied link reproduces the view. A bad link is reported, and the lab keeps what it shows.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { specFromHash, specFromLink, specToHash } from '../../experiment/url.ts';
import { checkSpec } from '../shared/objective.ts';

export interface LinkHost extends ReactiveControllerHost {
  readonly spec: ExperimentSpec;
  /** A checked spec from the address, after the page opened (the one it opened with: `held`). */
  openLink(spec: ExperimentSpec): void;
  /** The page opened without a spec in its address. */
  openDefault(): void;
  linkError(message: string | null, initial: boolean): void;
}

export class LinkController implements ReactiveController {
  /**
   * The checked spec of the link the page opened with, held until the engine exists: only then can
   * its run be estimated (and a long one asked about), and an ensemble view on screen would start
   * computing it at once. The lab takes it when its engine is ready.
   */
  held: ExperimentSpec | null = null;

  constructor(private readonly host: LinkHost) {
    host.addController(this);
  }

  /** The held link, which the lab now opens; null when the page opened without one. */
  take(): ExperimentSpec | null {
    const spec = this.held;
    this.held = null;
    return spec;
  }

  hostConnected(): void {
    // Only the address the page opened with has its query read: a hash change leaves the query.
    this.load(() => specFromLink(location.search, location.hash), true);
    window.addEventListener('hashchange', this.onHashChange);
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.onHashChange);
  }

  /** Writes the spec into the address without a new history entry. */
  write(spec: ExperimentSpec): void {
    const hash = specToHash(spec);
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  private load(read: () => ExperimentSpec | null, initial: boolean): void {
    try {
      const spec = read();
      if (!spec) {
        if (initial) this.host.openDefault();
        return;
      }
      checkSpec(spec);
      this.host.linkError(null, initial);
      this.held = initial ? spec : null;
      if (initial) this.host.requestUpdate();
      else this.host.openLink(spec);
    } catch (e) {
      this.host.linkError(`This link's experiment could not be opened: ${(e as Error).message}`, initial);
    }
  }

  private onHashChange = (): void => {
    if (location.hash === specToHash(this.host.spec)) return;
    this.load(() => specFromHash(location.hash), false);
  };
}
