/**
 * What `gdlab basin` says of a finished map besides its JSON: the summary lines, and for a picture
 * coloured by a field the range it is read against (in the JSON too).
 */
import { escapingLeftOut, fieldRanges, resolveColourRange, transformedRange } from '../colormaps.ts';
import { precisionTag, type BasinResult } from '../core/engine.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';

/** A picture's colouring by a field: the values (or their log10) mapped onto the colormap's ends. */
export interface MapColour {
  field: string;
  log: boolean;
  /** Null where the range comes from the data and no pixel has a value (every pixel no-value grey). */
  range: [number, number] | null;
}

/**
 * The colouring of a map by a field, as the colour pass resolved it; undefined by outcome. Its ends
 * are in the engine's precision: a float64 engine's range rounded to f32 (what its colour pass maps,
 * as the GPU's does) read "f64" beside 1.1892420053482056 for 1.18924.
 */
export async function mapColour(spec: ExperimentSpec, result: BasinResult): Promise<MapColour | undefined> {
  const { field, log } = spec.colour;
  if (field === 'outcome') return undefined;
  // A CPU engine's records are in memory: readAll copies nothing.
  const exact = async () =>
    result.info.precision === 'f64' ? fieldRanges(await result.readAll(), true) : null;
  if (transformedRange(spec.colour))
    return { field, log, range: resolveColourRange(spec.colour, null, await exact()) };
  const ranges = await result.ensureRanges();
  // resolveColourRange maps onto [0, 1] where there are no values: nothing is drawn by it then.
  const r = ranges[field];
  const none = !r || !((log ? r.minPositive : r.min) <= r.max);
  return { field, log, range: none ? null : resolveColourRange(spec.colour, ranges, await exact()) };
}

/** A range end: six significant digits, all an f32 value holds and enough for a colour bar. */
export const fmt = (v: number) => String(+v.toPrecision(6));

/** The summary: size, engine, time and counts, the engine's reason, and the colour range where there is one. */
export function basinSummary(
  spec: ExperimentSpec,
  result: Pick<BasinResult, 'info' | 'ms' | 'counts'>,
  reason: string,
  colour?: MapColour,
): string {
  const { counts, info } = result;
  const p = Object.entries(counts.periodic)
    .map(([k, n]) => `period ${k}: ${n}`)
    .join(', ');
  let text =
    `${spec.size[0]}×${spec.size[1]} on ${info.kind} (${precisionTag(info)}, ${info.adapter}) in ` +
    `${(result.ms / 1000).toFixed(2)} s: diverged ${counts.diverged}, converged ${counts.converged}` +
    `${p ? `, ${p}` : ''}, chaotic ${counts.chaotic}, not settled ${counts.unsettled}, ` +
    `escaping ${counts.escaping}\n`;
  if (colour && !colour.range)
    text += `colour: ${colour.log ? 'log10 ' : ''}${colour.field}: no pixel has a value (all no-value grey)\n`;
  else if (colour?.range) {
    let source = '';
    if (!transformedRange(spec.colour))
      source = escapingLeftOut(counts, spec.colour.field)
        ? ` (from the data; its ${counts.escaping} escaping pixels do not set it)`
        : ' (from the data)';
    text += `colour: ${colour.log ? 'log10 ' : ''}${colour.field} from ${fmt(colour.range[0])} to ${fmt(colour.range[1])}${source}\n`;
  }
  // The engine and why, last, as the README says.
  return `${text}engine: ${reason}\n`;
}
