/**
 * An export's size is checked before anything is recomputed (src/ui/gd-lab/export-options.ts):
 * the toolbar's <select> gives text, and Number('') = 0 recomputed the picture at 1 × 1.
 */
import { describe, expect, it } from 'vitest';
import { checkExportOptions, ExportOptionsError } from '../src/ui/gd-lab/export-options.ts';

describe('checkExportOptions', () => {
  it('passes the screen size and whole sides from 1 to 4096', () => {
    for (const side of [null, 1, 1024, 2048, 4096]) {
      const opts = { side, decorate: true };
      expect(checkExportOptions(opts)).toBe(opts);
    }
  });

  it('refuses any other side with one named error that states the value and the allowed sizes', () => {
    for (const [side, shown] of [
      [Number(''), '0'],
      [Number('512px'), 'NaN'],
      [-1024, '-1024'],
      [1024.5, '1024.5'],
      [8192, '8192'],
      [Infinity, 'Infinity'],
    ] as const) {
      let error: unknown = null;
      try {
        checkExportOptions({ side, decorate: false });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExportOptionsError);
      expect((error as Error).name).toBe('ExportOptionsError');
      expect((error as Error).message).toBe(
        `invalid export size: ${shown} (expected the screen's size or a longest side of 1 to 4096 pixels)`,
      );
    }
  });
});
