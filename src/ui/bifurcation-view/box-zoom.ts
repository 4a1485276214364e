/**
 * Pointer handling of the ensemble views (bifurcation diagram, attractor) as a ReactiveController:
 * any drag (with or without shift) draws a zoom box whose release asks the lab for that window (a
 * ViewChangeEvent from the host), a click picks, and moving reports the crosshair position. Unlike
 * the basin map there is no pan: the two axes mean different things, and a box says both at once.
 */
import type { ReactiveControllerHost } from 'lit';
import { ViewChangeEvent } from '../shared/events.ts';
import { dragRect, PointerDrag, type Drag, type PointerCallbacks } from '../shared/pointer-drag.ts';
import { boxToView, type Size, type View } from '../shared/view.ts';

export interface BoxZoomCallbacks extends PointerCallbacks {
  /** The window on screen, which a finished box is read against. */
  view(): View;
  /** The drawing area's size in CSS pixels. */
  size(): Size;
}

export class BoxZoom extends PointerDrag<BoxZoomCallbacks> {
  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    cb: BoxZoomCallbacks,
  ) {
    super(host, cb);
  }

  protected override dragged(d: Drag, x: number, y: number): void {
    this.cb.box(dragRect(d.x0, d.y0, x, y));
  }

  protected override released(d: Drag, x: number, y: number): void {
    this.cb.box(null);
    const view = boxToView(this.cb.view(), this.cb.size(), d.x0, d.y0, x, y);
    if (view) this.host.dispatchEvent(new ViewChangeEvent({ view, record: true }));
  }
}
