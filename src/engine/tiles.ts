/**
 * Tiles of a basin grid: ranges of whole rows whose records fit one storage binding and one buffer of
 * the device. Sized by the device's limits, not by a fixed budget: a device that binds 2 GiB holds a
 * 4096² grid's records in one tile. Whole rows keep a tile's picture a contiguous band of the image.
 */
import { RECORD_BYTES } from './layouts.ts';
import { GpuError, mib } from './shader.ts';
import type { Tile } from './dispatch-plan.ts';

/** The tiles of a grid, and why they are that size. */
export interface TilePlan {
  tiles: Tile[];
  /** Why the grid was split (empty when it is one tile). */
  note: string;
}

export function planTiles(
  width: number,
  height: number,
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number },
): TilePlan {
  const perBuffer = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const rows = Math.min(height, Math.floor(perBuffer / (width * RECORD_BYTES)));
  if (rows < 1)
    throw new GpuError(
      'out-of-memory',
      'planning tiles',
      `one row of ${width} pixels needs ${mib(width * RECORD_BYTES)} of records, above this device's ` +
        `storage binding limit of ${mib(perBuffer)}; use a narrower grid`,
    );
  const tiles: Tile[] = [];
  for (let j0 = 0; j0 < height; j0 += rows)
    tiles.push({ p0: j0 * width, count: Math.min(rows, height - j0) * width });
  const note =
    tiles.length === 1
      ? ''
      : `grid ${width}×${height} split into ${tiles.length} tiles of at most ${rows} row${rows === 1 ? '' : 's'}, so that a ` +
        `tile's records fit one storage binding (${mib(perBuffer)}): the grid's would take ` +
        `${mib(width * height * RECORD_BYTES)} (${RECORD_BYTES} B per pixel), kept or not`;
  return { tiles, note };
}
