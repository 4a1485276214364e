/**
 * Labels with a subscript: one coordinate's rate is h with the coordinate's name smaller and
 * lowered, as the panels write h<sub>x</sub> (quantity-markup.ts), not the "h_x" of text-only places
 * (a readout, an <option>, the PNG's tEXt, the CLI). A 2D canvas's fillText has no subscript and
 * Unicode has none for most letters (no subscript y), so a label is drawn as runs, each measured in
 * its own font, which keeps centring and right-alignment right; the SVG axis titles on screen draw
 * the same runs (plot-frame.ts svgLabel).
 */
import { quantityLabel } from './labels.ts';

/** A piece of a label: plain, or a subscript of the text before it. */
export interface TextRun {
  text: string;
  sub: boolean;
}

/** What a canvas draws as a label: plain text, or runs. */
export type CanvasLabel = string | readonly TextRun[];

/** A subscript's size as a fraction of the label's font size, and how far its baseline drops (in em). */
export const SUB_SIZE = 0.7;
export const SUB_DROP = 0.25;

/**
 * `q` as runs: h then the coordinate's name as a subscript for `lr.x`, quantityLabel's words
 * otherwise. Built from the quantity, not parsed back from "h_x": a parameter may be named h_max,
 * and its label is its name.
 */
export function quantityRuns(q: string, params: readonly string[] = []): TextRun[] {
  if (q.startsWith('lr.'))
    return [
      { text: 'h', sub: false },
      { text: q.slice(3), sub: true },
    ];
  return [{ text: quantityLabel(q, params), sub: false }];
}

/** The runs of a label: a string is one plain run. */
export function labelRuns(label: CanvasLabel): readonly TextRun[] {
  return typeof label === 'string' ? [{ text: label, sub: false }] : label;
}

/** The label as text-only places write it (a readout): a subscript after an underscore, h_x. */
export function labelText(label: CanvasLabel): string {
  return labelRuns(label)
    .map((r) => (r.sub ? `_${r.text}` : r.text))
    .join('');
}

/**
 * `label` followed by plain `text` (a readout's "h_x = 0.5"): a string while nothing in it is a
 * subscript, so that text-only callers and their tests keep plain strings.
 */
export function appendText(label: CanvasLabel, text: string): CanvasLabel {
  const runs = labelRuns(label);
  return runs.some((r) => r.sub) ? [...runs, { text, sub: false }] : labelText(label) + text;
}

/**
 * Labels and text one after another as one label (a sentence that names quantities): a string while
 * no part has a subscript, as appendText keeps one.
 */
export function joinLabels(parts: readonly CanvasLabel[]): CanvasLabel {
  const runs: TextRun[] = [];
  for (const r of parts.flatMap((p) => labelRuns(p))) {
    const last = runs[runs.length - 1];
    // Plain text next to plain text is one run: the runs are the label's, not how it was built.
    if (last && !last.sub && !r.sub) runs[runs.length - 1] = { text: last.text + r.text, sub: false };
    else if (r.text) runs.push({ ...r });
  }
  return runs.some((r) => r.sub) ? runs : (runs[0]?.text ?? '');
}

/** The font of a label's size; a subscript's is SUB_SIZE of it (8.4px, not 8.399999999999999px). */
export function runFont(size: number, sub: boolean, family = 'sans-serif'): string {
  return `${sub ? Number((size * SUB_SIZE).toFixed(3)) : size}px ${family}`;
}

/** What measuring and drawing need of a 2D context (a stand-in does for tests). */
export type TextContext = Pick<CanvasRenderingContext2D, 'font' | 'textAlign' | 'measureText' | 'fillText'>;

/** The width of each run in its own font at label size `size`, in pixels. */
export function runWidths(ctx: TextContext, label: CanvasLabel, size: number, family?: string): number[] {
  const font = ctx.font;
  const widths = labelRuns(label).map((r) => {
    ctx.font = runFont(size, r.sub, family);
    return ctx.measureText(r.text).width;
  });
  ctx.font = font;
  return widths;
}

/** The whole label's width, in pixels. */
export function labelWidth(ctx: TextContext, label: CanvasLabel, size: number, family?: string): number {
  return runWidths(ctx, label, size, family).reduce((a, b) => a + b, 0);
}

/**
 * Draws `label` with its baseline at `y`, placed at `x` as `align` says (of its whole measured
 * width), in the context's fill style and current transform; subscripts sit SUB_DROP em below the
 * baseline (down the page, or rightwards on a label rotated a quarter turn back). Leaves the
 * context's font set to the label's and its alignment as it was.
 */
export function drawLabel(
  ctx: TextContext,
  label: CanvasLabel,
  x: number,
  y: number,
  opts: { size: number; align: 'left' | 'center' | 'right'; family?: string },
): void {
  const { size, align, family } = opts;
  const runs = labelRuns(label);
  const widths = runWidths(ctx, runs, size, family);
  const total = widths.reduce((a, b) => a + b, 0);
  let at = align === 'left' ? x : align === 'center' ? x - total / 2 : x - total;
  const saved = ctx.textAlign;
  ctx.textAlign = 'left';
  runs.forEach((r, k) => {
    ctx.font = runFont(size, r.sub, family);
    ctx.fillText(r.text, at, r.sub ? y + SUB_DROP * size : y);
    at += widths[k];
  });
  ctx.font = runFont(size, false, family);
  ctx.textAlign = saved;
}
