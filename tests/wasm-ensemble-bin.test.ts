/**
 * Pass two in the compiled kernel (src/reference/kernel/bin-body.ts) where its bookkeeping matters.
 * A diagram with fewer histogram slots than a block has columns, so that columns take slots from each
 * other: every slot goes into the band before another column takes it, and the counts stay the
 * interpreted reference's exactly; a pass cancelled midway leaves nothing in the histograms for the
 * next one. An attractor whose samples split into escaping and settled ones within a block: the
 * second quantity's range is the settled samples' extremes, as the interpreted reference finds them.
 */
import { expect, it } from 'vitest';
import { escapingSamples, prepareEnsemble } from '../src/core/ensemble.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { CompiledEnsemble, type BinBand } from '../src/reference/kernel/ensemble-block.ts';
import { allocSamples, sampleAt } from '../src/reference/kernel/sample-columns.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { coupledSpec, expectConserved } from './attractor-fixtures.ts';
import { escapingDoubleWellSpec } from './bifurcation-fixtures.ts';

it('columns sharing three histogram slots, and a cancelled pass, count as the reference does', async () => {
  // 64 columns of 16 samples, some escaping (gaps in a block's lanes), a range that cuts the attractor.
  const spec = escapingDoubleWellSpec(64);
  const { objective, plan } = prepareEnsemble(spec);
  const ref = await runEnsembleCpu(spec, objective, plan, { interpreted: true });
  const { columns: W, samples: M, rows: H } = plan;
  const n = W * M;
  const kernel = new CompiledEnsemble(plan, objective, 3 * (H + 1));
  const samples = allocSamples(n);
  const xT = new Float64Array(n * kernel.sdim);
  kernel.run(0, n, samples, 0, xT, 0);
  const band = (): BinBand => ({
    c0: 0,
    width: W,
    density: new Uint32Array(W * H),
    outside: new Uint32Array(W),
  });
  const range = plan.range as [number, number];
  // More than one block of 256 bounded lanes, each spanning many more columns than slots.
  expect(ref.stats.bounded.reduce((a, b) => a + b, 0)).toBeGreaterThan(256);
  // Stopped before its second block of 256 lanes, after the first block's counts.
  let checks = 0;
  expect(() => kernel.bin(0, n, xT, 0, samples.escape, 0, range, band(), () => ++checks > 1)).toThrow(
    /cancelled/,
  );
  const got = band();
  kernel.bin(0, n, xT, 0, samples.escape, 0, range, got);
  expect(Array.from(got.density)).toEqual(Array.from(ref.density));
  expect(Array.from(got.outside)).toEqual(Array.from(ref.outside));
  // The run has what the test is about: escaped samples, counts outside the range, in many columns.
  expect(Array.from(ref.stats.diverged).filter((d) => d > 0).length).toBeGreaterThan(3);
  expect(Array.from(ref.outside).filter((o) => o > 0).length).toBeGreaterThan(3);
  expect(ref.density.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});

it("an attractor's escaping and settled samples, side by side in blocks: cells and ranges as the reference's", async () => {
  // y settles in a double well at rate 0.3 and sets x's curvature: near y = 1 it is 1, and x at rate
  // 2.01 grows by 1.01 a step (escaping); near y = -1 it is 0.8 and x converges. Starts of both signs.
  const spec = parseSpec({
    ...coupledSpec({ samples: 300, keep: 120, transient: 100, bins: [24, 24], box: [-1, 1, -1.5, 1.5] }),
    objective: { expr: '(y^2 - 1)^2/4 + (0.9 + 0.1*y)*x^2/2', preset: null, params: {} },
    lrPerCoord: [2.01, 0.3],
  });
  const { objective, plan } = prepareEnsemble(spec);
  const got = await runEnsembleCpu(spec, objective, plan);
  const ref = await runEnsembleCpu(spec, objective, plan, { interpreted: true });
  expect(Array.from(got.density)).toEqual(Array.from(ref.density));
  expect([got.range, got.range2, got.outside[0]]).toEqual([ref.range, ref.range2, ref.outside[0]]);
  expectConserved(got);
  // The split mattered: some samples escape, and their y reached above the settled samples' range.
  const M = plan.samples;
  const kernel = new CompiledEnsemble(plan, objective);
  const samples = allocSamples(M);
  const xT = new Float64Array(M * kernel.sdim);
  kernel.run(0, M, samples, 0, xT, 0);
  const escaping = escapingSamples(plan, M, (i) => sampleAt(samples, i));
  expect(escaping.filter((e) => e !== 0).length).toBeGreaterThan(20);
  expect(ref.stats.bounded[0]).toBe(M);
  const e = kernel.pairExtremes(0, M, xT, 0, samples.escape, 0, escaping);
  expect([e[2], e[3]]).toEqual(ref.range2);
  expect(e[1]).toBeGreaterThan(e[3]);
});
