/**
 * The spec in the page's address, as a ReactiveController: the link the lab opens with, a link
 * pasted or navigated to later (hashchange), and the address kept equal to the spec on screen, so a
 * copied link reproduces the view. A bad link is reported, and the lab keeps what it shows.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { specFromHash, specToHash } from '../../experiment/url.ts';
import { checkSpec } from '../shared/objective.ts';

export interface LinkHost extends ReactiveControllerHost {
  readonly spec: ExperimentSpec;
  /** A checked spec from the address (`initial`: the page just opened). */
  openLink(spec: ExperimentSpec, initial: boolean): void;
  /** The page opened without a spec in its address. */
  openDefault(): void;
  linkError(message: string | null, initial: boolean): void;
}

export class LinkController implements ReactiveController {
  constructor(private readonly host: LinkHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.load(location.hash, true);
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

  private load(hash: string, initial: boolean): void {
    try {
      const spec = specFromHash(hash);
      if (!spec) {
        if (initial) this.host.openDefault();
        return;
      }
      checkSpec(spec);
      this.host.linkError(null, initial);
      this.host.openLink(spec, initial);
    } catch (e) {
      this.host.linkError(`This link's experiment could not be opened: ${(e as Error).message}`, initial);
    }
  }

  private onHashChange = (): void => {
    if (location.hash === specToHash(this.host.spec)) return;
    this.load(location.hash, false);
  };
}
