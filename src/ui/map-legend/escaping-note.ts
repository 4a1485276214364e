/**
 * The legend's note under a colour bar whose automatic range left the escaping pixels out
 * (FieldRange of src/core/engine.ts): they are part of the picture, in the range's end colours where
 * they lie beyond it, and a reader should know that the bar's ends are not their values.
 */
import { escapingLeftOut } from '../../colormaps.ts';
import type { OutcomeCounts } from '../../core/records.ts';
import type { ColourField } from '../../experiment/spec.ts';

/** The note for a map's counts coloured by `field` over an automatic range (`auto`); null when there is nothing to say. */
export function escapingNote(counts: OutcomeCounts, field: ColourField, auto: boolean): string | null {
  if (!auto || !escapingLeftOut(counts, field)) return null;
  const n = counts.escaping;
  return (
    `${n === 1 ? 'The escaping pixel' : `The ${n} escaping pixels`} (growing, not yet past the radius) ` +
    `${n === 1 ? 'does' : 'do'} not set this range; beyond it, ${n === 1 ? 'it takes' : 'they take'} its end colours.`
  );
}

/** The same note in three short lines, for the legend column of an exported figure; none when null. */
export function escapingNoteLines(counts: OutcomeCounts, field: ColourField, auto: boolean): string[] {
  if (!auto || !escapingLeftOut(counts, field)) return [];
  const n = counts.escaping;
  return [
    `${n} escaping pixel${n === 1 ? '' : 's'}`,
    `${n === 1 ? 'does' : 'do'} not set the range;`,
    'beyond it: end colours',
  ];
}
