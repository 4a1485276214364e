/**
 * Presets from the seed text (../shared/seed/large-learning-rates.md), with the corrections of
 * ../shared/seed/NOTES.md where the two disagree. Every number quoted in an explanation was checked in
 * float64 (the regime boundaries of the cubic map, the stationary variance of the multiscale map).
 */
import type { AxisRange } from './experiment/spec.ts';

/** A named objective with everything the lab needs to open it on a sensible experiment. */
export interface Preset {
  /** Stable id, used by the CLI (`--objective ID`) and stored in specs. */
  readonly id: string;
  readonly title: string;
  /** The objective in the gdlab language. */
  readonly formula: string;
  /** Variables in state order (what compileObjective decides for `formula`). */
  readonly vars: readonly string[];
  /** Default parameter values. */
  readonly params: Readonly<Record<string, number>>;
  /** Default start (length = number of variables). */
  readonly x0: readonly number[];
  /** Default learning rate. */
  readonly lr: number;
  /** Range of learning rates worth exploring, [min, max]. */
  readonly lrRange: readonly [number, number];
  /** Suggested basin-map plane: the two swept quantities and their ranges. */
  readonly view: { readonly u: AxisRange; readonly v: AxisRange };
  /** One paragraph: what to look for, honestly (NOTES.md wins over the text). */
  readonly explanation: string;
  /** Where it comes from. */
  readonly citation: string;
  /** Multiscale presets: the macroscopic part f₀ of f = f₀ + f₁ (an expression in the same variables). */
  readonly f0?: string;
  /** Multiscale presets: the effective temperature T(h) of the Gibbs prediction Z⁻¹exp(-f₀/T). */
  readonly temperature?: (h: number, params: Readonly<Record<string, number>>) => number;
}

const SEED =
  'Molei Tao, blog post on large learning rates, 2022 (gdlab seed text, shared/seed/large-learning-rates.md)';
const HAIRER =
  'E. Hairer, C. Lubich, G. Wanner, Geometric Numerical Integration, Springer 2006; Q. Li, C. Tai, W. E, Stochastic modified equations and dynamics of stochastic gradient algorithms I, JMLR 2019';
const WANG =
  'Y. Wang, M. Chen, T. Zhao, M. Tao, Large Learning Rate Tames Homogeneity: Convergence and Balancing Effect, ICLR 2022';
// The seed's reference list misspells the first author as "Kao"; the paper is by Lingkai Kong.
const KONG =
  'L. Kong, M. Tao, Stochasticity of Deterministic Gradient Descent: Large Learning Rate for Multiscale Objective Function, NeurIPS 2020';
const COHEN =
  'J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar, Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability, ICLR 2021';

/** T = h·A²/4: f₁' = A cos(x/ε) acts like noise of variance A²/2 (NOTES.md, Multiscale objectives). */
function multiscaleTemperature(h: number, params: Readonly<Record<string, number>>): number {
  const A = params.A ?? 0;
  return (h * A * A) / 4;
}

const range = (quantity: string, min: number, max: number): AxisRange => ({ quantity, min, max });

/**
 * The tiny network's data: six inputs and a target with two scales, a linear trend 2t and a small
 * fast wiggle 0.05·sin(25t), rounded to four decimals. The network is x3·tanh(x1·t) + x4·tanh(x2·t)
 * (two tanh units, no biases) and the loss the mean squared error / 2, written out with the data
 * as constants, as a user would type it.
 */
export const NETWORK_DATA = {
  t: [-0.3, -0.2, -0.1, 0.1, 0.2, 0.3],
  y: [-0.6469, -0.3521, -0.2299, 0.2299, 0.3521, 0.6469],
} as const;

function networkFormula(): string {
  const { t, y } = NETWORK_DATA;
  const terms = t.map((ti, i) => `(x3*tanh(${ti}*x1) + x4*tanh(${ti}*x2) - (${y[i]}))^2`);
  return `(${terms.join(' + ')})/${2 * t.length}`;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'quadratic',
    title: 'Quadratic x²/2',
    formula: 'x^2/2',
    vars: ['x'],
    params: {},
    x0: [1],
    lr: 1.5,
    lrRange: [0.05, 2.2],
    view: { u: range('x', -2, 2), v: range('lr', 0.05, 2.2) },
    explanation:
      'GD on x²/2 is x_k = (1 - h)^k x₀ exactly: monotone convergence for h < 1, convergence with sign flips for 1 < h < 2, divergence for h > 2 (L = 1). Gradient flow is accurate for small h, the modified equations of order 1 and 2 for medium h (their error at a fixed time shrinks by about 4 and 8 when h halves), but the series ln(1-h)/h = -(1 + h/2 + h²/3 + …) converges only for h < 1: for 1 < h < 2 no real one-dimensional flow produces the sign flips, whatever the order.',
    citation: `${SEED}; ${HAIRER}`,
  },
  {
    id: 'quadratic-2d',
    title: 'Quadratic (x² + y²)/2',
    formula: '(x^2 + y^2)/2',
    vars: ['x', 'y'],
    params: {},
    x0: [1, 1],
    lr: 1.5,
    lrRange: [0.05, 2.2],
    view: { u: range('lr.x', 0.05, 2.2), v: range('lr.y', 0.05, 2.2) },
    explanation:
      'Two uncoupled copies of x²/2: each coordinate converges for its own rate below 2 (with sign flips above 1) and diverges above 2. Sweeping the two per-coordinate rates shows the stability region as the square (0, 2)², the simplest picture of the 2/L threshold.',
    citation: SEED,
  },
  {
    id: 'double-well',
    title: 'Double well (x² - 1)²/4',
    formula: '(x^2 - 1)^2/4',
    vars: ['x'],
    params: {},
    x0: [0.3],
    lr: 1.25,
    lrRange: [0.5, 2.2],
    view: { u: range('x', -2, 2), v: range('lr', 0.5, 2.2) },
    explanation:
      "GD is the cubic map x ↦ x + h x (1 - x²). The minima ±1 have curvature 2, so they attract for h < 1; beyond, a period-doubling cascade (period 2 up to h = √5 - 1 ≈ 1.236, period 4 up to about 1.288, chaos from about 1.30, with windows such as period 3 near h ≈ 1.451–1.461) until bounded orbits are lost for h > 2. It is also GD on the diagonal x = y of the scalar matrix factorization (1 - xy)²/2, where that objective's attracting orbits live.",
    citation: `${SEED}; ${WANG}`,
  },
  {
    id: 'mf-scalar',
    title: 'Scalar matrix factorization (1 - xy)²/2',
    formula: '(1 - x*y)^2/2',
    vars: ['x', 'y'],
    params: {},
    // Unbalanced (x/y = 6) and not a critical point: (0, 0), the saddle, left a trajectory where it began.
    x0: [1.8, 0.3],
    lr: 0.9,
    lrRange: [0.1, 2.0],
    view: { u: range('x', -3, 3), v: range('y', -3, 3) },
    explanation:
      'The minimizers xy = 1 have Hessian eigenvalues 0 and x² + y², so only balanced ones (h(x² + y²) < 2) are stable: each GD step multiplies x² - y² by 1 - h²r² (r = xy - 1), which drives GD toward |x - y| ≤ √(2/h - 2): from the start (1.8, 0.3) at h = 0.9, GD ends at the balanced minimizer (0.99, 1.01), where gradient flow, which keeps x² - y², ends at (1.85, 0.54), a minimizer too sharp for that h. For h > 1 no minimizer is stable. Tao’s blog post says h = 1.9 gives orbits of period 2, 3 and 4; in float64 that does not hold: at h = 1.9 almost every start diverges or ends chaotic. Attracting orbits lie on the diagonal, where GD is the double-well map: period 2 for 1 < h < 1.236, period 4 near h = 1.25, period 3 near h = 1.455.',
    citation: `${WANG}; seed text, corrected by shared/seed/NOTES.md`,
  },
  {
    id: 'mf-matrix',
    title: 'Matrix factorization ½‖A - XYᵀ‖², n = 2, d = 1',
    formula: '((a11 - x1*x3)^2 + (a12 - x1*x4)^2 + (a21 - x2*x3)^2 + (a22 - x2*x4)^2)/2',
    vars: ['x1', 'x2', 'x3', 'x4'],
    params: { a11: 1, a12: 0, a21: 0, a22: 0.5 },
    x0: [2, 0.1, 0.4, 0.1],
    lr: 0.5,
    lrRange: [0.05, 1.5],
    view: { u: range('x1', -3, 3), v: range('x3', -3, 3) },
    explanation:
      'X = (x1, x2)ᵀ and Y = (x3, x4)ᵀ are 2 × 1, so XYᵀ is the best rank-1 approximation problem of the 2 × 2 matrix A = [[a11, a12], [a21, a22]], by default diag(1, 0.5): the minimum is 0.125 (the σ₂²/2 a rank-1 factor cannot fit), attained on the curve X = c·e₁, Y = e₁/c. As for the scalar case, (X, Y) ↦ (cX, Y/c) leaves f unchanged, unbalanced minimizers are sharp, and large learning rates make GD pick balanced (flat) ones. The default start is unbalanced (‖X‖ ≈ 2, ‖Y‖ ≈ 0.41).',
    citation: WANG,
  },
  {
    id: 'eos-minimal',
    title: 'Edge of stability, minimal: ¼(x²y² - 1)²',
    formula: '(x^2*y^2 - 1)^2/4',
    vars: ['x', 'y'],
    params: {},
    x0: [0.3, 4],
    lr: 0.08,
    lrRange: [0.01, 0.2],
    view: { u: range('x', -2, 2), v: range('y', -5, 5) },
    explanation:
      'The sharpness at a minimizer (x²y² = 1) is 2(x² + y²). Gradient flow from (0.3, 4) conserves x² - y² and would end at sharpness ≈ 32; GD with h = 0.08 cannot stay where the sharpness exceeds 2/h = 25, so it shrinks x² - y² instead and settles just under 25 (at 24.96 in float64, within 10⁴ steps): the sharpness hovers at the edge of stability 2/h (Cohen et al. write η for h).',
    citation: `${COHEN}; ${WANG}`,
  },
  {
    id: 'coupled-wells',
    title: 'Coupled double wells ((x² - 1)² + (y² - 1)²)/4 + c(x - y)²/2',
    formula: '((x^2 - 1)^2 + (y^2 - 1)^2)/4 + c*(x - y)^2/2',
    vars: ['x', 'y'],
    params: { c: 0.1 },
    x0: [0.75, 0.75],
    lr: 1.4,
    lrRange: [0.5, 2.0],
    view: { u: range('x', -1.6, 1.6), v: range('y', -1.6, 1.6) },
    explanation:
      'Two double wells, each GD step the cubic map of the double-well preset, joined by a spring of stiffness c. The in-phase minima (1, 1) and (-1, -1) have curvatures 2 and 2 + 2c, so they repel for h > 2/(2 + 2c) (0.91 at c = 0.1); the anti-phase minima ±(a, -a), a² = 1 - 2c, have curvatures 2 - 6c and 2 - 4c and attract for h < 2/(2 - 4c) (1.25). At c = 0.1 and h = 1.4 starts near the in-phase diagonal end on a strange attractor in the plane, a folded sheet with a positive Lyapunov exponent (about 0.44, in float64 and in float32), while the others settle on a period-2 orbit around the anti-phase minima: the attractor view draws the first.',
    citation: `${SEED}; ${KONG}`,
  },
  {
    id: 'multiscale',
    title: 'Multiscale quadratic x²/2 + A·ε·sin(x/ε)',
    formula: 'x^2/2 + A*eps*sin(x/eps)',
    vars: ['x'],
    params: { A: 1, eps: 0.01 },
    x0: [0.7],
    lr: 0.5,
    lrRange: [0.001, 1.0],
    view: { u: range('x', -2, 2), v: range('lr', 0.001, 1.0) },
    explanation:
      'A multiscale objective in the spirit of Kong & Tao (not one of their functions): f₀ = x²/2 plus a fast oscillation of amplitude Aε whose gradient A cos(x/ε) is of size A. With h ≪ ε GD stops in a spurious local minimum near its start; with ε ≪ h the oscillation acts like noise of variance A²/2 and the iterates sample a distribution close to the Gibbs density ∝ exp(-f₀/T), T = hA²/4. For this quadratic f₀ the exact stationary variance is hA²/(2(2 - h)) (0.167 at h = 0.5, A = 1, against T = 0.125): the Gibbs prediction has an O(h) bias. At h = 0.5 the shape differs too: each step halves x and adds a bounded kick -hA·cos(x/ε), so the histogram is flat-topped within |x| < A (kurtosis 2.1 against a Gaussian’s 3) and its L1 distance to Gibbs is about 0.3; at h = 0.1 with ε = 0.001 (the gallery’s) it is about 0.05.',
    citation: KONG,
    f0: 'x^2/2',
    temperature: multiscaleTemperature,
  },
  {
    id: 'multiscale-double-well',
    title: 'Multiscale double well (x² - 1)²/4 + A·ε·sin(x/ε)',
    formula: '(x^2 - 1)^2/4 + A*eps*sin(x/eps)',
    vars: ['x'],
    params: { A: 1, eps: 0.01 },
    x0: [0.9],
    lr: 0.5,
    lrRange: [0.001, 1.0],
    view: { u: range('x', -2, 2), v: range('lr', 0.001, 1.0) },
    explanation:
      'The double well with the same fast oscillation. At small h GD is trapped in whichever tiny local minimum is nearest; at h ≫ ε it hops between the two wells, and its long-run histogram approaches the Gibbs density ∝ exp(-f₀/T) with f₀ = (x² - 1)²/4 and T = hA²/4 (barrier f₀(0) = 0.25 against T = 0.125 at the defaults): escape from local minima without any stochastic gradient.',
    citation: KONG,
    f0: '(x^2 - 1)^2/4',
    temperature: multiscaleTemperature,
  },
  {
    id: 'tiny-network',
    title: 'Tiny tanh network: two units fitted to six points',
    formula: networkFormula(),
    vars: ['x1', 'x2', 'x3', 'x4'],
    params: {},
    x0: [1.2, 0.25, 1.2, 0.25],
    lr: 15.9,
    lrRange: [10, 17],
    view: { u: range('x1', 0, 2), v: range('x3', 0, 2) },
    explanation:
      'A one-hidden-layer network x3·tanh(x1·t) + x4·tanh(x2·t) (hidden weights x1, x2, output weights x3, x4) fitted by full-batch GD to six points t = ±0.1, ±0.2, ±0.3 whose target has two scales: a trend 2t and a wiggle 0.05·sin(25t) the network cannot follow. The inputs are small, so the curvature is too and the interesting rates are large. From the start (1.2, 0.25, 1.2, 0.25), above h ≈ 12 GD switches the smaller unit off (x2, x4 → 0) and the other oscillates: period 2, then 4 near h = 15, 8, and chaos from about h = 15.6. At h = 15.9 the weight x1 does not converge to a value but alternates between two blobs, the two bands of a strange attractor, as in the figure of a trained weight in Kong & Tao (whose network and data differ).',
    citation: `${KONG}; ${SEED}`,
  },
];

/** The preset with this id, or undefined (a search of the list: no object key, so no `toString`). */
export function getPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/**
 * Whether an `--objective` text has the shape of a preset id (lowercase words joined by hyphens, like
 * `double-well`) rather than of an expression, so that a misspelt id is reported as an unknown preset
 * and not as "unknown identifier 'double'". (`x-y` has that shape too, and compiles: only a text that
 * fails as an expression gets the preset message.)
 */
export function looksLikePresetId(text: string): boolean {
  return /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(text.trim());
}

/** What an `--objective ID_OR_EXPR` option (or a UI field) resolves to. */
export interface ResolvedObjective {
  expr: string;
  /** The preset id, or null for an expression. */
  preset: string | null;
  /** The preset's defaults overridden by `params` (just `params` for an expression). */
  params: Record<string, number>;
}

/**
 * Resolves an objective option that is either a preset id or an expression. A preset contributes its
 * formula and default parameters; explicit `params` win over the defaults.
 */
export function resolveObjectiveOption(
  option: string,
  params: Record<string, number> = {},
): ResolvedObjective {
  const id = option.trim();
  const preset = getPreset(id);
  if (preset) return { expr: preset.formula, preset: preset.id, params: { ...preset.params, ...params } };
  return { expr: option, preset: null, params: { ...params } };
}
