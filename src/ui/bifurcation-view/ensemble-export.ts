/**
 * PNG export of the ensemble views with the spec embedded (src/experiment/png.ts), so a dropped file
 * reopens the same bifurcation diagram or density. The diagram is exported one pixel per column and
 * row (the strips on top, as the CLI writes it), optionally framed by axes, strip labels and a
 * footer like the basin export; the density as the chart, which always has its axes.
 */
import type { BifurcationResult } from '../../core/ensemble.ts';
import {
  labColours,
  renderBifurcation,
  type RgbaImage as BifurcationImage,
} from '../../engine/bifurcation-render.ts';
import { densityReport } from '../../core/density.ts';
import { encodeSpecPng } from '../../experiment/png.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { drawAxes, finishFrame, frameImage, type RgbaImage } from '../shared/export-frame.ts';
import { densityFooter, densityGeometry, densitySummary } from './density-chart.ts';
import { engineTag } from '../shared/labels.ts';
import { quantityRuns } from '../shared/canvas-text.ts';
import { outsideAutoRange } from './ensemble-legend.ts';

/** Strip height of exported diagrams (as the CLI's default). */
export const EXPORT_STRIP_ROWS = 6;

/**
 * The picture of `result` coloured as `spec` says, as PNG bytes carrying `spec`; `decorate` frames a
 * diagram with axes, strip labels and a footer (a density chart always has its axes). `picture`: the
 * diagram already coloured in that colormap with EXPORT_STRIP_ROWS strips (on the GPU); else
 * renderBifurcation colours it here.
 */
export function ensemblePng(
  result: BifurcationResult,
  spec: ExperimentSpec,
  decorate = false,
  picture: BifurcationImage | null = null,
): Uint8Array {
  if (spec.kind === 'density') {
    const { width, height, rgba } = drawDensity(result, spec);
    return encodeSpecPng(rgba, width, height, spec, result.info);
  }
  const img =
    picture ?? renderBifurcation(result, labColours(spec.colour.colormap), { stripRows: EXPORT_STRIP_ROWS });
  const out = decorate ? decorateDiagram(img, result, spec) : img;
  return encodeSpecPng(out.rgba, out.width, out.height, spec, result.info);
}

/**
 * The diagram framed as the basin export frames a map (src/ui/shared/export-frame.ts enlarges a
 * small diagram): ticks of the sweep below, of the observable's range (the result's, automatic or fixed)
 * at the left, the strips labelled, and a footer with the objective, the ensemble and the precision.
 */
function decorateDiagram(
  img: { width: number; height: number; rgba: Uint8ClampedArray; densityTop: number },
  result: BifurcationResult,
  spec: ExperimentSpec,
): RgbaImage {
  const f = frameImage(img, { left: 76, right: 24, top: 12, bottom: 66 });
  const { ctx, zoom, scale, font, left, top } = f;
  const u = result.spec.plane.u;
  const [lo, hi] = result.range;
  drawAxes(
    f,
    { top: top + img.densityTop * zoom, height: result.plan.rows * zoom },
    { min: u.min, max: u.max, label: quantityRuns(u.quantity) },
    { min: lo, max: hi, label: `long-run ${spec.ensemble.observable}` },
  );
  // Strip rows: diverged 0 … s-1, period s+1 … 2s (src/engine/bifurcation-render.ts).
  const s = EXPORT_STRIP_ROWS;
  ctx.font = `${10 * scale}px sans-serif`;
  ctx.fillText('diverged', left - 6 * scale, top + (s / 2) * zoom + 4 * scale);
  ctx.fillText('period', left - 6 * scale, top + (s + 1 + s / 2) * zoom + 4 * scale);
  ctx.font = `${font}px sans-serif`;
  return finishFrame(f, diagramFooter(result, spec));
}

/**
 * The footer of an exported diagram: the objective, the ensemble, the precision, and as the view's
 * legend the iterates an automatic range left out (escaping starts', or not finite).
 */
export function diagramFooter(result: BifurcationResult, spec: ExperimentSpec): string {
  const p = result.plan;
  const beyond = outsideAutoRange(result);
  return (
    `gdlab · f = ${spec.objective.expr} · ${p.samples} starts per column × (${p.transient} + ${p.keep}) steps · ` +
    `${engineTag(result.info)}${beyond ? ` · ${beyond} long-run iterates outside the range` : ''}`
  );
}

function drawDensity(result: BifurcationResult, spec: ExperimentSpec) {
  const report = densityReport(result);
  const W = 720;
  const H = 460;
  const m = { left: 64, right: 16, top: 16, bottom: 90 };
  const box = { width: W - m.left - m.right, height: H - m.top - m.bottom };
  const g = densityGeometry(report, box);
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.translate(m.left, m.top);
  ctx.fillStyle = '#5b8fd0';
  for (const b of g.bars) ctx.fillRect(b.x, b.y, Math.max(1, b.w - 0.5), b.h);
  if (g.gibbs.length) {
    ctx.strokeStyle = '#d62728';
    ctx.lineWidth = 2;
    ctx.beginPath();
    g.gibbs.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
  }
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 1;
  ctx.strokeRect(-0.5, -0.5, box.width + 1, box.height + 1);
  ctx.fillStyle = '#222';
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  for (const t of g.xTicks) {
    ctx.fillRect(t.at, box.height, 1, 5);
    ctx.fillText(t.label, t.at, box.height + 18);
  }
  ctx.fillText(`long-run ${spec.ensemble.observable}`, box.width / 2, box.height + 36);
  ctx.textAlign = 'right';
  for (const t of g.yTicks) {
    ctx.fillRect(-5, t.at, 5, 1);
    ctx.fillText(t.label, -8, t.at + 4);
  }
  ctx.save();
  ctx.translate(-48, box.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('density', 0, 0);
  ctx.restore();
  ctx.textAlign = 'left';
  ctx.fillStyle = '#444';
  ctx.fillText(densitySummary(report), 0, box.height + 56);
  // The footer spans the image, in a smaller font where a long expression would not fit.
  const footer = densityFooter(report, spec, result.info);
  ctx.font = '11px sans-serif';
  const fit = Math.min(1, (W - 16) / ctx.measureText(footer).width);
  ctx.font = `${Math.max(7, Math.floor(11 * fit))}px sans-serif`;
  ctx.fillText(footer, 8 - m.left, box.height + 78);
  const img = ctx.getImageData(0, 0, W, H);
  return { width: W, height: H, rgba: img.data };
}
