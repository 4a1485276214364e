/**
 * The gallery: every phenomenon of the seed text as a saved spec plus two honest paragraphs. Each
 * entry's numbers are computed by src/gallery/checks.ts and asserted by tests/gallery.test.ts, so the
 * text cannot drift from what gdlab computes. Where the seed and ../shared/seed/NOTES.md disagree,
 * the entry follows the notes and says so, in words a reader of the lab can check (no file names:
 * tests/lab-setup.test.ts keeps internal words out of every text shown).
 */
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { ATTRACTOR_ENTRIES } from './attractor-entries.ts';
import { OPTIMIZER_ENTRIES } from './optimizer-entries.ts';

/** Trajectories the inspector compares for an entry: one start, several learning rates. */
export interface GalleryTrajectories {
  x0: number[];
  lrs: number[];
  iterations: number;
}

export interface GalleryEntry {
  id: string;
  title: string;
  /** The picture: a basin map, bifurcation diagram, density or attractor, opened in one click. */
  spec: ExperimentSpec;
  /** Trajectories to open in the inspector beside the picture. */
  trajectories?: GalleryTrajectories;
  /** Further views of the same entry (windows, zooms), each a complete spec. */
  variants?: { label: string; spec: ExperimentSpec }[];
  /** What it shows, then what to be careful about. */
  paragraphs: [string, string];
  /** The numbers the entry claims, in one line; checked by tests/gallery.test.ts. */
  claim: string;
}

const MF = '(1 - x*y)^2/2';
const EOS = '(x^2*y^2 - 1)^2/4';
const MULTISCALE = 'x^2/2 + A*eps*sin(x/eps)';

function basin(over: Record<string, unknown>): ExperimentSpec {
  return parseSpec({ kind: 'basin', ...over });
}

/** Learning rates where mf-scalar's attracting orbits have period 2, 4, 3 and 4 (float64, NOTES.md). */
export const MF_WINDOWS: { lr: number; period: number }[] = [
  { lr: 1.1, period: 2 },
  { lr: 1.25, period: 4 },
  { lr: 1.455, period: 3 },
  { lr: 1.835, period: 4 },
];

const mfSpec = (lr: number) =>
  basin({
    objective: { expr: MF, preset: 'mf-scalar', params: {} },
    lr,
    x0: [0, 0],
    plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
    size: [256, 256],
    iterations: 3000,
    transient: 2000,
    classify: { maxPeriod: 16, tol: 1e-4 },
    colour: { field: 'outcome', colormap: 'viridis', log: false, range: null },
  });

/** Long-run x against h for starts near the diagonal, where mf-scalar's attracting orbits live. */
export const mfBifurcation = parseSpec({
  kind: 'bifurcation',
  objective: { expr: MF, preset: 'mf-scalar', params: {} },
  lr: 1.5,
  x0: [0.3, 0.3],
  plane: { u: { quantity: 'lr', min: 1.0, max: 1.95 }, v: { quantity: 'x', min: -2, max: 2 } },
  size: [380, 240],
  iterations: 2200,
  transient: 2000,
  classify: { maxPeriod: 16, tol: 1e-4 },
  colour: { field: 'outcome', colormap: 'viridis', log: true, range: null },
  ensemble: {
    samples: 8,
    box: { min: [0.25, 0.3], max: [0.35, 0.4] },
    keep: 200,
    observable: 'x',
    bins: 240,
    range: null,
  },
});

/** Start of the balancing entry: close to the unbalanced minimizer (4, 1/4). */
export const BALANCE_START = [4, 0.26];
/** Start of the edge-of-stability entry: far from balance, with small sharpness. */
export const EOS_START = [4, 0.05];
/** Start and window of the fractal trainability boundary, and the point the zooms close in on. */
export const FRACTAL_START = [1.2, 0.6];
export const FRACTAL_CENTRE = [1.0, 1.015625];

const fractalSpec = (halfWidth: number) =>
  basin({
    objective: { expr: EOS, preset: 'eos-minimal', params: {} },
    lr: 1,
    x0: FRACTAL_START,
    plane: {
      u: { quantity: 'lr.x', min: FRACTAL_CENTRE[0] - halfWidth, max: FRACTAL_CENTRE[0] + halfWidth },
      v: { quantity: 'lr.y', min: FRACTAL_CENTRE[1] - halfWidth, max: FRACTAL_CENTRE[1] + halfWidth },
    },
    size: [512, 512],
    iterations: 500,
    transient: 400,
    classify: { lyapunov: false },
    colour: { field: 'escape', colormap: 'magma', log: true, range: null },
  });

export const GALLERY: GalleryEntry[] = [
  {
    id: 'regimes',
    title: 'Regimes of x²/2: monotone, oscillating, blow-up',
    spec: basin({
      objective: { expr: 'x^2/2', preset: 'quadratic', params: {} },
      lr: 0.5,
      x0: [1],
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'lr', min: 0.05, max: 2.3 } },
      size: [256, 256],
      iterations: 400,
      transient: 200,
      colour: { field: 'outcome', colormap: 'viridis', log: false, range: null },
    }),
    trajectories: { x0: [1], lrs: [0.1, 0.4, 1.2, 2.1], iterations: 24 },
    paragraphs: [
      'On f = x²/2 (L = 1) GD is x_k = (1 - h)^k x₀. For h < 1 the iterates approach the minimum monotonically, ' +
        'close to gradient flow when h is small; for 1 < h < 2 they flip sign every step while f(x_k) still ' +
        'decreases; for h > 2 they blow up. The map shows it over starts and learning rates: below h = 2 the starts ' +
        'converge (just below 2 so slowly that 400 steps do not settle them: not settled), above 2 they diverge, ' +
        'sooner the larger h (just above 2 still growing inside the radius: escaping).',
      'Against GD at a fixed time T = k·h, gradient flow errs by O(h), the order-1 modified equation ' +
        '(the gradient flow of f + (h/4)|∇f|²) by O(h²) and the order-2 equation by O(h³): halving h divides ' +
        'the errors by about 2, 4 and 8. That holds only while the series in h converges (h < 1 here); for ' +
        '1 < h < 2 no real one-dimensional flow produces the sign flips, whatever the order. The table below ' +
        'gives the errors; the inspector draws GD against the three flows at four rates.',
    ],
    claim: 'error ratios at T = 2.4 when h halves from 0.1: about 2, 4, 8 for orders 0, 1, 2 (float64)',
  },
  {
    id: 'mf-periodic',
    title: 'Periodic orbits of (1 - xy)²/2, and what really happens at h = 1.9',
    spec: mfSpec(1.9),
    variants: [
      { label: 'bifurcation diagram near the diagonal', spec: mfBifurcation },
      ...MF_WINDOWS.map((w) => ({ label: `h = ${w.lr}: period ${w.period}`, spec: mfSpec(w.lr) })),
    ],
    paragraphs: [
      'Tao’s blog post says GD on (1 - xy)²/2 with h = 1.9 converges to orbits of period 2, 3 and 4 depending ' +
        'on the start. In float64 it does not: at h = 1.9 almost every start diverges or ends on a chaotic orbit, ' +
        'and no start in the map settles on a period (the few cream pixels start exactly on the antidiagonal ' +
        'x = -y, the stable direction of the saddle at 0, and converge to that saddle), so this entry shows what ' +
        'does happen.',
      'Attracting orbits live on the diagonal x = y, where GD is the cubic map u ↦ u + h·u(1 - u²) (GD on the ' +
        'double well). gdlab’s bifurcation diagram of that diagonal finds the windows: period 2 for 1 < h < 1.236, ' +
        'period 4 after the next doubling, a period-3 window near h = 1.455 and period 4 again near h = 1.835. ' +
        'The variants show the basin maps at those rates, coloured by period.',
    ],
    claim: 'h = 1.9: no periodic start; h = 1.1, 1.25, 1.455, 1.835: periods 2, 4, 3, 4 attract (float64)',
  },
  {
    id: 'gibbs',
    title: 'Chaos samples the Gibbs distribution (Kong & Tao)',
    spec: parseSpec({
      kind: 'density',
      objective: { expr: MULTISCALE, preset: 'multiscale', params: { A: 1, eps: 0.001 } },
      lr: 0.1,
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 0.05, max: 0.15 }, v: { quantity: 'x', min: -0.64, max: 0.64 } },
      size: [1, 60],
      iterations: 3000,
      transient: 1000,
      classify: { lyapunov: true },
      ensemble: {
        samples: 256,
        box: { min: [-1], max: [1] },
        keep: 2000,
        observable: 'x',
        bins: 60,
        range: [-0.64, 0.64],
      },
    }),
    paragraphs: [
      'f = x²/2 + A·ε·sin(x/ε) with ε = 0.001 has a spurious local minimum every 2πε. With h ≫ ε the ' +
        'microscopic gradient A·cos(x/ε) acts like noise of variance A²/2, and the long-run iterates of many ' +
        'trajectories are distributed close to Z⁻¹exp(-f₀/T) with f₀ = x²/2 and T = h·A²/4, although GD is ' +
        'deterministic. The density view histograms the iterates on the GPU and draws the prediction.',
      'The prediction is first order in h: for quadratic f₀ the exact stationary variance is hσ²/(2 - h), ' +
        'not T, so the L1 distance does not vanish; it is bounded by the distance between the two Gaussians ' +
        'plus the histogram’s sampling error: the bound the line above states.',
    ],
    claim:
      'L1(histogram, Gibbs) below L1(exact stationary Gaussian, Gibbs) + 0.03 at h = 0.1, in float64 and in ' +
      'float32 on the GPU',
  },
  {
    id: 'escape',
    title: 'Escape from local minima without noise',
    spec: basin({
      objective: { expr: MULTISCALE, preset: 'multiscale', params: { A: 1, eps: 0.01 } },
      lr: 0.1,
      x0: [0],
      plane: { u: { quantity: 'lr', min: 0.0005, max: 0.3 }, v: { quantity: 'x', min: -0.9, max: 0.9 } },
      size: [256, 192],
      iterations: 3000,
      transient: 2000,
      classify: { lyapunov: true },
      colour: { field: 'final0', colormap: 'cividis', log: false, range: [-0.9, 0.9] },
    }),
    paragraphs: [
      'The same multiscale objective (ε = 0.01) as a map over the learning rate (horizontal) and the start ' +
        '(vertical), coloured by where GD is after 3000 steps. With h well below ε the colour repeats the start: ' +
        'GD stops in the spurious local minimum next to where it began, like gradient flow.',
      'Beyond h ≈ 0.02 (where h·f″ exceeds 2 on the sharpest microscopic minima, f″ ≈ 1 + A/ε near x = 0) GD ' +
        'can no longer rest in those wells and the colours start to mix; but the wells flatten away from 0 ' +
        '(f″ = 1 + (A/ε)√(1 - x²/A²), 45 at |x| = 0.9), and up to h ≈ 0.065 some starts far out stay caught in ' +
        'one, converging, oscillating or moving chaotically inside it. Beyond, GD resolves no well: it jumps out ' +
        'of them all and wanders around the macroscopic minimum x = 0 with a spread of about √T. The final state of a chaotic orbit is one sample of that distribution, not a ' +
        'limit; in float32 it decorrelates from the float64 one within tens of steps.',
    ],
    claim:
      'h < 0.01 stays within 2πε of its start; for 0.025 < h < 0.05 a start still ends beyond |x| = 0.5; ' +
      'h > 0.07 ends within 4√T of 0; for h > 0.2 the pooled rms is √T within 20% (float64)',
  },
  {
    id: 'balancing',
    title: 'Balancing: large learning rates prefer flat minima (Wang et al.)',
    spec: basin({
      objective: { expr: MF, preset: 'mf-scalar', params: {} },
      lr: 0.19,
      x0: BALANCE_START,
      plane: { u: { quantity: 'lr', min: 0.05, max: 0.26 }, v: { quantity: 'x', min: 3.5, max: 4.5 } },
      size: [256, 128],
      iterations: 20000,
      transient: 19000,
      classify: { lyapunov: false, tol: 1e-5 },
      observables: ['abs(x - y)'],
      colour: { field: 'obs0', colormap: 'viridis', log: false, range: [0, 4] },
    }),
    trajectories: { x0: BALANCE_START, lrs: [0.1, 0.15, 0.19, 0.24], iterations: 4000 },
    paragraphs: [
      'Start near the unbalanced minimizer (4, 1/4) of (1 - xy)²/2, where the sharpness is L ≈ 16. Small h ' +
        'simply converges nearby. For h in (2/L, 4/L) GD cannot stay: each step multiplies x² - y² by 1 - h²r² ' +
        '(r = xy - 1), so it travels along the valley to a flatter, more balanced minimizer. The map shows ' +
        '|x∞ - y∞| over h and the start; the inspector shows four trajectories.',
      'The limit obeys |x∞ - y∞| ≤ √(2/h - 2), since a minimizer is stable only when h(x² + y²) < 2. The ' +
        'balance improves with h across most of the window (from 3.75 below 2/L to about 0.4 at h = 0.19), but ' +
        'not monotonically near 4/L, where GD wanders before it lands; beyond 4/L it diverges.',
    ],
    claim: '|x∞ - y∞| ≤ √(2/h - 2) for every convergent h; 3.75 below 2/L, < 0.5 at h = 0.19 (float64)',
  },
  {
    id: 'edge-of-stability',
    title: 'Edge of stability on ¼(x²y² - 1)²',
    spec: basin({
      objective: { expr: EOS, preset: 'eos-minimal', params: {} },
      lr: 0.1,
      x0: EOS_START,
      plane: { u: { quantity: 'lr', min: 0.03, max: 0.15 }, v: { quantity: 'x', min: 3, max: 5 } },
      size: [256, 128],
      iterations: 4000,
      transient: 3000,
      classify: { lyapunov: false },
      colour: { field: 'sharpness', colormap: 'turbo', log: true, range: null },
    }),
    trajectories: { x0: EOS_START, lrs: [0.04, 0.07, 0.1, 0.13], iterations: 4000 },
    paragraphs: [
      'From (4, 0.05), far from balance and with small sharpness, gradient flow would end where x² - y² is ' +
        'unchanged, at sharpness 2√((x₀² - y₀²)² + 4) ≈ 32.2. When 2/h is above that (h = 0.04), GD ends there ' +
        'too. When it is below (h = 0.07, 0.1, 0.13), the sharpness first rises past 2/h, GD oscillates, and ' +
        'x² - y² shrinks until the sharpness settles just under 2/h, where it stays.',
      'The inspector draws the sharpness against the 2/h line. The map colours the final sharpness over h and ' +
        'the start x₀: wherever GD converges it is 2/h where that is below the flow’s limit for the start, and ' +
        'that limit elsewhere, within 1%: the colour follows 2/h, not the start. The upper right is grey: there ' +
        'the first oscillations throw GD out and it diverges, from h ≈ 0.08 at x₀ = 5 to h ≈ 0.15 at x₀ = 3.75 ' +
        '(from the entry’s start, from h = 0.1302 on, just past its largest rate).',
    ],
    claim:
      'final sharpness within 1% below 2/h for h = 0.07, 0.1, 0.13; ≈ 32.2 for h = 0.04; on the map, within 1% of ' +
      'min(2/h, flow limit) wherever GD converges, divergence only for h > 0.08 (float64)',
  },
  {
    id: 'fractal',
    title: 'The boundary of trainability is fractal',
    spec: fractalSpec(1),
    variants: [
      { label: 'zoom ×10', spec: fractalSpec(0.1) },
      { label: 'zoom ×100', spec: fractalSpec(0.01) },
    ],
    paragraphs: [
      'A map over a learning rate per coordinate, that of x across and that of y up, for ¼(x²y² - 1)² from ' +
        '(1.2, 0.6), coloured by the ' +
        'step at which GD diverges (log scale: black within a few steps, bright late; grey: bounded for all 500 ' +
        'steps). The boundary between trainable and untrainable ' +
        'rates is not a curve: zooming ×10 and ×100 about one boundary point shows new structure each time, as ' +
        'in Sohl-Dickstein’s “The boundary of neural network trainability is fractal”.',
      'gdlab measures the box-counting dimension of the boundary (boundary cells at two resolutions of the ' +
        'same window) at every zoom level: a smooth boundary gives 1, this one about 1.7. Finite iterations ' +
        'blur the finest scales: a trajectory that escapes after step 500 counts as bounded.',
    ],
    claim: 'box-counting dimension of the boundary > 1.3 at zoom ×1, ×10 and ×100 (float64)',
  },
  ...ATTRACTOR_ENTRIES,
  // Optimizers beyond plain GD (optimizer-entries.ts).
  ...OPTIMIZER_ENTRIES,
];

export function getGalleryEntry(id: string): GalleryEntry | undefined {
  return GALLERY.find((e) => e.id === id);
}
