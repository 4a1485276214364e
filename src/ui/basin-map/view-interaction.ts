/**
 * Wheel zoom about the cursor, drag to pan, shift-drag box zoom and click-to-pick on the map, as a
 * ReactiveController. It only does the arithmetic of src/ui/shared/view.ts on pointer positions
 * and reports through callbacks; the host decides what a new view means.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { boxToView, panBy, zoomAbout, type Size, type View } from '../shared/view.ts';

export interface InteractionCallbacks {
  /** The current (committed) view and the drawing area's size in CSS pixels. */
  view(): View;
  size(): Size;
  /** A provisional view while a drag is in progress (for an instant CSS preview). */
  preview(view: View | null): void;
  /** A finished gesture's view; `record` marks it for back/forward history. */
  commit(view: View, record: boolean): void;
  /** The box being dragged for a box zoom, in CSS pixels, or null when none. */
  box(rect: { x: number; y: number; w: number; h: number } | null): void;
  /** A click (press and release without moving) at (x, y). */
  pick(x: number, y: number): void;
  /** The pointer moved over the map (null: it left). */
  hover(x: number, y: number): void;
  leave(): void;
}

/** Movement in CSS pixels below which a press and release is a click, not a drag. */
const CLICK_SLOP = 3;
/** Zoom factor per wheel notch (100 px of deltaY). */
const WHEEL_ZOOM = 1.25;
/** A wheel gesture ends (and enters history) after this much quiet. */
const WHEEL_IDLE_MS = 250;

export class ViewInteraction implements ReactiveController {
  private target: HTMLElement | null = null;
  private drag: { id: number; x0: number; y0: number; box: boolean; moved: boolean; start: View } | null =
    null;
  private wheelTimer = 0;
  private wheelView: View | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly cb: InteractionCallbacks,
  ) {
    host.addController(this);
  }

  /** Attaches to the element that receives pointer events (the map's drawing area). */
  attach(target: HTMLElement): void {
    if (this.target === target) return;
    this.detach();
    this.target = target;
    target.addEventListener('wheel', this.onWheel, { passive: false });
    target.addEventListener('pointerdown', this.onDown);
    target.addEventListener('pointermove', this.onMove);
    target.addEventListener('pointerup', this.onUp);
    target.addEventListener('pointercancel', this.onCancel);
    target.addEventListener('pointerleave', this.onLeave);
  }

  private detach(): void {
    const t = this.target;
    if (!t) return;
    t.removeEventListener('wheel', this.onWheel);
    t.removeEventListener('pointerdown', this.onDown);
    t.removeEventListener('pointermove', this.onMove);
    t.removeEventListener('pointerup', this.onUp);
    t.removeEventListener('pointercancel', this.onCancel);
    t.removeEventListener('pointerleave', this.onLeave);
    this.target = null;
  }

  hostDisconnected(): void {
    this.detach();
    clearTimeout(this.wheelTimer);
  }

  private pos(e: MouseEvent): [number, number] {
    const r = this.target!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const [x, y] = this.pos(e);
    const lines = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
    const factor = Math.pow(WHEEL_ZOOM, (e.deltaY * lines) / 100);
    const base = this.wheelView ?? this.cb.view();
    // The first notch of a gesture enters history, so Back returns to where the gesture began.
    const first = this.wheelView === null;
    this.wheelView = zoomAbout(base, this.cb.size(), x, y, factor);
    this.cb.commit(this.wheelView, first);
    clearTimeout(this.wheelTimer);
    this.wheelTimer = window.setTimeout(() => {
      if (this.wheelView) this.cb.commit(this.wheelView, true);
      this.wheelView = null;
    }, WHEEL_IDLE_MS);
  };

  private onDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const [x, y] = this.pos(e);
    this.target!.setPointerCapture?.(e.pointerId);
    this.drag = { id: e.pointerId, x0: x, y0: y, box: e.shiftKey, moved: false, start: this.cb.view() };
  };

  private onMove = (e: PointerEvent): void => {
    const [x, y] = this.pos(e);
    this.cb.hover(x, y);
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    if (!d.moved && Math.hypot(x - d.x0, y - d.y0) < CLICK_SLOP) return;
    d.moved = true;
    if (d.box)
      this.cb.box({
        x: Math.min(x, d.x0),
        y: Math.min(y, d.y0),
        w: Math.abs(x - d.x0),
        h: Math.abs(y - d.y0),
      });
    else this.cb.preview(panBy(d.start, this.cb.size(), x - d.x0, y - d.y0));
  };

  private onUp = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = null;
    const [x, y] = this.pos(e);
    if (!d.moved) {
      this.cb.pick(x, y);
      return;
    }
    if (d.box) {
      this.cb.box(null);
      const v = boxToView(d.start, this.cb.size(), d.x0, d.y0, x, y);
      if (v) this.cb.commit(v, true);
    } else {
      this.cb.preview(null);
      this.cb.commit(panBy(d.start, this.cb.size(), x - d.x0, y - d.y0), true);
    }
  };

  private onCancel = (): void => {
    this.drag = null;
    this.cb.box(null);
    this.cb.preview(null);
  };

  private onLeave = (): void => {
    if (!this.drag) this.cb.leave();
  };
}
