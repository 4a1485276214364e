/**
 * PNG export of the attractor view with the spec embedded (src/experiment/png.ts), so a dropped file
 * reopens the same attractor: one pixel per cell as the CLI writes it, or framed with axes, the
 * ranges the result used, the colour bar in visits per cell (a figure must carry its scale: the
 * shades are log counts relative to the most visited cell, which no reader can guess) and a footer
 * stating the ensemble, the mean exponent and the precision.
 */
import { attractorReport } from '../../core/attractor.ts';
import type { BifurcationResult } from '../../core/ensemble.ts';
import { renderAttractor } from '../../engine/attractor-render.ts';
import { labColours, type RgbaImage } from '../../engine/bifurcation-render.ts';
import { encodeSpecPng } from '../../experiment/png.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import {
  drawAxes,
  finishFrame,
  frameImage,
  frameScale,
  textUnits,
  type ExportFrame,
} from '../shared/export-frame.ts';
import { BAR_TITLE, colourBarTicks } from './colour-bar.ts';
import { attractorSummary } from './summary.ts';

/** The bar beside the picture, in the frame's units: gap, bar, tick, then the labels and the title. */
const BAR = { gap: 14, width: 14, tick: 4, label: 6, title: 8, font: 12, end: 8 };

/**
 * The attractor as PNG bytes carrying `spec`, framed when `decorate`. `picture`: the histogram already
 * coloured in the spec's colormap (on the GPU); else renderAttractor colours it here.
 */
export function attractorPng(
  result: BifurcationResult,
  spec: ExperimentSpec,
  decorate = false,
  picture: RgbaImage | null = null,
): Uint8Array {
  const report = attractorReport(result);
  const colours = labColours(spec.colour.colormap);
  const img = picture ?? renderAttractor(report, colours);
  if (!decorate) return encodeSpecPng(img.rgba, img.width, img.height, spec);
  let top = 0;
  for (const n of report.counts) if (n > top) top = n;
  const ticks = colourBarTicks(top).map((t) => ({ at: t.at, label: String(t.count) }));
  const labels = textUnits(
    ticks.map((t) => t.label),
    frameScale(img).scale,
  );
  const right = BAR.gap + BAR.width + BAR.label + labels + BAR.title + BAR.font + BAR.end;
  const f = frameImage(img, { left: 76, right, top: 12, bottom: 66 });
  drawAxes(
    f,
    { top: f.top, height: f.height },
    { min: report.uRange[0], max: report.uRange[1], label: report.u },
    { min: report.vRange[0], max: report.vRange[1], label: report.v },
  );
  drawBar(f, colours.colormap, ticks, labels);
  const out = finishFrame(f, `gdlab · f = ${spec.objective.expr} · ${attractorSummary(report, result.info)}`);
  return encodeSpecPng(out.rgba, out.width, out.height, spec);
}

/**
 * The screen's colour bar (AttractorView.renderBar) drawn into the frame: the colormap bottom to
 * top over the picture's height, ticks at `at` ∈ [0, 1] from the bottom, the title rotated beside
 * the labels (`labels`: their width in units).
 */
function drawBar(
  f: ExportFrame,
  colormap: (t: number) => readonly number[],
  ticks: { at: number; label: string }[],
  labels: number,
): void {
  const { ctx, scale, top, height } = f;
  const x0 = f.left + f.width + BAR.gap * scale;
  const w = BAR.width * scale;
  for (let k = 0; k < height; k++) {
    const [r, g, b] = colormap(1 - (k + 0.5) / height);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x0, top + k, w, 1);
  }
  ctx.strokeStyle = '#888';
  ctx.lineWidth = scale;
  ctx.strokeRect(x0 - 0.5, top - 0.5, w + 1, height + 1);
  ctx.fillStyle = '#222';
  ctx.textAlign = 'left';
  for (const t of ticks) {
    const y = Math.round(top + (1 - t.at) * (height - scale));
    ctx.fillRect(x0 + w, y, BAR.tick * scale, scale);
    ctx.fillText(t.label, x0 + w + BAR.label * scale, y + 4 * scale);
  }
  ctx.save();
  // Rotated a quarter turn back, the title's glyphs rise leftwards from its baseline.
  ctx.translate(x0 + w + (BAR.label + labels + BAR.title + BAR.font) * scale, top + height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(BAR_TITLE, 0, 0);
  ctx.restore();
}
