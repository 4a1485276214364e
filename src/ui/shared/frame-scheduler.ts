/**
 * At most one redraw per animation frame: any number of requests between two frames run the
 * callback once. A ReactiveController so that a pending frame is cancelled when the host leaves
 * the DOM.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class FrameScheduler implements ReactiveController {
  private handle = 0;
  /** Frames actually drawn (tests read it to check coalescing). */
  frames = 0;

  constructor(
    host: ReactiveControllerHost,
    private readonly draw: () => void,
  ) {
    host.addController(this);
  }

  request(): void {
    if (this.handle) return;
    this.handle = requestAnimationFrame(() => {
      this.handle = 0;
      this.frames++;
      this.draw();
    });
  }

  hostDisconnected(): void {
    if (this.handle) cancelAnimationFrame(this.handle);
    this.handle = 0;
  }
}
