/** Typed events of the ensemble views and the gallery, for <gd-lab> to act on. */
import type { InspectorData } from '../trajectory-inspector/inspect.ts';

export interface InspectDetail {
  data: InspectorData;
}

/**
 * Open the trajectory inspector on prepared data (a clicked column of a bifurcation diagram, or one
 * of a gallery entry's trajectories). The sender computes the data, so the lab needs no knowledge of
 * what was clicked.
 */
export class InspectEvent extends CustomEvent<InspectDetail> {
  static readonly type = 'inspect';
  constructor(detail: InspectDetail) {
    super(InspectEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The view finished computing (tests and the lab's status line read it). */
export class EnsembleReadyEvent extends CustomEvent<{ ms: number }> {
  static readonly type = 'ensemble-ready';
  constructor(ms: number) {
    super(EnsembleReadyEvent.type, { detail: { ms }, bubbles: true, composed: true });
  }
}

/** The view's computation advanced (progress in [0, 1]) or stopped (null), for the lab's status row. */
export class EnsembleProgressEvent extends CustomEvent<{ progress: number | null }> {
  static readonly type = 'ensemble-progress';
  constructor(progress: number | null) {
    super(EnsembleProgressEvent.type, { detail: { progress }, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    inspect: InspectEvent;
    'ensemble-ready': EnsembleReadyEvent;
    'ensemble-progress': EnsembleProgressEvent;
  }
}
