/** What a basin run keeps for its result (planOutputs), by RunOptions.records and the memory budget. */
import { describe, expect, test } from 'vitest';
import { planOutputs } from '../src/engine/run-outputs.ts';

const grid = { width: 1000, height: 1000 };

describe('planOutputs', () => {
  test('records where asked for and within the budget; words for pictures by outcome; nothing for counts', () => {
    expect(planOutputs('keep', grid, true, 48e6)).toEqual({
      records: true,
      keepWords: false,
      lyapWords: false,
      note: null,
    });
    expect(planOutputs('outcome', grid, true, 48e6)).toEqual({
      records: false,
      keepWords: true,
      lyapWords: true,
      note: null,
    });
    // Without the exponent no pixel is chaotic: the words alone.
    expect(planOutputs('outcome', grid, false, 48e6)).toMatchObject({ keepWords: true, lyapWords: false });
    expect(planOutputs('none', grid, true, 48e6)).toEqual({
      records: false,
      keepWords: false,
      lyapWords: false,
      note: null,
    });
  });

  test('over the budget: words where 4 (8 with λ) bytes a pixel fit, and the note says which pictures recompute', () => {
    const over = planOutputs('keep', grid, true, 48e6 - 1);
    expect(over).toMatchObject({ records: false, keepWords: true, lyapWords: true });
    expect(over.note).toBe(
      'records of 1000×1000 pixels (0.0 GiB) exceed the 0.0 GiB kept on the GPU; ' +
        'pictures by outcome come from summary words, others recompute them',
    );
    expect(planOutputs('keep', grid, true, 8e6 - 1)).toMatchObject({ keepWords: false, lyapWords: false });
    expect(planOutputs('keep', grid, true, 8e6 - 1).note).toMatch(/; pictures recompute them$/);
    expect(planOutputs('keep', grid, false, 8e6 - 1)).toMatchObject({ keepWords: true, lyapWords: false });
    expect(planOutputs('outcome', grid, false, 4e6 - 1)).toEqual({
      records: false,
      keepWords: false,
      lyapWords: false,
      note: null,
    });
  });
});
