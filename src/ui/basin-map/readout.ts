/**
 * The basin map's hover readout in words: the pixel's own start (the one its record is of), its
 * outcome as src/core/outcome.ts names it, the numbers the record holds, and the engine and
 * precision that computed them.
 */
import type { EngineInfo } from '../../core/engine.ts';
import { Outcome } from '../../core/outcome.ts';
import { type TrajectoryRecord } from '../../core/records.ts';
import { axisValue } from '../../experiment/plane.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { appendText, type CanvasLabel } from '../shared/canvas-text.ts';
import { engineTag, formatNumber, outcomeWords } from '../shared/labels.ts';
import { formatValue } from '../shared/ticks.ts';

/**
 * The readout's parts for pixel (i, j) of a W×H frame of `spec`. The coordinates are the pixel's
 * centre, where its trajectory started (the inspector opens the same start), not the pointer's
 * position, which reads 1.0000001 where the record is of a start 0.977. A diverged trajectory has
 * no λ, f or sharpness (rule 2), so none is shown; λ is said not computed where it is switched off
 * (NaN stays where Φ has no derivative: RMSProp or Adam at s = 0). The axes' parts are runs where a
 * label has a subscript (one coordinate's rate), so the map shows h<sub>x</sub>, not "h_x".
 */
export function pixelReadout(
  spec: Pick<ExperimentSpec, 'plane' | 'classify'>,
  size: readonly [number, number],
  i: number,
  j: number,
  labels: { u: CanvasLabel; v: CanvasLabel },
  record: TrajectoryRecord | null,
  info: EngineInfo,
): CanvasLabel[] {
  const { u, v } = spec.plane;
  const pu = axisValue(u, i, size[0]);
  const pv = axisValue(v, j, size[1]);
  const parts: CanvasLabel[] = [
    appendText(labels.u, ` = ${formatNumber(pu, u.max - u.min)}`),
    appendText(labels.v, ` = ${formatNumber(pv, v.max - v.min)}`),
  ];
  if (!record) return [...parts, '…'];
  parts.push(outcomeWords(record));
  if (record.outcome !== Outcome.DIVERGED) {
    parts.push(
      spec.classify.lyapunov ? `λ = ${formatValue(record.lyapunov)}` : 'λ not computed',
      `f = ${formatValue(record.f)}`,
      `sharpness = ${formatValue(record.sharpness)}`,
    );
  }
  parts.push(`(${engineTag(info)})`);
  return parts;
}
