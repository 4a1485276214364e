/**
 * Pointer handling of the bifurcation diagram as a ReactiveController: any drag (with or without
 * shift) draws a zoom box, a click picks a column, and moving reports the crosshair position. Unlike
 * the basin map there is no pan: the two axes mean different things, and a box says both at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface BoxZoomCallbacks {
  /** The box being dragged, in CSS pixels of the drawing area; null when none. */
  box(rect: { x: number; y: number; w: number; h: number } | null): void;
  /** A finished box, corners in CSS pixels (any order). */
  zoom(x0: number, y0: number, x1: number, y1: number): void;
  /** A click (press and release without moving) at (x, y). */
  pick(x: number, y: number): void;
  hover(x: number, y: number): void;
  leave(): void;
}

/** Movement in CSS pixels below which a press and release is a click. */
const CLICK_SLOP = 3;

export class BoxZoom implements ReactiveController {
  private target: HTMLElement | null = null;
  private drag: { id: number; x0: number; y0: number; moved: boolean } | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly cb: BoxZoomCallbacks,
  ) {
    host.addController(this);
  }

  attach(target: HTMLElement): void {
    if (this.target === target) return;
    this.detach();
    this.target = target;
    target.addEventListener('pointerdown', this.onDown);
    target.addEventListener('pointermove', this.onMove);
    target.addEventListener('pointerup', this.onUp);
    target.addEventListener('pointercancel', this.onCancel);
    target.addEventListener('pointerleave', this.onLeave);
  }

  private detach(): void {
    const t = this.target;
    if (!t) return;
    t.removeEventListener('pointerdown', this.onDown);
    t.removeEventListener('pointermove', this.onMove);
    t.removeEventListener('pointerup', this.onUp);
    t.removeEventListener('pointercancel', this.onCancel);
    t.removeEventListener('pointerleave', this.onLeave);
    this.target = null;
  }

  hostDisconnected(): void {
    this.detach();
  }

  private pos(e: MouseEvent): [number, number] {
    const r = this.target!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private onDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const [x, y] = this.pos(e);
    this.target!.setPointerCapture?.(e.pointerId);
    this.drag = { id: e.pointerId, x0: x, y0: y, moved: false };
  };

  private onMove = (e: PointerEvent): void => {
    const [x, y] = this.pos(e);
    this.cb.hover(x, y);
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    if (!d.moved && Math.hypot(x - d.x0, y - d.y0) < CLICK_SLOP) return;
    d.moved = true;
    this.cb.box({ x: Math.min(x, d.x0), y: Math.min(y, d.y0), w: Math.abs(x - d.x0), h: Math.abs(y - d.y0) });
  };

  private onUp = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = null;
    const [x, y] = this.pos(e);
    if (!d.moved) return this.cb.pick(x, y);
    this.cb.box(null);
    this.cb.zoom(d.x0, d.y0, x, y);
  };

  private onCancel = (): void => {
    this.drag = null;
    this.cb.box(null);
  };

  private onLeave = (): void => {
    if (!this.drag) this.cb.leave();
  };
}
