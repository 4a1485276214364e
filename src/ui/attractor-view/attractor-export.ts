/**
 * PNG export of the attractor view with the spec embedded (src/experiment/png.ts), so a dropped file
 * reopens the same attractor: one pixel per cell as the CLI writes it, or framed with axes, the
 * ranges the result used and a footer stating the ensemble, the mean exponent and the precision.
 */
import { attractorReport } from '../../core/attractor.ts';
import type { BifurcationResult } from '../../core/ensemble.ts';
import { renderAttractor } from '../../engine/attractor-render.ts';
import { labColours } from '../../engine/bifurcation-render.ts';
import { encodeSpecPng } from '../../experiment/png.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { drawAxes, finishFrame, frameImage } from '../shared/export-frame.ts';
import { attractorSummary } from './summary.ts';

export function attractorPng(result: BifurcationResult, spec: ExperimentSpec, decorate = false): Uint8Array {
  const report = attractorReport(result);
  const img = renderAttractor(report, labColours(spec.colour.colormap));
  if (!decorate) return encodeSpecPng(img.rgba, img.width, img.height, spec);
  const f = frameImage(img, { left: 76, right: 24, top: 12, bottom: 66 });
  drawAxes(
    f,
    { top: f.top, height: f.height },
    { min: report.uRange[0], max: report.uRange[1], label: report.u },
    { min: report.vRange[0], max: report.vRange[1], label: report.v },
  );
  const out = finishFrame(f, `gdlab · f = ${spec.objective.expr} · ${attractorSummary(report, result.info)}`);
  return encodeSpecPng(out.rgba, out.width, out.height, spec);
}
