/**
 * Canvas labels with a subscript (src/ui/shared/canvas-text.ts), against a stand-in 2D context that
 * measures every character 0.5 em wide and records what is drawn where, in which font.
 */
import { describe, expect, it } from 'vitest';
import {
  drawLabel,
  joinLabels,
  labelText,
  labelWidth,
  quantityRuns,
  runWidths,
  type TextContext,
} from '../src/ui/shared/canvas-text.ts';
import { quantityLabel } from '../src/ui/shared/labels.ts';

interface Drawn {
  text: string;
  x: number;
  y: number;
  font: string;
  align: string;
}

/** A context whose text is 0.5 em a character in whatever font is set. */
function standIn(): TextContext & { drawn: Drawn[] } {
  const ctx = {
    font: '10px sans-serif',
    textAlign: 'start' as CanvasTextAlign,
    drawn: [] as Drawn[],
    measureText(text: string) {
      const size = Number(/^([\d.]+)px /.exec(ctx.font)![1]);
      return { width: text.length * size * 0.5 } as TextMetrics;
    },
    fillText(text: string, x: number, y: number) {
      ctx.drawn.push({ text, x, y, font: ctx.font, align: ctx.textAlign });
    },
  };
  return ctx;
}

describe('quantityRuns', () => {
  it('one coordinate’s rate is h with the coordinate as a subscript', () => {
    expect(quantityRuns('lr.x')).toEqual([
      { text: 'h', sub: false },
      { text: 'x', sub: true },
    ]);
    expect(quantityRuns('lr.x1')).toEqual([
      { text: 'h', sub: false },
      { text: 'x1', sub: true },
    ]);
  });

  it('every other quantity is quantityLabel’s words, one plain run', () => {
    expect(quantityRuns('lr')).toEqual([{ text: 'h', sub: false }]);
    expect(quantityRuns('beta')).toEqual([{ text: 'β', sub: false }]);
    expect(quantityRuns('y')).toEqual([{ text: 'y', sub: false }]);
    // A parameter named like a rate's text is its name, not h with a subscript.
    expect(quantityRuns('h_max', ['h_max'])).toEqual([{ text: 'h_max', sub: false }]);
    expect(quantityRuns('beta', ['beta'])).toEqual([{ text: 'beta', sub: false }]);
  });

  it('reads as quantityLabel’s text where text is all a place holds (a readout)', () => {
    for (const q of ['lr', 'lr.x', 'lr.y', 'lr.w_2', 'beta', 'eps', 'x'])
      expect(labelText(quantityRuns(q))).toBe(quantityLabel(q));
    expect(labelText(quantityRuns('lr.x1'))).toBe('h_x1');
    expect(labelText('long-run x')).toBe('long-run x');
  });

  it('joins labels and text into one label: runs with a subscript in them, a string without', () => {
    expect(joinLabels(['sweeps ', quantityRuns('lr.y'), ' up.'])).toEqual([
      { text: 'sweeps h', sub: false },
      { text: 'y', sub: true },
      { text: ' up.', sub: false },
    ]);
    expect(joinLabels(['sweeps ', quantityRuns('lr'), '', ' and ', quantityRuns('beta'), '.'])).toBe(
      'sweeps h and β.',
    );
    expect(joinLabels([])).toBe('');
  });
});

describe('measuring', () => {
  it('a subscript is measured in its own font, 0.7 of the label’s', () => {
    const ctx = standIn();
    // h at 20 px: 10; x1 at 14 px: 2 × 7 = 14.
    expect(runWidths(ctx, quantityRuns('lr.x1'), 20)).toEqual([10, 14]);
    expect(labelWidth(ctx, quantityRuns('lr.x1'), 20)).toBe(24);
    // "h_x1" in one font would be 40: the underscore's width and a full-size x1.
    expect(labelWidth(ctx, 'h_x1', 20)).toBe(40);
    // Measuring leaves the context's font as it found it.
    expect(ctx.font).toBe('10px sans-serif');
  });
});

describe('drawLabel', () => {
  it('centres the measured runs on x, the subscript smaller and 0.25 em lower', () => {
    const ctx = standIn();
    ctx.textAlign = 'right';
    drawLabel(ctx, quantityRuns('lr.y'), 100, 50, { size: 20, align: 'center' });
    // Width 10 + 7 = 17: starts at 100 - 8.5.
    expect(ctx.drawn).toEqual([
      { text: 'h', x: 91.5, y: 50, font: '20px sans-serif', align: 'left' },
      { text: 'y', x: 101.5, y: 55, font: '14px sans-serif', align: 'left' },
    ]);
    // The caller's alignment is kept; the font is the label's.
    expect(ctx.textAlign).toBe('right');
    expect(ctx.font).toBe('20px sans-serif');
  });

  it('right- and left-aligns the whole label, and draws a string as it is', () => {
    const ctx = standIn();
    drawLabel(ctx, quantityRuns('lr.x'), 100, 0, { size: 12, align: 'right' });
    // h 6 + x 4.2 (8.4 px): h starts at 100 - 10.2, the subscript after it ends at x = 100.
    expect(ctx.drawn.map((d) => [d.text, +d.x.toFixed(9), d.y, d.font])).toEqual([
      ['h', 89.8, 0, '12px sans-serif'],
      ['x', 95.8, 3, '8.4px sans-serif'],
    ]);
    ctx.drawn.length = 0;
    drawLabel(ctx, 'long-run x', 10, 20, { size: 12, align: 'left', family: 'serif' });
    expect(ctx.drawn).toEqual([{ text: 'long-run x', x: 10, y: 20, font: '12px serif', align: 'left' }]);
  });
});
