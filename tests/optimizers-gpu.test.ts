/**
 * The optimizers on the WGSL engine (Dawn/SwiftShader) against the float64 reference, as the GD maps
 * are held: outcomes pixel by pixel (a disagreement must sit on a basin boundary or on an orbit that
 * is chaotic or marginal), final values, exponents, the (h, β) plane, and an ensemble. Small grids:
 * two shared cores.
 */
import { describe, expect, test } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { type RecordColumns } from '../src/core/records.ts';
import { runEnsembleSpec } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/optimizer/rules.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { runGrid } from '../src/reference/grid.ts';
import { withDevice } from './helpers/gpu.ts';

/** Pixels whose outcome differs with no explanation (not on a boundary, not chaotic or marginal). */
function unexplained(ref: RecordColumns, gpu: RecordColumns): { agree: number; bad: string[] } {
  const { width: W, height: H } = ref;
  let agree = 0;
  const bad: string[] = [];
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const k = j * W + i;
      if (ref.outcome[k] === gpu.outcome[k] && ref.period[k] === gpu.period[k]) {
        agree++;
        continue;
      }
      let boundary = false;
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          const jj = j + dj;
          if (ii >= 0 && jj >= 0 && ii < W && jj < H && ref.outcome[jj * W + ii] !== ref.outcome[k])
            boundary = true;
        }
      const marginal = ref.outcome[k] === Outcome.CHAOTIC || ref.lyapunov[k] > -0.01;
      if (!boundary && !marginal)
        bad.push(
          `(${i}, ${j}): ref ${ref.outcome[k]}/${ref.period[k]} gpu ${gpu.outcome[k]}/${gpu.period[k]}`,
        );
    }
  return { agree: agree / (W * H), bad };
}

const opt = (over: Partial<OptimizerSettings>): OptimizerSettings => ({ ...DEFAULT_OPTIMIZER, ...over });

const mapSpec = (optimizer: OptimizerSettings, over: Record<string, unknown> = {}): ExperimentSpec =>
  parseSpec({
    objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
    optimizer,
    lr: 0.5,
    x0: [0, 0],
    plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
    size: [32, 32],
    iterations: 300,
    transient: 200,
    ...over,
  });

async function both(engine: GpuBasinEngine, spec: ExperimentSpec) {
  const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
  const ref = runGrid(spec, obj).columns;
  const result = await engine.runBasin(spec);
  const gpu = await result.readAll();
  result.dispose();
  return { ref, gpu };
}

describe('optimizers on the GPU against float64', () => {
  test('momentum, Nesterov, RMSProp, Adam (with and without bias correction) on mf-scalar', async () => {
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, compileObjective, { adapterName: 'SwiftShader' });
      for (const o of [
        opt({ kind: 'momentum', beta: 0.5 }),
        opt({ kind: 'nesterov', beta: 0.5 }),
        opt({ kind: 'rmsprop', beta2: 0.9 }),
        opt({ kind: 'adam', beta2: 0.99 }),
        opt({ kind: 'adam', biasCorrection: false, beta2: 0.99 }),
      ]) {
        const { ref, gpu } = await both(engine, mapSpec(o));
        const r = unexplained(ref, gpu);
        expect(r.bad, o.kind).toEqual([]);
        // RMSProp at this rate is chaotic over most of the plane (λ ≈ 0.3 in float64): f32 and f64
        // orbits part within tens of steps, and only the explained disagreements above are allowed.
        expect(r.agree, o.kind).toBeGreaterThan(o.kind === 'rmsprop' ? 0.6 : 0.9);
        // Where both converged, to the same point with the same exponent, f32 against f64. On the
        // valley of minima xy = 1 that exponent is ≈ 0 (the valley is a neutral direction of every
        // optimizer's map), and with the tangent's warm-up (rule 4) both engines see it: measured on
        // this plane, |Δλ| ≤ 5.4e-4 and |Δx| ≤ 2.7e-4 for every optimizer here (Adam the largest).
        let checked = 0;
        for (let k = 0; k < ref.outcome.length; k++)
          if (ref.outcome[k] === Outcome.CONVERGED && gpu.outcome[k] === Outcome.CONVERGED) {
            expect(Math.abs(gpu.final0[k] - ref.final0[k]), o.kind).toBeLessThan(1e-3);
            expect(Math.abs(gpu.lyapunov[k] - ref.lyapunov[k]), o.kind).toBeLessThan(1e-2);
            checked++;
          }
        // (RMSProp has none here: at a minimum s → 0 and its gain h/(√s + ε) grows without bound.)
        if (o.kind !== 'rmsprop') expect(checked, o.kind).toBeGreaterThan(0);
      }
      engine.dispose();
    });
  });

  test('heavy ball over (h, β) on x²/2: the same boundary h = 2(1 + β), exponents within f32', async () => {
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, compileObjective, { adapterName: 'SwiftShader' });
      const spec = parseSpec({
        objective: { expr: 'x^2/2', preset: null, params: {} },
        optimizer: opt({ kind: 'momentum' }),
        lr: 1,
        x0: [0.5],
        plane: { u: { quantity: 'lr', min: 0.1, max: 4 }, v: { quantity: 'beta', min: 0, max: 1 } },
        size: [40, 20],
        iterations: 400,
        transient: 200,
      });
      const { ref, gpu } = await both(engine, spec);
      const W = 40;
      for (let j = 0; j < 20; j++) {
        const beta = (j + 0.5) / 20;
        for (let i = 0; i < W; i++) {
          const h = 0.1 + ((i + 0.5) * 3.9) / W;
          const k = j * W + i;
          // Off the boundary both engines say what Polyak's condition says.
          if (Math.abs(h - 2 * (1 + beta)) < 0.15) continue;
          const want = h < 2 * (1 + beta);
          expect(ref.outcome[k] !== Outcome.DIVERGED, `ref h=${h} β=${beta}`).toBe(want);
          if (gpu.outcome[k] !== ref.outcome[k])
            expect(ref.lyapunov[k], `gpu h=${h} β=${beta}`).toBeGreaterThan(-0.01);
          if (ref.outcome[k] === Outcome.CONVERGED && gpu.outcome[k] === Outcome.CONVERGED)
            expect(Math.abs(gpu.lyapunov[k] - ref.lyapunov[k])).toBeLessThan(2e-3);
        }
      }
      engine.dispose();
    });
  });

  test('an Adam bifurcation diagram: per-column divergence and period as in float64', async () => {
    await withDevice(async (device) => {
      const spec = parseSpec({
        kind: 'bifurcation',
        objective: { expr: 'x^2/2', preset: null, params: {} },
        optimizer: opt({ kind: 'adam', beta2: 0.99 }),
        lr: 0.5,
        x0: [1],
        plane: { u: { quantity: 'lr', min: 0.05, max: 2 }, v: { quantity: 'x', min: -2, max: 2 } },
        size: [16, 40],
        transient: 300,
        classify: { maxPeriod: 16, tol: 1e-3, lyapunov: true },
        ensemble: {
          samples: 4,
          box: { min: [-1], max: [1] },
          keep: 100,
          observable: 'x',
          bins: 40,
          range: [-3, 3],
        },
      });
      const engine = new GpuEnsembleEngine(device, { adapter: 'SwiftShader' });
      const gpu = await runEnsembleSpec(engine, spec);
      const { objective, plan } = prepareEnsemble(spec);
      const ref = await runEnsembleCpu(spec, objective, plan);
      expect(Array.from(gpu.stats.diverged)).toEqual(Array.from(ref.stats.diverged));
      let same = 0;
      for (let c = 0; c < 16; c++) if (gpu.stats.period[c] === ref.stats.period[c]) same++;
      expect(same).toBeGreaterThanOrEqual(14);
      // Every bounded sample counted once per kept step on both engines.
      const total = (r: typeof gpu) =>
        r.density.reduce((a, b) => a + b, 0) + r.outside.reduce((a, b) => a + b, 0);
      expect(total(gpu)).toBe(total(ref));
      engine.dispose();
    });
  });
});
