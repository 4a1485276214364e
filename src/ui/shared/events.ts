/**
 * The lab's typed events. Components never reach into each other: they dispatch these, and
 * <gd-lab> (the owner of the spec) decides what happens.
 */
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { MapFrame } from '../engine-host/backend.ts';
import type { View } from './view.ts';

/** Which panel an edit came from, so an error is shown beside that panel's fields. */
export type Section = 'objective' | 'optimizer' | 'plane' | 'ensemble' | 'attractor' | 'colour';

export interface SpecEditDetail {
  section: Section;
  /**
   * The field the user changed, as the panel names it, when the edit is one field's. The spec before
   * the edit was valid, so every message of a refusal follows from that field, and the panel shows
   * them there: a lower iterations breaks "transient < iterations", whose path is transient's.
   */
  field?: string;
  /** Produces the edited spec from the current one (it may throw; the lab shows the message). */
  edit: (spec: ExperimentSpec) => unknown;
}

/** A panel asks for a spec change. */
export class SpecEditEvent extends CustomEvent<SpecEditDetail> {
  static readonly type = 'spec-edit';
  constructor(detail: SpecEditDetail) {
    super(SpecEditEvent.type, { detail, bubbles: true, composed: true });
  }
}

export interface ViewChangeDetail {
  view: View;
  /** Whether to record the view in back/forward history. */
  record: boolean;
}

/** The map asks for a new view (wheel, drag, box zoom). */
export class ViewChangeEvent extends CustomEvent<ViewChangeDetail> {
  static readonly type = 'view-change';
  constructor(detail: ViewChangeDetail) {
    super(ViewChangeEvent.type, { detail, bubbles: true, composed: true });
  }
}

export interface PixelPickDetail {
  /** Grid pixel, row 0 at the bottom. */
  i: number;
  j: number;
}

/** A pixel of the map was clicked. */
export class PixelPickEvent extends CustomEvent<PixelPickDetail> {
  static readonly type = 'pixel-pick';
  constructor(detail: PixelPickDetail) {
    super(PixelPickEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The lab finished a map (its full-resolution frame; not the coarse preview), for embedders. */
export class MapReadyEvent extends CustomEvent<{ frame: MapFrame }> {
  static readonly type = 'map-ready';
  constructor(frame: MapFrame) {
    super(MapReadyEvent.type, { detail: { frame } });
  }
}

/** An export ended: downloaded, refused or failed (the lab shows why), for embedders and tests. */
export class ExportDoneEvent extends Event {
  static readonly type = 'export-done';
  constructor() {
    super(ExportDoneEvent.type);
  }
}

/** The trajectory inspector asks to be closed. */
export class InspectorCloseEvent extends Event {
  static readonly type = 'inspector-close';
  constructor() {
    super(InspectorCloseEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'spec-edit': SpecEditEvent;
    'view-change': ViewChangeEvent;
    'pixel-pick': PixelPickEvent;
    'map-ready': MapReadyEvent;
    'export-done': ExportDoneEvent;
    'inspector-close': InspectorCloseEvent;
  }
}
