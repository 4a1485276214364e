/**
 * The room the picture has, as a ReactiveController: the stage element's box, no taller than the
 * window below its top, measured on layout changes (ResizeObserver) and window resizes, so the map
 * or diagram fills the space it has and no more.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class StageController implements ReactiveController {
  /** CSS pixels. */
  size = { width: 800, height: 600 };
  private observer = new ResizeObserver(() => this.measure());
  private el: HTMLElement | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly find: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('resize', this.measure);
  }

  hostDisconnected(): void {
    window.removeEventListener('resize', this.measure);
    this.observer.disconnect();
    this.el = null;
  }

  hostUpdated(): void {
    const el = this.find();
    if (el && el !== this.el) {
      this.observer.disconnect();
      this.el = el;
      this.observer.observe(el);
      this.measure();
    }
  }

  private measure = (): void => {
    const el = this.el;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const height = Math.max(200, Math.min(r.height, window.innerHeight - r.top - 4));
    const next = { width: Math.max(200, Math.floor(r.width)), height: Math.floor(height) };
    if (next.width === this.size.width && next.height === this.size.height) return;
    this.size = next;
    this.host.requestUpdate();
  };
}
