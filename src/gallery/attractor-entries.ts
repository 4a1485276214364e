/**
 * Gallery entries drawn with the attractor view (src/core/attractor.ts): a strange attractor of GD in
 * the plane, and the long-run weights of a tiny tanh network. Their numbers are computed by
 * src/gallery/attractor-checks.ts and asserted by tests/gallery-attractor.test.ts.
 */
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { getPreset } from '../presets.ts';
import type { GalleryEntry } from './entries.ts';

const COUPLED = getPreset('coupled-wells')!;
const NETWORK = getPreset('tiny-network')!;

/** The starts of the strange-attractor entry: the in-phase quadrant, away from the anti-phase basin. */
export const STRANGE_BOX = { min: [0.3, 0.3], max: [1.2, 1.2] };

/** The coupled wells at h = 1.4 as an attractor over (x, y), 512 starts × (1000 + 4000) steps. */
export const strangeSpec: ExperimentSpec = parseSpec({
  kind: 'attractor',
  objective: { expr: COUPLED.formula, preset: COUPLED.id, params: { ...COUPLED.params } },
  lr: 1.4,
  x0: [0.75, 0.75],
  plane: { u: { ...COUPLED.view.u }, v: { ...COUPLED.view.v } },
  size: [384, 384],
  transient: 1000,
  iterations: 5000,
  classify: { maxPeriod: 16, tol: 1e-4, lyapunov: true },
  colour: { field: 'outcome', colormap: 'magma', log: false, range: null },
  ensemble: { samples: 512, box: STRANGE_BOX, keep: 4000, observable: 'x', bins: 100, range: null },
  attractor: { u: 'x', v: 'y', uRange: null, vRange: null },
});

/** The same experiment as a basin map: which starts end on the strange attractor. */
export const strangeBasins: ExperimentSpec = parseSpec({
  ...strangeSpec,
  kind: 'basin',
  size: [256, 256],
  iterations: 2000,
  transient: 1000,
  colour: { field: 'outcome', colormap: 'viridis', log: false, range: null },
});

/** Starts of the network entry: the first unit the larger (x1, x3 in [1, 1.4]; x2, x4 in [0.1, 0.4]). */
export const NETWORK_BOX = { min: [1, 0.1, 1, 0.1], max: [1.4, 0.4, 1.4, 0.4] };

const networkBase = {
  objective: { expr: NETWORK.formula, preset: NETWORK.id, params: {} },
  lr: NETWORK.lr,
  x0: [...NETWORK.x0],
  plane: { u: { ...NETWORK.view.u }, v: { ...NETWORK.view.v } },
  transient: 3000,
  iterations: 7000,
  classify: { maxPeriod: 16, tol: 1e-6, lyapunov: true },
  colour: { field: 'outcome', colormap: 'inferno', log: false, range: null },
};

/**
 * The surviving unit's hidden weight x1 against its imbalance x3 - x1 (which stretches the thin
 * attractor open) as an attractor: 256 starts × (3000 + 4000) steps.
 */
export const networkSpec: ExperimentSpec = parseSpec({
  ...networkBase,
  kind: 'attractor',
  size: [256, 256],
  ensemble: { samples: 256, box: NETWORK_BOX, keep: 4000, observable: 'x1', bins: 64, range: null },
  attractor: { u: 'x1', v: 'x3 - x1', uRange: null, vRange: null },
});

/** The long-run density of the one weight x1: its marginal, where the blobs are counted. */
export const networkDensity: ExperimentSpec = parseSpec({
  ...networkBase,
  kind: 'density',
  size: [1, 64],
  ensemble: { samples: 256, box: NETWORK_BOX, keep: 4000, observable: 'x1', bins: 64, range: null },
});

/**
 * The route there: long-run x1 against h, through period doubling to the two blobs. It starts at
 * h = 12.5: below h ≈ 12.3 the second unit is still switching off after 3000 steps, so those columns
 * are unsettled (period 2 only after tens of thousands of steps), and no h of the range converges.
 */
export const networkCascade: ExperimentSpec = parseSpec({
  ...networkBase,
  kind: 'bifurcation',
  plane: { u: { quantity: 'lr', min: 12.5, max: 16.5 }, v: { quantity: 'x1', min: 0, max: 2 } },
  size: [220, 200],
  transient: 3000,
  iterations: 3300,
  ensemble: { samples: 8, box: NETWORK_BOX, keep: 300, observable: 'x1', bins: 64, range: null },
});

export const ATTRACTOR_ENTRIES: GalleryEntry[] = [
  {
    id: 'strange-attractor',
    title: 'A strange attractor of GD in the plane',
    spec: strangeSpec,
    variants: [{ label: 'basins: which starts end on it', spec: strangeBasins }],
    paragraphs: [
      'Two double wells joined by a spring, f = ((x² - 1)² + (y² - 1)²)/4 + c(x - y)²/2 with c = 0.1, at ' +
        'h = 1.4. No minimum of f is stable at this rate (the in-phase ones need h < 0.91, the anti-phase ones ' +
        'h < 1.25), yet GD does not ' +
        'blow up: from every start in the square [0.3, 1.2]² it settles on one bounded set and wanders over it ' +
        'for ever, never repeating. The attractor view histograms the last 4000 of 5000 steps of 512 such ' +
        'starts over (x, y), on a log scale: a sheet folded onto itself, bright where the folds pile up.',
      'That set is a strange attractor: nearby trajectories separate at the rate of its largest Lyapunov ' +
        'exponent, about 0.44 per step, so any rounding is amplified e-fold every two or three steps, and float32 ' +
        'and float64 orbits from the same start part within tens of steps. What the two precisions agree on is ' +
        'the attractor itself: the picture and the exponent, averaged over the starts. Starts nearer the ' +
        'anti-phase minima end instead on a period-2 orbit around them; the basin map shows which do.',
    ],
    claim:
      'all 512 starts bounded, no period; mean λ = 0.442 per step in float64 and in float32 on the GPU, within 0.005',
  },
  {
    id: 'network-blobs',
    title: 'A network weight that settles on blobs, not a value',
    spec: networkSpec,
    variants: [
      { label: 'the weight x1 alone: its long-run density', spec: networkDensity },
      { label: 'the route: long-run x1 against h', spec: networkCascade },
    ],
    paragraphs: [
      'A one-hidden-layer network x3·tanh(x1·t) + x4·tanh(x2·t) fitted by full-batch GD to six points whose ' +
        'target has two scales (a trend 2t and a small fast wiggle), at h = 15.9: large, since the inputs are small ' +
        '(|t| ≤ 0.3). From 256 starts where the first unit is the larger, GD switches the second unit off (x2 and ' +
        'x4 decay to zero) and keeps the first moving for ever. The picture is the density of its hidden weight ' +
        'x1 (across) and of x3 - x1, how far its output weight is from it (up), over the last 4000 of 7000 steps: ' +
        'two separate, folded pieces of one strange attractor.',
      'So the weight x1 never converges: its long-run histogram (the first variant) has two blobs with an empty ' +
        'gap between them, and GD jumps from one to the other at every step while wandering chaotically within ' +
        'each, with a positive Lyapunov exponent. The second variant shows how it gets there as h grows: period ' +
        '2, 4, 8 (16 briefly), then chaos in two bands whose gap closes until they merge near h = 16.25. Kong & Tao show such blobs for a weight of a network ' +
        'trained on multiscale data; this network is a small stand-in, not theirs.',
    ],
    claim:
      'x1’s long-run histogram (64 bins): 2 blobs, the gap between them over 15% of its range; mean λ = 0.215 in float64 and float32, within 0.01; x2, x4 below 1e-50 (float64)',
  },
];
