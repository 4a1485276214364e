/**
 * The pointer gestures the map and the ensemble views share, as the base of their
 * ReactiveControllers: a press of the primary button that moves less than CLICK_SLOP is a click
 * (a pick), more is a drag (what a drag does is the subclass's), moving reports the hover position,
 * and leaving the drawing area outside a drag reports that. Positions are CSS pixels of the element
 * attached to.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Movement in CSS pixels below which a press and release is a click, not a drag. */
export const CLICK_SLOP = 3;

/** A rectangle in CSS pixels of the drawing area. */
export interface DragRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What both views report: the zoom box, a click, the hover position. */
export interface PointerCallbacks {
  /** The box being dragged for a box zoom, in CSS pixels, or null when none. */
  box(rect: DragRect | null): void;
  /** A click (press and release without moving) at (x, y). */
  pick(x: number, y: number): void;
  /** The pointer moved over the drawing area (null: it left). */
  hover(x: number, y: number): void;
  leave(): void;
}

/** A press of the primary button at (x0, y0); `moved` once it went past CLICK_SLOP. */
export interface Drag {
  id: number;
  x0: number;
  y0: number;
  shift: boolean;
  moved: boolean;
}

/** The rectangle spanned by two corners in any order. */
export function dragRect(x0: number, y0: number, x1: number, y1: number): DragRect {
  return { x: Math.min(x1, x0), y: Math.min(y1, y0), w: Math.abs(x1 - x0), h: Math.abs(y1 - y0) };
}

export abstract class PointerDrag<C extends PointerCallbacks> implements ReactiveController {
  protected target: HTMLElement | null = null;
  private drag: Drag | null = null;

  /** The press in progress, if any (moved: it went past CLICK_SLOP). */
  protected get press(): Readonly<Drag> | null {
    return this.drag;
  }
  /**
   * The last hover position over the drawing area (null once the pointer left it): a view's window
   * changes under a pointer at rest (a zoom, a new result), and its readout must follow.
   */
  pointer: [number, number] | null = null;

  constructor(
    host: ReactiveControllerHost,
    protected readonly cb: C,
  ) {
    host.addController(this);
  }

  /** Attaches to the element that receives pointer events (the drawing area). */
  attach(target: HTMLElement): void {
    if (this.target === target) return;
    this.detach();
    this.target = target;
    this.listen(target);
    target.addEventListener('pointerdown', this.onDown);
    target.addEventListener('pointermove', this.onMove);
    target.addEventListener('pointerup', this.onUp);
    target.addEventListener('pointercancel', this.onCancel);
    target.addEventListener('pointerleave', this.onLeave);
  }

  private detach(): void {
    const t = this.target;
    if (!t) return;
    this.unlisten(t);
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

  /** Further listeners of a subclass, added on attach and removed on detach. */
  protected listen(_target: HTMLElement): void {}
  protected unlisten(_target: HTMLElement): void {}

  /** A press began (before any movement). */
  protected pressed(_drag: Drag): void {}
  /** The pointer is at (x, y) in a drag that went past CLICK_SLOP. */
  protected abstract dragged(drag: Drag, x: number, y: number): void;
  /** A drag that went past CLICK_SLOP was released at (x, y). */
  protected abstract released(drag: Drag, x: number, y: number): void;
  /** A drag was cancelled, after the box was cleared. */
  protected cancelled(): void {}

  protected pos(e: MouseEvent): [number, number] {
    const r = this.target!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private onDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const [x, y] = this.pos(e);
    this.target!.setPointerCapture?.(e.pointerId);
    this.drag = { id: e.pointerId, x0: x, y0: y, shift: e.shiftKey, moved: false };
    this.pressed(this.drag);
  };

  private onMove = (e: PointerEvent): void => {
    const [x, y] = this.pos(e);
    this.pointer = [x, y];
    const d = this.drag;
    if (d && d.id === e.pointerId && (d.moved || Math.hypot(x - d.x0, y - d.y0) >= CLICK_SLOP)) {
      d.moved = true;
      this.dragged(d, x, y);
    }
    // After the drag has moved the view, so that the hover sees the pointer over the view it is
    // in: over the old one, the map's readout took the pointer for a new pixel and read its record.
    this.cb.hover(x, y);
  };

  private onUp = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = null;
    const [x, y] = this.pos(e);
    if (!d.moved) this.cb.pick(x, y);
    else this.released(d, x, y);
  };

  private onCancel = (): void => {
    this.drag = null;
    this.cb.box(null);
    this.cancelled();
  };

  private onLeave = (): void => {
    if (this.drag) return;
    this.pointer = null;
    this.cb.leave();
  };
}
