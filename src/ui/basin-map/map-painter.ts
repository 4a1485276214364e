/**
 * Puts a frame on the map's canvas at the view on screen. The canvas always covers the drawing area
 * (at device resolution); the frame's picture is placed in it by the view matrix of
 * src/ui/shared/view-matrix.ts, so a zoom or pan moves the current picture at once while the new one
 * computes. WebGPU display: the matrix goes to the blit's vertex stage and the backend draws from
 * GPU memory. Readback and CPU displays: the frame's pixels are fetched once per frame and colouring
 * into an image of their own, which a 2D context draws with the same matrix as its transform.
 */
import type { ColourSettings, LabBackend, MapFrame } from '../engine-host/backend.ts';
import { releaseCanvas, setCanvasView } from '../engine-host/blit.ts';
import { canvasTransform, pictureMatrix } from '../shared/view-matrix.ts';
import type { Size, View } from '../shared/view.ts';

/** The plane window a frame covers. */
export function frameView(frame: MapFrame): View {
  const { u, v } = frame.spec.plane;
  return { u: [u.min, u.max], v: [v.min, v.max] };
}

export class MapPainter {
  /** The last picture fetched for the 2D path, with the window it covers. */
  private image: { frame: MapFrame; key: string; view: View; canvas: HTMLCanvasElement } | null = null;
  /**
   * The picture being fetched: a paint for the same frame and colours waits for it rather than read
   * the image back again. The map's box changes as the lab's status row comes and goes at the end
   * of a run, which painted a new frame again before its pixels came: each full map was read twice.
   */
  private fetching: { frame: MapFrame; key: string } | null = null;
  /** The canvas the fetched pictures are put into, kept from one picture to the next. */
  private scratch: HTMLCanvasElement | null = null;
  private ticket = 0;
  private target: { canvas: HTMLCanvasElement; shown: View } | null = null;

  constructor(private readonly onError: (message: string | null) => void) {}

  /** Sizes the canvas to `size` CSS pixels at the device's resolution and draws `frame` in `shown`. */
  paint(
    canvas: HTMLCanvasElement,
    backend: LabBackend,
    frame: MapFrame,
    colour: ColourSettings,
    shown: View,
    size: Size,
  ): void {
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(size.width * dpr));
    const H = Math.max(1, Math.round(size.height * dpr));
    if (canvas.width !== W) canvas.width = W;
    if (canvas.height !== H) canvas.height = H;
    this.target = { canvas, shown };
    if (backend.display === 'webgpu') {
      setCanvasView(canvas, pictureMatrix(shown, frameView(frame)));
      try {
        backend.present(canvas, frame, colour);
        this.onError(null);
      } catch (e) {
        this.onError((e as Error).message);
      }
      return;
    }
    const key = JSON.stringify(colour);
    const img = this.image;
    const f = this.fetching;
    const have = img && img.frame === frame && img.key === key;
    if (!have && !(f && f.frame === frame && f.key === key)) this.fetch(backend, frame, colour, key);
    this.draw2d();
  }

  private fetch(backend: LabBackend, frame: MapFrame, colour: ColourSettings, key: string): void {
    const ticket = ++this.ticket;
    this.fetching = { frame, key };
    backend.pixels(frame, colour).then(
      (px) => {
        if (ticket !== this.ticket) return;
        this.fetching = null;
        // The picture on screen is replaced now, so its canvas can take the new one.
        const canvas = (this.scratch ??= document.createElement('canvas'));
        if (canvas.width !== px.width) canvas.width = px.width;
        if (canvas.height !== px.height) canvas.height = px.height;
        canvas
          .getContext('2d')!
          .putImageData(new ImageData(px.rgba as Uint8ClampedArray<ArrayBuffer>, px.width, px.height), 0, 0);
        this.image = { frame, key, view: frameView(frame), canvas };
        this.onError(null);
        this.draw2d();
      },
      (e: unknown) => {
        if (ticket !== this.ticket) return;
        this.fetching = null;
        this.onError((e as Error).message);
      },
    );
  }

  /** Draws the last fetched picture (possibly an older frame's) where its window lies on screen. */
  private draw2d(): void {
    const img = this.image;
    const t = this.target;
    if (!t) return;
    const ctx = t.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, t.canvas.width, t.canvas.height);
    if (!img) return;
    const m = pictureMatrix(t.shown, img.view);
    ctx.setTransform(...canvasTransform(m, img.canvas, t.canvas));
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img.canvas, 0, 0);
  }

  /** The frame whose picture the 2D path last fetched and drew; null before one, or on the WebGPU path. */
  get pictured(): MapFrame | null {
    return this.image?.frame ?? null;
  }

  /** Forgets the fetched picture (a new canvas, a new backend). */
  reset(): void {
    this.image = null;
    this.fetching = null;
    this.target = null;
    this.ticket++;
  }

  /**
   * Lets go of what drawing `canvas` holds: the fetched picture (a map's worth of pixels) and, where
   * the blit drew into it, the WebGPU canvas's textures.
   */
  release(canvas: HTMLCanvasElement | null): void {
    this.reset();
    this.scratch = null;
    if (canvas) releaseCanvas(canvas);
  }
}
