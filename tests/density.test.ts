/**
 * Long-run densities against the Gibbs prediction of Kong & Tao (NOTES.md, multiscale objectives).
 *
 * The L1 bound of the multiscale preset is the sum of three terms, each computed here:
 * 1. The O(h) bias NOTES.md states: for f₀ = x²/2 the stationary variance is hA²/(2(2 - h)), not the
 *    Gibbs T = hA²/4. Term: the L1 distance on the bins between the two Gaussians.
 * 2. The stationary law is not Gaussian: x∞ = -h Σⱼ (1-h)ʲ A cos θⱼ with (for ε ≪ h) independent
 *    uniform phases, a sum of arcsine laws (excess kurtosis -3/2) with geometric weights, so its excess
 *    kurtosis is κ = -1.5 h(2-h)/(1 + (1-h)²). Term (Edgeworth): |κ|/24 · E|He₄(Z)|.
 * 3. Sampling: M·K iterates of an AR(1)-like chain with coefficient 1 - h have n = M·K·h/(2-h)
 *    effective draws; the L1 error of a histogram is ≈ Σ √(2Pᵢ(1-Pᵢ)/(πn)). Allowed twice.
 */
import { readFileSync } from 'node:fs';
import { decode } from 'fast-png';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { densityReport, type DensityReport } from '../src/core/density.ts';
import { binEdges, countsToDensity, gibbsDensity, l1Distance } from '../src/gibbs.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { withDevice } from './helpers/gpu.ts';

/** erf to 1.5e-7 (Abramowitz & Stegun 7.1.26), enough for bin masses compared at 1e-4. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** N(0, v) averaged over each bin, normalised over the range (as gibbsDensity normalises). */
function gaussianBins(v: number, edges: Float64Array): Float64Array {
  const B = edges.length - 1;
  const out = new Float64Array(B);
  let mass = 0;
  for (let i = 0; i < B; i++) {
    const m = 0.5 * (erf(edges[i + 1] / Math.sqrt(2 * v)) - erf(edges[i] / Math.sqrt(2 * v)));
    out[i] = m / (edges[i + 1] - edges[i]);
    mass += m;
  }
  return out.map((p) => p / mass);
}

/** E|He₄(Z)| by the midpoint rule on [-10, 10]. */
function meanAbsHe4(): number {
  let s = 0;
  const dz = 1e-3;
  for (let z = -10 + dz / 2; z < 10; z += dz)
    s += (Math.abs(z ** 4 - 6 * z * z + 3) * Math.exp((-z * z) / 2) * dz) / Math.sqrt(2 * Math.PI);
  return s;
}

function multiscaleSpec(h: number, samples: number, keep: number): ExperimentSpec {
  return parseSpec({
    kind: 'density',
    objective: { expr: 'x^2/2 + A*eps*sin(x/eps)', preset: 'multiscale', params: { A: 1, eps: 0.001 } },
    lr: h,
    x0: [0],
    plane: { u: { quantity: 'lr', min: h / 2, max: 2 * h }, v: { quantity: 'x', min: -1, max: 1 } },
    size: [1, 40],
    iterations: 500 + keep,
    transient: 500,
    ensemble: {
      samples,
      box: { min: [-0.5], max: [0.5] },
      keep,
      observable: 'x',
      bins: 40,
      range: [-0.8, 0.8],
    },
  });
}

/** The three terms of the bound for the multiscale preset at h with A = 1 (see the file comment). */
function l1Bound(h: number, report: DensityReport, samples: number, keep: number) {
  const edges = Float64Array.from(report.edges);
  const gibbs = Float64Array.from(report.gibbs!);
  const bias = l1Distance(gibbs, gaussianBins(h / (2 * (2 - h)), edges), edges);
  const kurt = (1.5 * h * (2 - h)) / (1 + (1 - h) ** 2);
  const shape = (kurt / 24) * meanAbsHe4();
  const n = (samples * keep * h) / (2 - h);
  let sampling = 0;
  for (let i = 0; i < gibbs.length; i++) {
    const P = gibbs[i] * (edges[i + 1] - edges[i]);
    sampling += Math.sqrt((2 * P * (1 - P)) / (Math.PI * n));
  }
  return { bias, shape, sampling, bound: bias + shape + 2 * sampling };
}

describe('Gibbs prediction', () => {
  it('bins Z⁻¹exp(-f₀/T) for quadratic f₀ as the Gaussian of variance T, normalised over the range', () => {
    const edges = binEdges(-1, 1, 25);
    const T = 0.07;
    const g = gibbsDensity((x) => (x * x) / 2, T, edges);
    const want = gaussianBins(T, edges);
    for (let i = 0; i < 25; i++) expect(Math.abs(g[i] - want[i])).toBeLessThan(1e-4);
    expect(g.reduce((s, p) => s + p * 0.08, 0)).toBeCloseTo(1, 12);
    expect(l1Distance(g, g, edges)).toBe(0);
    // A low temperature neither underflows nor loses its normalisation.
    const cold = gibbsDensity((x) => 1000 + (x - 0.5) ** 2, 1e-4, edges);
    expect(cold.every(Number.isFinite)).toBe(true);
    expect(cold.reduce((s, p) => s + p * 0.08, 0)).toBeCloseTo(1, 12);
    const d = countsToDensity([1, 3, 0, 4], [0, 1, 2, 3, 5]);
    expect(Array.from(d)).toEqual([0.125, 0.375, 0, 0.25]);
  });
});

describe('multiscale density against Gibbs', () => {
  // h = 0.1 ≫ ε = 0.001: the phases x/ε decorrelate (h/ε = 100), the regime of Kong & Tao.
  const h = 0.1;
  const samples = 128;
  const keep = 2000;
  const spec = multiscaleSpec(h, samples, keep);

  it('float64: L1 below the bound, T = h/4, every kept iterate in the histogram', async () => {
    const { objective, plan } = prepareEnsemble(spec);
    const report = densityReport(await runEnsembleCpu(spec, objective, plan));
    expect(report.T).toBe(h / 4);
    expect(report.bounded).toBe(samples);
    expect(report.counts.reduce((a, b) => a + b, 0) + report.outside).toBe(samples * keep);
    const b = l1Bound(h, report, samples, keep);
    expect(report.l1!).toBeLessThan(b.bound);
  });

  it('GPU: L1 below the same bound', async () => {
    const { objective, plan } = prepareEnsemble(spec);
    const result = await withDevice((device) =>
      new GpuEnsembleEngine(device).runEnsemble(spec, objective, plan),
    );
    const report = densityReport(result);
    expect(report.bounded).toBe(samples);
    expect(report.counts.reduce((a, b) => a + b, 0) + report.outside).toBe(samples * keep);
    const b = l1Bound(h, report, samples, keep);
    expect(report.l1!).toBeLessThan(b.bound);
  });
});

describe('gdlab density', () => {
  it('writes edges, density, gibbs, T and l1, and a PNG carrying the spec', async () => {
    const png = join(tempDir('gdlab-density-'), 'd.png');
    const { stdout } = await runCli(
      [
        'density',
        '--objective',
        'multiscale',
        '--param',
        'eps=0.001',
        '--lr',
        '0.2',
        '--samples',
        '16',
        '--transient',
        '300',
        '--keep',
        '500',
        '--bins',
        '20',
        '--range',
        '-1:1',
        '--x0',
        '-0.5:0.5',
        '--engine',
        'cpu',
        '--json',
        '-',
        '--png',
        png,
      ],
      { timeout: 60_000 },
    );
    const json = JSON.parse(stdout);
    expect(parseSpec(json.spec).kind).toBe('density');
    expect(json.engine.kind).toBe('cpu');
    expect(json.edges).toHaveLength(21);
    expect(json.edges[0]).toBe(-1);
    expect(json.edges[20]).toBe(1);
    expect(json.density).toHaveLength(20);
    expect(json.gibbs).toHaveLength(20);
    expect(json.T).toBeCloseTo(0.05, 15);
    const mass = json.density.reduce((s: number, p: number) => s + p * 0.1, 0);
    expect(mass).toBeCloseTo(1, 12);
    expect(json.l1).toBeGreaterThan(0);
    expect(json.l1).toBeLessThan(2);
    expect(json.counts.reduce((a: number, b: number) => a + b, 0) + json.outside).toBe(16 * 500);
    const image = decode(readFileSync(png));
    expect([image.width, image.height]).toEqual([20 * 4, 200]);
    expect(parseSpec(JSON.parse(image.text['gdlab-spec']))).toEqual(parseSpec(json.spec));
    // With a PNG alone the summary states the white curve's agreement in the JSON's numbers.
    const again = await runCli(['density', '--spec', png, '--engine', 'cpu', '--png', png], {
      timeout: 60_000,
    });
    expect(again.stdout.split('\n')[0]).toMatch(
      new RegExp(
        `; L1 to the Gibbs density exp\\(-f₀/T\\), T = 0\\.05: ${json.l1.toFixed(3)} \\(0: equal, 2: disjoint\\)$`,
      ),
    );
  });

  it('spreads the starts without --x0: both of the double well’s minima hold mass', async () => {
    // One start for all (the preset's x₀ = 0.3) ran one trajectory 16 times, into the right-hand well.
    const { stdout } = await runCli([
      'density',
      '--objective',
      'double-well',
      '--lr',
      '0.5',
      '--samples',
      '16',
      '--transient',
      '200',
      '--keep',
      '20',
      '--bins',
      '10',
      '--engine',
      'cpu',
    ]);
    const json = JSON.parse(stdout);
    expect(parseSpec(json.spec).ensemble.box).toEqual({ min: [-1], max: [1] });
    const total = (c: number[]) => c.reduce((a, b) => a + b, 0);
    const left = total(json.counts.slice(0, 5));
    const right = total(json.counts.slice(5));
    expect(left + right + json.outside).toBe(16 * 20);
    expect(left).toBeGreaterThanOrEqual(0.25 * 16 * 20);
    expect(right).toBeGreaterThanOrEqual(0.25 * 16 * 20);
  });

  it("the multiscale preset's explanation: L1 to Gibbs about 0.3 at its h = 0.5, about 0.05 at h = 0.1, ε = 0.001", async () => {
    const l1 = async (...flags: string[]) =>
      JSON.parse((await runCli(['density', '--objective', 'multiscale', ...flags, '--engine', 'cpu'])).stdout)
        .l1;
    const loose = await l1();
    expect(loose).toBeGreaterThan(0.25);
    expect(loose).toBeLessThan(0.35);
    const close = await l1('--lr', '0.1', '--param', 'eps=0.001');
    expect(close).toBeGreaterThan(0.02);
    expect(close).toBeLessThan(0.08);
  });

  it('gives no Gibbs prediction for an objective without f₀', async () => {
    const { stdout } = await runCli([
      'density',
      '--objective',
      'double-well',
      '--lr',
      '1.5',
      '--samples',
      '4',
      '--transient',
      '100',
      '--keep',
      '100',
      '--bins',
      '10',
      '--x0',
      '0.1:1.4',
      '--engine',
      'cpu',
    ]);
    const json = JSON.parse(stdout);
    expect([json.gibbs, json.T, json.l1]).toEqual([null, null, null]);
    // The automatic range holds every kept iterate.
    expect(json.outside).toBe(0);
    expect(json.counts.reduce((a: number, b: number) => a + b, 0)).toBe(4 * 100);
  });

  /** The exit code and stderr of `gdlab density` on the double well at h = 0.5 with `flags`, or null. */
  const failure = (flags: string[]) =>
    runCli(['density', '--objective', 'double-well', '--lr', '0.5', ...flags, '--engine', 'cpu']).then(
      () => null,
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it('says once, naming --range, that a range is too wide (the range is also the plane’s v axis)', async () => {
    expect(await failure(['--range', '-1.7e308:1.7e308'])).toEqual({
      code: 2,
      stderr:
        'gdlab density: invalid experiment spec:\n' +
        '  --range (ensemble.range): range -1.7e308:1.7e308 is too wide (max − min must be finite)\n',
    });
  });

  it('names --bins for both fields it sets: the histogram’s bins and the plane’s rows', async () => {
    expect(await failure(['--bins', '1000000'])).toEqual({
      code: 2,
      stderr:
        'gdlab density: invalid experiment spec:\n' +
        '  --bins (ensemble.bins): must be at most 4096\n' +
        '  --bins (size.1): must be at most 16384\n',
    });
  });
});
