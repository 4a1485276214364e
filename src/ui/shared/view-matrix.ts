/**
 * Where a computed picture lies on screen while the view moves: one matrix for both display paths.
 * A picture covers its own window of the plane; its unit square (s to the right, t upwards) is mapped
 * into clip space of the view on screen by an orthographic matrix (wgpu-matrix's `ortho`), which the
 * WebGPU blit applies in its vertex stage and the 2D-canvas path turns into `setTransform`. So a
 * zoom or pan moves the current picture at once, on the GPU or the canvas, while the new one
 * computes.
 */
import { mat4 } from 'wgpu-matrix';
import type { View } from './view.ts';

/**
 * Clip-space matrix of the picture's unit square within the shown view. The ratios are taken in
 * float64 before the float32 matrix, so a view deep in a zoom (1.0000001 ± 1e-7) loses nothing.
 */
export function pictureMatrix(shown: View, picture: View): Float32Array {
  const du = picture.u[1] - picture.u[0];
  const dv = picture.v[1] - picture.v[0];
  return mat4.ortho(
    (shown.u[0] - picture.u[0]) / du,
    (shown.u[1] - picture.u[0]) / du,
    (shown.v[0] - picture.v[0]) / dv,
    (shown.v[1] - picture.v[0]) / dv,
    -1,
    1,
  );
}

/** The matrix that shows a picture exactly filling the canvas. */
export const FILL_MATRIX: Float32Array = mat4.ortho(0, 1, 0, 1, -1, 1);

/**
 * The same mapping for a 2D canvas: `setTransform(a, b, c, d, e, f)` taking pixel (px, py) of an
 * image `image` pixels in size (top row first) to canvas pixel (X, Y) of a `canvas`-sized canvas.
 * From s = px/w, t = 1 - py/h, clip = M·(s, t, 0, 1), X = (clip.x + 1)/2·W, Y = (1 - clip.y)/2·H.
 */
export function canvasTransform(
  m: ArrayLike<number>,
  image: { width: number; height: number },
  canvas: { width: number; height: number },
): [number, number, number, number, number, number] {
  const { width: w, height: h } = image;
  const { width: W, height: H } = canvas;
  return [
    (W * m[0]) / (2 * w),
    (-H * m[1]) / (2 * w),
    (-W * m[4]) / (2 * h),
    (H * m[5]) / (2 * h),
    (W / 2) * (m[4] + m[12] + 1),
    (H / 2) * (1 - m[5] - m[13]),
  ];
}
