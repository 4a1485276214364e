/**
 * The numbers the lab writes beside its pictures, against the float64 reference: the basin map's
 * hover readout (the pixel's start, its class, λ, and the engine that computed them), its legend,
 * a bifurcation diagram's column readout, and the footer of an exported density.
 */
import { describe, expect, it } from 'vitest';
import { decideOutcome, Outcome } from '../src/core/outcome.ts';
import { countOutcomes, type TrajectoryRecord } from '../src/core/records.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { runGrid } from '../src/reference/grid.ts';
import { columnRecord } from '../src/core/host-result.ts';
import { pixelReadout } from '../src/ui/basin-map/readout.ts';
import type { MapFrame } from '../src/ui/engine-host/backend.ts';
import { legendRows } from '../src/ui/map-legend/map-legend.ts';
import { densityFooter } from '../src/ui/bifurcation-view/density-chart.ts';
import { diagramDescription, readoutParts } from '../src/ui/bifurcation-view/ensemble-legend.ts';
import { mapDescription } from '../src/ui/basin-map/describe.ts';
import { labelText, quantityRuns } from '../src/ui/shared/canvas-text.ts';
import { runEnsembleSpec } from '../src/core/ensemble.ts';
import { bifurcationReadout } from '../src/engine/bifurcation-render.ts';
import { CpuEnsembleEngine } from '../src/reference/ensemble.ts';
import { gibbsModel } from '../src/gibbs.ts';
import { quantityWords, rateText } from '../src/ui/shared/labels.ts';

const GPU = { kind: 'gpu', precision: 'f32', adapter: 'test' } as const;
const CPU = { kind: 'cpu', precision: 'f64', adapter: 'cpu' } as const;
const XY = { u: 'x', v: 'y' };

/** The default map, (1 - xy)²/2 at h = 1.1 over [-2.5, 2.5]², 64×64, in float64. */
function defaultMap(patch = {}) {
  const spec = parseSpec({ size: [64, 64], iterations: 300, transient: 180, lr: 1.1, ...patch });
  const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
  const c = runGrid(spec, obj, { interpreted: true }).columns;
  const record = (i: number, j: number): TrajectoryRecord => columnRecord(c, j * 64 + i);
  return { spec, record };
}

describe('the basin map readout', () => {
  it("names the pixel's own start, its class and λ as float64 finds them, and the engine", () => {
    const { spec, record } = defaultMap();
    expect(spec.plane.u).toMatchObject({ min: -2.5, max: 2.5 });
    // Pixel (44, 51) starts at (0.9765625, 1.5234375) and settles on a 2-cycle with λ = -0.11157.
    const r = record(44, 51);
    expect(r.outcome).toBe(Outcome.PERIODIC);
    expect(r.lyapunov).toBeCloseTo(-0.1115718, 6);
    expect(pixelReadout(spec, [64, 64], 44, 51, XY, r, CPU)).toEqual([
      'x = 0.976563',
      'y = 1.523438',
      'period 2',
      'λ = -0.111572',
      'f = 0.0301588',
      'sharpness = 2.73679',
      '(CPU float64)',
    ]);
    // The same words from the GPU say f32: a chaotic pixel's λ is not float64's there.
    expect(pixelReadout(spec, [64, 64], 44, 51, XY, r, GPU).at(-1)).toBe('(GPU f32)');
  });

  it('gives a diverged pixel its escape step and no λ, f or sharpness (it has none)', () => {
    const { spec, record } = defaultMap();
    const r = record(9, 9);
    expect(r.outcome).toBe(Outcome.DIVERGED);
    expect(r.iter).toBe(4);
    expect(pixelReadout(spec, [64, 64], 9, 9, XY, r, GPU)).toEqual([
      'x = -1.757813',
      'y = -1.757813',
      'diverged at k = 4',
      '(GPU f32)',
    ]);
  });

  it('says λ was not computed when the exponent is switched off, and waits for the record', () => {
    const { spec, record } = defaultMap({ classify: { lyapunov: false } });
    const parts = pixelReadout(spec, [64, 64], 44, 51, XY, record(44, 51), CPU);
    expect(parts).toContain('λ not computed');
    expect(parts.join(' ')).not.toMatch(/NaN/);
    expect(pixelReadout(spec, [64, 64], 44, 51, XY, null, CPU)).toEqual([
      'x = 0.976563',
      'y = 1.523438',
      '…',
    ]);
  });
});

describe('the basin map legend', () => {
  it("names chaos by the spec's threshold: a bounded orbit with 0 < λ ≤ θ is not settled, not chaotic", () => {
    const spec = parseSpec({ size: [4, 4], classify: { chaosThreshold: 0.002 } });
    const counts = countOutcomes({ outcome: new Uint8Array(16), period: new Uint32Array(16) });
    const rows = legendRows({ spec, counts } as unknown as MapFrame);
    expect(rows.find((r) => r.key === 'chaotic')!.label).toBe('chaotic (bounded, λ > 0.002)');
    // What the label says is what rule 6 decides: λ = 0.0015 with no period and no growth.
    expect(decideOutcome(0, 0.0015, 1, 1, 100, 0.002)).toBe(Outcome.UNSETTLED);
    expect(decideOutcome(0, 0.0025, 1, 1, 100, 0.002)).toBe(Outcome.CHAOTIC);
    const byDefault = legendRows({ spec: parseSpec({}), counts } as unknown as MapFrame);
    expect(byDefault.find((r) => r.key === 'chaotic')!.label).toBe('chaotic (bounded, λ > 0.001)');
  });
});

describe('the exported density', () => {
  it('says the rate, the parameters T depends on, what the red line is, and the engine', () => {
    const spec = parseSpec({
      kind: 'density',
      objective: { expr: 'x^2/2 + A*eps*sin(x/eps)', preset: 'multiscale', params: { A: 1, eps: 0.001 } },
      lr: 0.1,
      transient: 1000,
      ensemble: { samples: 256, keep: 2000, bins: 60, range: [-0.64, 0.64] },
    });
    // T = hA²/4 = 0.025: the rate and A are what the Gibbs curve depends on.
    expect(gibbsModel(spec)!.T).toBeCloseTo(0.025, 15);
    expect(densityFooter({ gibbs: [1] }, spec, GPU)).toBe(
      'gdlab · f = x^2/2 + A*eps*sin(x/eps) (A = 1, eps = 0.001) · h = 0.1 · 256 starts × (1000 + 2000) steps · red: Gibbs Z⁻¹exp(−f₀/T) · GPU f32',
    );
    const plain = densityFooter(
      { gibbs: null },
      { ...spec, objective: { ...spec.objective, params: {} } },
      CPU,
    );
    expect(plain).not.toContain('Gibbs');
    expect(plain).toMatch(/h = 0\.1 · .* · CPU float64$/);
    // The one variable's own rate, where the spec gives one per coordinate: T = 0.2/4, and the
    // footer and the attractor's and the map's captions state that rate, not the scalar one.
    const own = parseSpec({ ...spec, x0: [0], lrPerCoord: [0.2] });
    expect(gibbsModel(own)!.T).toBeCloseTo(0.05, 15);
    expect(densityFooter({ gibbs: [1] }, own, GPU)).toContain(' · h = (0.2) · ');
    expect(rateText({ lr: 1.4, lrPerCoord: [2.01, 0.3] })).toBe('(2.01, 0.3)');
    expect(rateText({ lr: 1.4, lrPerCoord: null })).toBe('1.4');
  });
});

describe("the diagram's column readout", () => {
  it('calls its λ the mean over bounded starts, and shows none where every start diverged', async () => {
    // The double well's cubic map at h = 1.75 (chaotic) and 2.1 (every orbit lost beyond h = 2).
    const spec = parseSpec({
      kind: 'bifurcation',
      objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
      x0: [0.3],
      plane: { u: { quantity: 'lr', min: 1.3, max: 2.2 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [3, 20],
      transient: 500,
      ensemble: { samples: 8, box: { min: [-1], max: [1] }, keep: 100, observable: 'x', range: [-2, 2] },
    });
    const r = await runEnsembleSpec(new CpuEnsembleEngine(), spec);
    expect(r.plan.values[1]).toBe(1.75);
    expect(r.plan.values[2]).toBeCloseTo(2.05, 12);
    const chaotic = bifurcationReadout(r, 0, 1, 10)!;
    const lost = bifurcationReadout(r, 0, 2, 10)!;
    // The mean of the column's eight exponents, all positive: the cubic map is chaotic at h = 1.75.
    expect(chaotic.outcome).toBe(Outcome.CHAOTIC);
    expect(chaotic.lyapunov).toBeGreaterThan(0.3);
    const words = readoutParts(chaotic, 0.1, spec);
    expect(words).toContain('chaotic');
    expect(words.find((w) => typeof w === 'string' && w.startsWith('mean λ = '))).toBe(
      `mean λ = ${Number(chaotic.lyapunov.toPrecision(6))}`,
    );
    expect(lost.outcome).toBe(Outcome.DIVERGED);
    expect(readoutParts(lost, 0.1, spec)).toEqual([
      'h = 2.05',
      'x = 0.1',
      'all diverged',
      'diverged 100%',
      'count 0',
    ]);
  });
});

describe('readouts over a rate per coordinate', () => {
  // They wrote "h_x = …" into HTML; the parts are runs now, which the readouts render h<sub>x</sub>
  // (tests/browser/axis-titles.test.ts reads the DOM), and text-only places keep "h_x".
  const rates = parseSpec({
    objective: { expr: '(x^2 + y^2)/2', preset: 'quadratic-2d', params: {} },
    x0: [1, 1],
    lrPerCoord: [0.5, 0.25],
    plane: { u: { quantity: 'lr.x', min: 0.05, max: 2.2 }, v: { quantity: 'lr.y', min: 0.05, max: 2.2 } },
    size: [16, 16],
    iterations: 100,
    transient: 50,
  });

  it('give the map the rates as h with a subscript, the value after it', () => {
    const labels = { u: quantityRuns('lr.x'), v: quantityRuns('lr.y') };
    // Pixels 8 and 3 of 16 over [0.05, 2.2]: 0.05 + 8.5 × 2.15/16 = 1.1921875, 0.05 + 3.5 × 2.15/16 = 0.5203125.
    const parts = pixelReadout(rates, [16, 16], 8, 3, labels, null, CPU);
    expect(parts).toEqual([
      [
        { text: 'h', sub: false },
        { text: 'x', sub: true },
        { text: ' = 1.192188', sub: false },
      ],
      [
        { text: 'h', sub: false },
        { text: 'y', sub: true },
        { text: ' = 0.520313', sub: false },
      ],
      '…',
    ]);
    expect(parts.map(labelText)).toEqual(['h_x = 1.192188', 'h_y = 0.520313', '…']);
  });

  it("give the diagram's column its swept rate as runs; 'h' stays a string", () => {
    const spec = parseSpec({
      kind: 'bifurcation',
      objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
      x0: [0.3],
      lrPerCoord: [1],
      plane: { u: { quantity: 'lr.x', min: 0.8, max: 1.4 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [48, 40],
      ensemble: { samples: 8, box: { min: [0.2], max: [1.6] }, keep: 64, observable: 'x', range: null },
    });
    const column = {
      column: 3,
      u: 0.8375,
      row: 1,
      value: 0.5,
      count: 2,
      diverged: 0,
      period: 1,
      outcome: Outcome.CONVERGED,
      lyapunov: NaN,
    };
    const parts = readoutParts(column, 0.97, spec);
    expect(parts[0]).toEqual([
      { text: 'h', sub: false },
      { text: 'x', sub: true },
      { text: ' = 0.8375', sub: false },
    ]);
    expect(parts.slice(1)).toEqual(['x = 0.97', 'converged', 'diverged 0%', 'count 2']);
    const lr = {
      ...spec,
      lrPerCoord: null,
      plane: { ...spec.plane, u: { ...spec.plane.u, quantity: 'lr' } },
    };
    expect(readoutParts(column, 0.97, lr)[0]).toBe('h = 0.8375');
    // The diagram's and the map's text alternatives are aria-labels: text only. Both read the rates
    // in words, as the plane panel's boxes do; they read "h_x", said "h underscore x".
    expect(diagramDescription(spec, null)).toBe(
      'Bifurcation diagram of f = (x^2 - 1)^2/4: long-run x against rate of x from 0.8 to 1.4. Computing.',
    );
    expect(mapDescription(rates, null)).toBe(
      'Basin map of f = (x^2 + y^2)/2: rate of x from 0.05 to 2.2 across, rate of y from 0.05 to 2.2 up, ' +
        '16 by 16 starts coloured by outcome. Computing.',
    );
    expect(quantityWords('lr.x1')).toBe('rate of x1');
    expect(quantityWords('lr')).toBe('h');
    expect(quantityWords('beta')).toBe('β');
    expect(quantityWords('beta', ['beta'])).toBe('beta');
  });
});
