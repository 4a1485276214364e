/**
 * Wheel zoom about the cursor, drag to pan, shift-drag box zoom and click-to-pick on the map, as a
 * ReactiveController. It only does the arithmetic of src/ui/shared/view.ts on pointer positions
 * and reports through callbacks; the host decides what a new view means.
 */
import { dragRect, PointerDrag, type Drag, type PointerCallbacks } from '../shared/pointer-drag.ts';
import { boxToView, panBy, zoomAbout, type Size, type View } from '../shared/view.ts';

export interface InteractionCallbacks extends PointerCallbacks {
  /** The current (committed) view and the drawing area's size in CSS pixels. */
  view(): View;
  size(): Size;
  /** A provisional view while a drag is in progress (for an instant CSS preview). */
  preview(view: View | null): void;
  /** A finished gesture's view; `record` marks it for back/forward history. */
  commit(view: View, record: boolean): void;
}

/** Zoom factor per wheel notch (100 px of deltaY). */
const WHEEL_ZOOM = 1.25;
/** A wheel gesture ends (and enters history) after this much quiet. */
const WHEEL_IDLE_MS = 250;

export class ViewInteraction extends PointerDrag<InteractionCallbacks> {
  /** The view when the current press began: a drag pans or boxes from there. */
  private start: View | null = null;
  private wheelTimer = 0;
  private wheelView: View | null = null;

  protected override listen(target: HTMLElement): void {
    target.addEventListener('wheel', this.onWheel, { passive: false });
  }

  protected override unlisten(target: HTMLElement): void {
    target.removeEventListener('wheel', this.onWheel);
  }

  override hostDisconnected(): void {
    super.hostDisconnected();
    clearTimeout(this.wheelTimer);
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
    this.wheelTimer = window.setTimeout(() => this.endWheel(), WHEEL_IDLE_MS);
  };

  /**
   * Ends a wheel gesture now, entering its view in history, as its quiet time would. Called when a
   * press or a key begins another change of view: within WHEEL_IDLE_MS of the last notch, that late
   * commit otherwise undid the pan, box or key's view.
   */
  endWheel(): void {
    clearTimeout(this.wheelTimer);
    if (this.wheelView) this.cb.commit(this.wheelView, true);
    this.wheelView = null;
  }

  protected override pressed(): void {
    this.endWheel();
    this.start = this.cb.view();
  }

  /** Shift-drag draws a zoom box; a plain drag pans. */
  protected override dragged(d: Drag, x: number, y: number): void {
    if (d.shift) this.cb.box(dragRect(d.x0, d.y0, x, y));
    else this.cb.preview(panBy(this.start!, this.cb.size(), x - d.x0, y - d.y0));
  }

  protected override released(d: Drag, x: number, y: number): void {
    if (d.shift) {
      this.cb.box(null);
      const v = boxToView(this.start!, this.cb.size(), d.x0, d.y0, x, y);
      if (v) this.cb.commit(v, true);
    } else {
      this.cb.preview(null);
      this.cb.commit(panBy(this.start!, this.cb.size(), x - d.x0, y - d.y0), true);
    }
  }

  protected override cancelled(): void {
    this.cb.preview(null);
  }
}
