/**
 * The legend's note under a colour bar whose automatic range left escaping pixels out (escapingNote),
 * and the rule behind it (escapingLeftOut): only where escaping pixels exist, other bounded pixels
 * set the range instead, the field is one escaping pixels have a value of, and the range is automatic.
 */
import { describe, expect, it } from 'vitest';
import { escapingLeftOut } from '../src/colormaps.ts';
import { emptyCounts, type OutcomeCounts } from '../src/core/records.ts';
import { escapingNote, escapingNoteLines } from '../src/ui/map-legend/escaping-note.ts';

const counts = (over: Partial<OutcomeCounts>): OutcomeCounts => ({ ...emptyCounts(), ...over });

describe('escapingNote', () => {
  it('counts the escaping pixels a data range left out, in the singular too', () => {
    const some = counts({ escaping: 910, converged: 58886, diverged: 5234 });
    expect(escapingNote(some, 'final0', true)).toBe(
      'The 910 escaping pixels (growing, not yet past the radius) do not set this range; beyond it, ' +
        'they take its end colours.',
    );
    expect(escapingNote(counts({ escaping: 1, periodic: { 2: 5 } }), 'f', true)).toBe(
      'The escaping pixel (growing, not yet past the radius) does not set this range; beyond it, it ' +
        'takes its end colours.',
    );
    expect(escapingLeftOut(counts({ escaping: 3, aperiodic: 1, chaotic: 1 }), 'lyapunov')).toBe(true);
    // The exported figure's legend column: three short lines.
    expect(escapingNoteLines(some, 'final0', true)).toEqual([
      '910 escaping pixels',
      'do not set the range;',
      'beyond it: end colours',
    ]);
  });

  it('says nothing for a fixed range, fields escaping pixels lack, none escaping, or escaping alone', () => {
    const some = counts({ escaping: 910, converged: 58886 });
    expect(escapingNote(some, 'final0', false)).toBeNull();
    expect(escapingNoteLines(some, 'final0', false)).toEqual([]);
    for (const field of ['outcome', 'escape', 'period'] as const)
      expect(escapingNote(some, field, true)).toBeNull();
    expect(escapingNote(counts({ converged: 100 }), 'f', true)).toBeNull();
    // Nothing else bounded: the escaping pixels' own range is the range (FieldRange).
    expect(escapingNote(counts({ escaping: 512, diverged: 512 }), 'final0', true)).toBeNull();
  });
});
