/**
 * Pass two's counting in the compiled kernel (src/reference/kernel/bin-body.ts) with fewer histogram
 * slots than a block has columns, so that columns take slots from each other: every slot goes into the
 * band before another column takes it, and the counts stay the interpreted reference's exactly. A pass
 * cancelled midway leaves nothing in the kernel's histograms for the next one.
 */
import { expect, it } from 'vitest';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { CompiledEnsemble, type BinBand } from '../src/reference/kernel/ensemble-block.ts';
import { allocSamples } from '../src/reference/kernel/sample-columns.ts';
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
