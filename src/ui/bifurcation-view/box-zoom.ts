/**
 * Pointer handling of the bifurcation diagram as a ReactiveController: any drag (with or without
 * shift) draws a zoom box, a click picks a column, and moving reports the crosshair position. Unlike
 * the basin map there is no pan: the two axes mean different things, and a box says both at once.
 */
import { dragRect, PointerDrag, type Drag, type PointerCallbacks } from '../shared/pointer-drag.ts';

export interface BoxZoomCallbacks extends PointerCallbacks {
  /** A finished box, corners in CSS pixels (any order). */
  zoom(x0: number, y0: number, x1: number, y1: number): void;
}

export class BoxZoom extends PointerDrag<BoxZoomCallbacks> {
  protected override dragged(d: Drag, x: number, y: number): void {
    this.cb.box(dragRect(d.x0, d.y0, x, y));
  }

  protected override released(d: Drag, x: number, y: number): void {
    this.cb.box(null);
    this.cb.zoom(d.x0, d.y0, x, y);
  }
}
