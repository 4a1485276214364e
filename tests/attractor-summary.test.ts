/**
 * The attractor view's summary line (src/ui/attractor-view/summary.ts): the samples' class in the
 * legend's words, with the engine and precision beside the exponent.
 */
import { describe, expect, it } from 'vitest';
import type { AttractorReport } from '../src/core/attractor.ts';
import { attractorSummary } from '../src/ui/attractor-view/summary.ts';

const report = (over: Partial<AttractorReport>): AttractorReport =>
  ({
    bounded: 512,
    samples: 512,
    keep: 2000,
    lyapunov: 0.4421,
    outside: 0,
    period: null,
    ...over,
  }) as AttractorReport;
const gpu = { kind: 'gpu', precision: 'f32', adapter: 'test' } as const;

describe('attractorSummary', () => {
  it('names the class: converged, period p, chaotic, not settled, nothing where all diverged', () => {
    expect(attractorSummary(report({ outcome: 'chaotic' }), gpu)).toBe(
      '512 of 512 starts bounded × 2000 kept steps · mean λ = 0.442 (GPU f32) · chaotic · 0 outside the ranges',
    );
    expect(attractorSummary(report({ outcome: 'converged', period: 1 }), gpu)).toContain(' · converged · ');
    expect(attractorSummary(report({ outcome: 'periodic', period: 3 }), gpu)).toContain(' · period 3 · ');
    expect(attractorSummary(report({ outcome: 'unsettled' }), gpu)).toContain(' · not settled · ');
    const lost = attractorSummary(report({ outcome: 'diverged', bounded: 0, lyapunov: NaN }), gpu);
    expect(lost).toBe('0 of 512 starts bounded × 2000 kept steps · GPU f32 · 0 outside the ranges');
  });
});
