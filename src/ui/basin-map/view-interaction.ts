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
  /** A provisional view while a drag or a wheel gesture is in progress (drawn from the frame on screen). */
  preview(view: View | null): void;
  /** A finished gesture's view; `record` marks it for back/forward history. */
  commit(view: View, record: boolean): void;
}

/** Zoom factor per wheel notch (100 px of deltaY). */
const WHEEL_ZOOM = 1.25;
/** A wheel gesture ends (is committed, and enters history) after this much quiet. */
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
    this.wheelView = null;
  }

  private onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const [x, y] = this.pos(e);
    const lines = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
    const factor = Math.pow(WHEEL_ZOOM, (e.deltaY * lines) / 100);
    // Notches preview, as a drag does, and the gesture commits once when it ends: a commit per notch
    // wrote the URL and restarted the run up to 60 times a second on a trackpad (browsers throttle
    // history.replaceState, and throw beyond it), each restart replacing a sharp frame by a coarse one.
    this.wheelView = zoomAbout(this.wheelView ?? this.cb.view(), this.cb.size(), x, y, factor);
    this.cb.preview(this.wheelView);
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
    const view = this.wheelView;
    this.wheelView = null;
    if (view) {
      this.cb.preview(null);
      this.cb.commit(view, true);
    }
  }

  /**
   * The view a new change of view starts from: a wheel gesture's, while one is under way (it is
   * committed by endWheel, but the host's view follows only on its next render).
   */
  current(): View {
    return this.wheelView ?? this.cb.view();
  }

  protected override pressed(): void {
    this.start = this.current();
    this.endWheel();
  }

  /**
   * A plain drag is moving the view: the point under the pointer is the one grabbed, whatever the
   * preview's rounding says.
   */
  get panning(): boolean {
    const d = this.press;
    return !!d && d.moved && !d.shift;
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
