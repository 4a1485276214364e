/**
 * Pure view arithmetic of the map: the view is the plane's two ranges, and the canvas shows it with
 * u growing to the right and v growing upwards (row 0 at the bottom, as in the plane model).
 * Screen positions are CSS pixels relative to the map's top-left corner.
 */

/** The visible window of the plane: u along the horizontal, v along the vertical. */
export interface View {
  u: [number, number];
  v: [number, number];
}

/** Size of the map's drawing area in CSS pixels. */
export interface Size {
  width: number;
  height: number;
}

/** Plane coordinates of a screen point. */
export function screenToPlane(view: View, size: Size, x: number, y: number): [number, number] {
  const u = view.u[0] + (x / size.width) * (view.u[1] - view.u[0]);
  const v = view.v[1] - (y / size.height) * (view.v[1] - view.v[0]);
  return [u, v];
}

/** Screen position of plane coordinates. */
export function planeToScreen(view: View, size: Size, u: number, v: number): [number, number] {
  const x = ((u - view.u[0]) / (view.u[1] - view.u[0])) * size.width;
  const y = ((view.v[1] - v) / (view.v[1] - view.v[0])) * size.height;
  return [x, y];
}

/**
 * The grid pixel (i, j) under a screen point, with j = 0 the bottom row; null outside the map.
 * Uses the same pixel edges as the plane model (pixel i covers [min + i·du, min + (i+1)·du)).
 */
export function screenToPixel(
  size: Size,
  grid: readonly [number, number],
  x: number,
  y: number,
): [number, number] | null {
  if (x < 0 || y < 0 || x >= size.width || y >= size.height) return null;
  const i = Math.min(grid[0] - 1, Math.floor((x / size.width) * grid[0]));
  const j = Math.min(grid[1] - 1, Math.floor(((size.height - y) / size.height) * grid[1]));
  return [i, j];
}

/**
 * The cell (i, j) holding the plane point (u, v) in a grid of `grid` cells spanning the window
 * `span`, with j = 0 the bottom row and the plane model's cell edges (cell i covers
 * [min + i·du, min + (i+1)·du)). A point outside the window gives a cell outside the grid: callers
 * check the range they need.
 */
export function planeToCell(
  span: View,
  grid: readonly [number, number],
  u: number,
  v: number,
): [number, number] {
  const i = Math.floor(((u - span.u[0]) / (span.u[1] - span.u[0])) * grid[0]);
  const j = Math.floor(((v - span.v[0]) / (span.v[1] - span.v[0])) * grid[1]);
  return [i, j];
}

/** Zoom by `factor` (< 1 zooms in) keeping the plane point under (x, y) fixed on screen. */
export function zoomAbout(view: View, size: Size, x: number, y: number, factor: number): View {
  const [u, v] = screenToPlane(view, size, x, y);
  return {
    u: [u + (view.u[0] - u) * factor, u + (view.u[1] - u) * factor],
    v: [v + (view.v[0] - v) * factor, v + (view.v[1] - v) * factor],
  };
}

/** Moves the view so that content follows a drag of (dx, dy) screen pixels. */
export function panBy(view: View, size: Size, dx: number, dy: number): View {
  const du = (-dx / size.width) * (view.u[1] - view.u[0]);
  const dv = (dy / size.height) * (view.v[1] - view.v[0]);
  return { u: [view.u[0] + du, view.u[1] + du], v: [view.v[0] + dv, view.v[1] + dv] };
}

/**
 * The view spanned by a dragged screen rectangle (corners in any order). Returns null for a box
 * too thin to mean anything (a click that moved a pixel or two).
 */
export function boxToView(
  view: View,
  size: Size,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  minPixels = 4,
): View | null {
  if (Math.abs(x1 - x0) < minPixels || Math.abs(y1 - y0) < minPixels) return null;
  const [ua, va] = screenToPlane(view, size, Math.min(x0, x1), Math.max(y0, y1));
  const [ub, vb] = screenToPlane(view, size, Math.max(x0, x1), Math.min(y0, y1));
  return { u: [ua, ub], v: [va, vb] };
}

/**
 * Whether a view can be drawn: finite, increasing, and not so narrow that float64 pixel centres
 * collapse onto each other (which is where zooming must stop).
 */
export function isUsableView(view: View, grid: readonly [number, number]): boolean {
  const ok = (r: [number, number], n: number) => {
    if (!Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[1] > r[0])) return false;
    const scale = Math.max(Math.abs(r[0]), Math.abs(r[1]), 1e-300);
    return (r[1] - r[0]) / n > scale * 1e-13;
  };
  return ok(view.u, grid[0]) && ok(view.v, grid[1]);
}

export function viewsEqual(a: View, b: View): boolean {
  return a.u[0] === b.u[0] && a.u[1] === b.u[1] && a.v[0] === b.v[0] && a.v[1] === b.v[1];
}
