/**
 * Export: the map as PNG with its spec embedded, at screen resolution (the frame on screen) or at a
 * chosen longest side (recomputed by the engine, which tiles what the device cannot hold at once),
 * optionally framed by axes, the legend and the colorbar.
 */
import { needsDataRange } from '../../colormaps.ts';
import { readSpecBlob } from '../../experiment/blob.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend, MapFrame, Pixels } from '../engine-host/backend.ts';
import { colormapRgb, colourRange } from '../engine-host/colour.ts';
import { legendRows, type LegendRow } from '../map-legend/map-legend.ts';
import { escapingNoteLines } from '../map-legend/escaping-note.ts';
import { varsOf } from '../shared/objective.ts';
import { drawAxes, finishFrame, frameImage, frameScale, textUnits } from '../shared/export-frame.ts';
import { formatTicks, logTicks, niceTicks } from '../shared/ticks.ts';
import { engineTag, fieldLabel, formatNumber, rateText } from '../shared/labels.ts';
import { quantityRuns } from '../shared/canvas-text.ts';
import { encodeSpecPng } from '../../experiment/png.ts';
import { checkExportOptions, MAX_EXPORT_SIDE, type ExportOptions } from './export-options.ts';

export async function exportPng(
  backend: LabBackend,
  frame: MapFrame,
  spec: ExperimentSpec,
  opts: ExportOptions,
  onProgress: (p: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  checkExportOptions(opts);
  let f = frame;
  if (opts.side !== null) {
    const [W, H] = spec.size;
    const s = Math.min(MAX_EXPORT_SIDE, opts.side) / Math.max(W, H);
    const size: [number, number] = [Math.max(1, Math.round(W * s)), Math.max(1, Math.round(H * s))];
    const big = parseSpec({ ...frame.spec, colour: spec.colour, size });
    f = await backend.run(big, { signal, onProgress: (d, t) => onProgress(d / t) });
  }
  try {
    const px = await backend.pixels(f, spec.colour);
    const outSpec = { ...f.spec, colour: spec.colour };
    const out = opts.decorate ? decorate(px, f, outSpec) : px;
    return encodeSpecPng(out.rgba, out.width, out.height, outSpec, f.info);
  } finally {
    if (f !== frame) backend.release(f);
  }
}

/**
 * The map framed by axes, legend and colorbar (src/ui/shared/export-frame.ts enlarges a small map);
 * the undecorated export is always the exact grid. The right margin is the legend's measured width:
 * its rows run from 'converged: 0' to a sentence with a count, and a fixed margin cut them off. The
 * bottom margin grows to the legend's measured height: a short map with many periods has more rows
 * than the picture is tall, and they ran over the footer and off the bottom edge.
 */
function decorate(px0: Pixels, frame: MapFrame, spec: ExperimentSpec): Pixels {
  const legend = legendOf(frame, spec);
  const { zoom, scale: s } = frameScale(px0);
  const rows = legend.rows.map((row) => `${row.label}: ${row.count}`);
  const bar = legend.bar;
  const tickLabels = bar?.ticks.map((t) => t.label) ?? [];
  const legendUnits = Math.max(
    rows.length ? 12 + 6 + textUnits(rows, s) : 0,
    bar ? textUnits([bar.title, ...bar.note], s) : 0,
    tickLabels.length ? 20 + textUnits(tickLabels, s) : 0,
  );
  const layout = legendLayout(rows.length, bar?.note.length ?? null, (px0.height * zoom) / s);
  // 14 before the legend, 10 after it; at least room for the last u tick label centred on the edge.
  const f = frameImage(px0, {
    left: 70,
    right: Math.max(40, 14 + legendUnits + 10),
    top: 12,
    bottom: layout.bottom,
  });
  const { ctx, scale, font, left, top, width } = f;
  const u = spec.plane.u;
  const v = spec.plane.v;
  drawAxes(
    f,
    { top, height: f.height },
    { min: u.min, max: u.max, label: quantityRuns(u.quantity) },
    { min: v.min, max: v.max, label: quantityRuns(v.quantity) },
  );
  // Legend: counts, then the colorbar for continuous fields.
  ctx.textAlign = 'left';
  let y = top + font;
  const x0 = left + width + 14 * scale;
  legend.rows.forEach((row, k) => {
    swatch(ctx, row, x0, y - font + 2 * scale, font);
    ctx.fillStyle = '#222';
    ctx.fillText(rows[k], x0 + font + 6 * scale, y);
    y += font * 1.5;
  });
  if (bar) {
    y += font;
    ctx.fillText(bar.title, x0, y);
    const barTop = y + 8 * scale;
    const barH = layout.bar * scale;
    for (let k = 0; k < barH; k++) {
      const [r, g, b] = colormapRgb(spec.colour.colormap, 1 - k / (barH - 1));
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(x0, barTop + k, 14 * scale, 1);
    }
    ctx.fillStyle = '#222';
    const [lo, hi] = bar.range;
    for (const { at, label } of bar.ticks) {
      const ty = barTop + (1 - (at - lo) / (hi - lo)) * barH;
      ctx.fillText(label, x0 + 20 * scale, ty + 4 * scale);
    }
    bar.note.forEach((line, k) => ctx.fillText(line, x0, barTop + barH + (1.6 + 1.2 * k) * font));
  }
  return finishFrame(f, footerLine(spec, engineTag(frame.info)));
}

/**
 * A legend row's square swatch: its colour, or for a shaded class (diverged, chaotic) its ramp from
 * left to right, as the lab's legend draws it. Column by column, as the colour bar is drawn row by
 * row, so the ramp's ends are its end colours exactly; one colour, the ramp's dark end, read as a
 * class of one shade and matched none of the brighter pixels of the map.
 */
function swatch(ctx: OffscreenCanvasRenderingContext2D, row: LegendRow, x: number, y: number, side: number) {
  const { rgb, to } = row;
  if (!to) {
    ctx.fillStyle = `rgb(${rgb.join(',')})`;
    ctx.fillRect(x, y, side, side);
    return;
  }
  for (let k = 0; k < side; k++) {
    const t = side > 1 ? k / (side - 1) : 0;
    ctx.fillStyle = `rgb(${rgb.map((a, c) => Math.round(a + (to[c] - a) * t)).join(',')})`;
    ctx.fillRect(x + k, y, 1, side);
  }
}

/** The footer's band at the bottom (its 12-unit line on a baseline 4 above the edge) and a gap. */
const FOOTER_UNITS = 22;

/**
 * Where the legend column ends, in units below the picture's top, and the bottom margin that keeps
 * it above the footer: `rows` outcome rows of 18 units, then for a field (`notes` lines of a note,
 * null for none) a title, a bar and its note. The bar fills the room beside the picture, from 100
 * to 200 units: a bar squeezed to the height of a short map had no room for its ticks.
 */
export function legendLayout(
  rows: number,
  notes: number | null,
  picture: number,
): { bar: number; end: number; bottom: number } {
  let end = rows ? 18 * rows - 2 : 0;
  let bar = 0;
  if (notes !== null) {
    const barTop = 12 + 18 * rows + 12 + 8;
    const noteUnits = notes ? (0.6 + 1.2 * notes) * 12 : 0;
    bar = Math.round(Math.min(200, Math.max(100, picture + 66 - FOOTER_UNITS - barTop - noteUnits)));
    end = barTop + bar + (notes ? (1.6 + 1.2 * (notes - 1)) * 12 + 4 : 8);
  }
  return { bar, end, bottom: Math.max(66, Math.ceil(end + FOOTER_UNITS - picture)) };
}

/** What the legend column holds: outcome counts, or a continuous field's bar with its ticks and note. */
function legendOf(frame: MapFrame, spec: ExperimentSpec) {
  if (spec.colour.field === 'outcome') return { rows: legendRows(frame), bar: null };
  const range = colourRange(frame, spec.colour);
  if (!range) return { rows: [], bar: null };
  const ticks = spec.colour.log ? logTicks(range[0], range[1]) : [];
  if (!spec.colour.log) {
    const t = niceTicks(range[0], range[1], 5);
    formatTicks(t).forEach((label, k) => ticks.push({ at: t[k], label }));
  }
  const title = `${fieldLabel(spec.colour.field, spec, varsOf(spec))}${spec.colour.log ? ', log scale' : ''}`;
  // As the lab's legend: a figure read against its bar must say what the bar's ends hold.
  const note = escapingNoteLines(frame.counts, spec.colour.field, needsDataRange(spec.colour));
  return { rows: [], bar: { range, ticks, title, note } };
}

/**
 * The footer of an exported map: the objective, the rate unless an axis sweeps it (a map over
 * per-coordinate rates has no single h), the start unless both axes sweep coordinates, and the
 * engine with its precision (engineTag: a chaotic region's picture differs between the two).
 */
export function footerLine(spec: ExperimentSpec, engine: string): string {
  const q = [spec.plane.u.quantity, spec.plane.v.quantity];
  const rates = q.filter((x) => x === 'lr' || x.startsWith('lr.'));
  const parts = [`gdlab · f = ${spec.objective.expr}`];
  if (!rates.length) parts.push(`h = ${rateText(spec)}`);
  if (q.filter((x) => !rates.includes(x)).length < spec.x0.length || spec.x0.length > 2)
    parts.push(`x₀ = (${spec.x0.map((v) => formatNumber(v)).join(', ')}) off the axes`);
  parts.push(`${spec.iterations} steps`, engine);
  return parts.join(' · ');
}

/** The file name of an exported picture of `spec`: its kind, preset and grid (columns × rows). */
export function exportFileName(spec: ExperimentSpec): string {
  return `gdlab-${spec.kind}-${spec.objective.preset ?? 'map'}-${spec.size.join('x')}.png`;
}

/** Reads a spec from a dropped or opened file: a gdlab PNG, or spec JSON (readSpecBlob bounds its size). */
export function readSpecFile(file: File): Promise<ExperimentSpec> {
  return readSpecBlob(file);
}
