/**
 * The options of a PNG export, checked before anything is computed: the size comes from the
 * toolbar's <select> as text, and a value outside its options (Number('') is 0) recomputed the
 * picture at 1 × 1 and offered that as the export, with no word of what went wrong.
 */

export interface ExportOptions {
  /** Longest side in pixels, a whole number from 1 to MAX_EXPORT_SIDE; null: the frame on screen. */
  side: number | null;
  /** Draw axes, legend and colorbar around the map. */
  decorate: boolean;
}

/** The longest side an export recomputes at (the toolbar's largest choice). */
export const MAX_EXPORT_SIDE = 4096;

/** An export asked for with options no export can honour; its message names the value. */
export class ExportOptionsError extends Error {
  override name = 'ExportOptionsError';
}

/** Returns `opts` when it can be exported, or throws ExportOptionsError naming the bad value. */
export function checkExportOptions(opts: ExportOptions): ExportOptions {
  const { side } = opts;
  if (side !== null && !(Number.isInteger(side) && side >= 1 && side <= MAX_EXPORT_SIDE))
    throw new ExportOptionsError(
      `invalid export size: ${String(side)} (expected the screen's size or a longest side ` +
        `of 1 to ${MAX_EXPORT_SIDE} pixels)`,
    );
  return opts;
}
