/**
 * The frame of a decorated PNG export, shared by the basin map and the bifurcation diagram: a white
 * canvas with the picture enlarged by an integer factor (nearest neighbour, every pixel stays a block
 * of one colour, so the text keeps its size relative to the picture), axes with ticks and labels, and
 * a footer line. Only OffscreenCanvas, so it runs in a worker as well as on the page.
 */
import { drawLabel, type CanvasLabel } from './canvas-text.ts';
import { formatTicks, niceTicks } from './ticks.ts';

/** An RGBA picture, row 0 at the top. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** Room around the picture, in units of `scale` (so a large export keeps its proportions). */
export interface FrameMargins {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A framed picture being drawn; lengths in output pixels. */
export interface ExportFrame {
  ctx: OffscreenCanvasRenderingContext2D;
  /** Integer enlargement of the picture. */
  zoom: number;
  /** Line width and unit of every length of the decoration. */
  scale: number;
  /** Font size of labels. */
  font: number;
  /** Where the picture lies: left, top, width, height. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** Whole canvas. */
  W: number;
  H: number;
}

/** One axis: its range and the label under or beside it (runs for a subscript, canvas-text.ts). */
export interface FrameAxis {
  min: number;
  max: number;
  label: CanvasLabel;
}

/**
 * The enlargement and the decoration's unit that frameImage gives `img`: known before the canvas is
 * made, so that a caller can size a margin to the text it will draw there (textUnits).
 */
export function frameScale(img: { width: number; height: number }): { zoom: number; scale: number } {
  const zoom = Math.max(1, Math.floor(512 / Math.max(img.width, img.height)));
  return { zoom, scale: Math.max(1, Math.round((Math.max(img.width, img.height) * zoom) / 512)) };
}

let measurer: OffscreenCanvasRenderingContext2D | null = null;

/**
 * The widest of `texts` in the frame's label font, in units of `scale` (a margin's unit). Measured,
 * not estimated: the legend's labels vary from 'converged' to a sentence, and a fixed margin cut the
 * longer ones off at the picture's edge.
 */
export function textUnits(texts: readonly string[], scale: number): number {
  measurer ??= new OffscreenCanvas(1, 1).getContext('2d')!;
  measurer.font = `${12 * scale}px sans-serif`;
  let w = 0;
  for (const t of texts) w = Math.max(w, measurer.measureText(t).width);
  return Math.ceil(w / scale);
}

/** A white canvas with `img` enlarged into it, margins around. */
export function frameImage(img: RgbaImage, margins: FrameMargins): ExportFrame {
  const { zoom, scale } = frameScale(img);
  const width = img.width * zoom;
  const height = img.height * zoom;
  const font = 12 * scale;
  const left = margins.left * scale;
  const top = margins.top * scale;
  const W = width + left + margins.right * scale;
  const H = height + top + margins.bottom * scale;
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const src = new OffscreenCanvas(img.width, img.height);
  src
    .getContext('2d')!
    .putImageData(new ImageData(img.rgba as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, left, top, width, height);
  return { ctx, zoom, scale, font, left, top, width, height, W, H };
}

/**
 * A box around the rows `top` to `top + height` of the picture (its whole width), `u` ticked below
 * it and `v` (upwards) at its left, the labels centred on it. Leaves the text right-aligned in #222.
 */
export function drawAxes(
  f: ExportFrame,
  box: { top: number; height: number },
  u: FrameAxis,
  v: FrameAxis,
): void {
  const { ctx, scale, left } = f;
  const { top, height } = box;
  ctx.strokeStyle = '#222';
  ctx.fillStyle = '#222';
  ctx.lineWidth = scale;
  ctx.font = `${f.font}px sans-serif`;
  ctx.strokeRect(left - 0.5, top - 0.5, f.width + 1, height + 1);
  const ut = niceTicks(u.min, u.max, 6);
  ctx.textAlign = 'center';
  formatTicks(ut).forEach((label, k) => {
    const x = left + ((ut[k] - u.min) / (u.max - u.min)) * f.width;
    ctx.fillRect(x, top + height, scale, 5 * scale);
    ctx.fillText(label, x, top + height + 18 * scale);
  });
  drawLabel(ctx, u.label, left + f.width / 2, top + height + 36 * scale, { size: f.font, align: 'center' });
  const vt = niceTicks(v.min, v.max, 6);
  ctx.textAlign = 'right';
  formatTicks(vt).forEach((label, k) => {
    const y = top + height - ((vt[k] - v.min) / (v.max - v.min)) * height;
    ctx.fillRect(left - 5 * scale, y, 5 * scale, scale);
    ctx.fillText(label, left - 8 * scale, y + 4 * scale);
  });
  ctx.save();
  ctx.translate(16 * scale, top + height / 2);
  ctx.rotate(-Math.PI / 2);
  drawLabel(ctx, v.label, 0, 0, { size: f.font, align: 'center' });
  ctx.restore();
}

/**
 * Writes `footer` along the bottom edge and returns the finished picture. The footer holds the
 * objective's expression, of any length: it is set smaller where it would run past the right edge
 * (down to 8 px a unit), and beyond that condensed to the width (fillText's maxWidth).
 */
export function finishFrame(f: ExportFrame, footer: string): RgbaImage {
  const { ctx, W, H, scale } = f;
  const room = W - f.left - 6 * scale;
  ctx.font = `${f.font}px sans-serif`;
  const fit = Math.min(1, room / ctx.measureText(footer).width);
  ctx.font = `${Math.max(8 * scale, Math.floor(f.font * fit))}px sans-serif`;
  ctx.fillStyle = '#666';
  ctx.textAlign = 'left';
  ctx.fillText(footer, f.left, H - 4 * scale, room);
  const img = ctx.getImageData(0, 0, W, H);
  return { width: W, height: H, rgba: img.data };
}
