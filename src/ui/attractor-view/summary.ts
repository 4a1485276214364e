/** The attractor view's lines in words: what was counted, the mean exponent with its precision. */
import type { AttractorReport } from '../../core/attractor.ts';
import type { EngineInfo } from '../../core/engine.ts';
import { engineTag } from '../shared/labels.ts';

/** "512 of 512 starts bounded × 2000 kept steps · mean λ = 0.442 (GPU f32) · chaotic · 0 outside". */
export function attractorSummary(r: AttractorReport, info: EngineInfo): string {
  const where = engineTag(info);
  const lyap = Number.isFinite(r.lyapunov)
    ? ` · mean λ = ${r.lyapunov.toFixed(3)} (${where})`
    : ` · ${where}`;
  // The samples' class (AttractorReport.outcome) in the words of the map's legend.
  const kind =
    r.outcome === 'periodic'
      ? ` · period ${r.period}`
      : r.bounded
        ? ` · ${r.outcome === 'unsettled' ? 'not settled' : r.outcome}`
        : '';
  return `${r.bounded} of ${r.samples} starts bounded × ${r.keep} kept steps${lyap}${kind} · ${r.outside} outside the ranges`;
}
