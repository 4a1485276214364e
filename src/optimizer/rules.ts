/**
 * The optimizers gdlab runs, and their update rules: written once, here, as data. Each rule is a set of
 * per-coordinate expressions in the objective language over named symbols; src/optimizer/compile.ts
 * builds them into one hash-consed DAG of src/objective, which differentiates them exactly (the
 * tangent map of the whole update, for the Lyapunov exponent) and from which the WGSL engine, the
 * WebAssembly float64 kernel and the float64 tape (the oracle) are all emitted. No engine writes a
 * rule of its own.
 *
 * The rules are PyTorch's conventions (torch.optim, what researchers train with), at step k = 0, 1, …
 * with g = ∇f(x_k), per coordinate (h may be one rate per coordinate):
 *
 *   gd        x ← x − h·g
 *   momentum  v ← β·v + g;                    x ← x − h·v            (heavy ball; SGD momentum, dampening 0)
 *   nesterov  v ← β·v + g;                    x ← x − h·(g + β·v)    (SGD nesterov=True)
 *   rmsprop   s ← β₂·s + (1 − β₂)·g²;         x ← x − h·g / (√s + ε) (PyTorch's alpha is β₂ here)
 *   adam      m ← β·m + (1 − β)·g;  s ← β₂·s + (1 − β₂)·g²;
 *             x ← x − h·m̂ / (√ŝ + ε),  m̂ = m / (1 − β^{k+1}),  ŝ = s / (1 − β₂^{k+1})
 *             (β is Adam's β₁; without bias correction m̂ = m, ŝ = s)
 *
 * Every state vector starts at 0. A state update sees the values before the step; the x update sees
 * the updated state (v, m, s above are the new ones). The bias factors c₁ = 1 − β^{k+1}, c₂ = 1 − β₂^{k+1}
 * come from two scalar clocks b₁ = β^{k+1}, b₂ = β₂^{k+1}, each multiplied by its β once per step from 1:
 * they make Adam's map depend on k, so they are part of the trajectory's state (but neither of its
 * tangent map nor of its period test: they do not depend on x and tend to 0).
 */

export const OPTIMIZER_KINDS = ['gd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** The optimizer of an experiment (part of the spec). */
export interface OptimizerSettings {
  kind: OptimizerKind;
  /** β: momentum's and Nesterov's coefficient, Adam's β₁. */
  beta: number;
  /** β₂: the second-moment decay of RMSProp and Adam. */
  beta2: number;
  /** ε of RMSProp and Adam. */
  eps: number;
  /** Adam's bias correction (m̂, ŝ). */
  biasCorrection: boolean;
}

export const DEFAULT_OPTIMIZER: OptimizerSettings = {
  kind: 'gd',
  beta: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  biasCorrection: true,
};

/** The hyperparameters a rule may read, in the order engines store them per trajectory. */
export const HYPER_NAMES = ['beta', 'beta2', 'eps'] as const;
export type HyperName = (typeof HYPER_NAMES)[number];

/** One optimizer's rule: state vectors with their updates (in order), then x's update. */
export interface RuleText {
  /** A short name for labels. */
  label: string;
  state: readonly (readonly [name: string, update: string])[];
  x: string;
  /** The hyperparameters its expressions use (what a panel shows, what a plane may sweep). */
  uses: readonly HyperName[];
  /** Whether its x update reads the bias factors c1, c2 (only then do the clocks run). */
  biased: boolean;
}

/**
 * The update rules. Symbols: x, g (= ∂f/∂x of this coordinate), the state names, h (this coordinate's
 * rate), beta, beta2, eps, and c1, c2 (the bias factors: 1 − b₁, 1 − b₂ with bias correction, else 1).
 */
export const RULES: Readonly<Record<OptimizerKind, RuleText>> = {
  gd: { label: 'GD', state: [], x: 'x - h*g', uses: [], biased: false },
  momentum: {
    label: 'heavy-ball momentum',
    state: [['v', 'beta*v + g']],
    x: 'x - h*v',
    uses: ['beta'],
    biased: false,
  },
  nesterov: {
    label: 'Nesterov momentum',
    state: [['v', 'beta*v + g']],
    x: 'x - h*(g + beta*v)',
    uses: ['beta'],
    biased: false,
  },
  rmsprop: {
    label: 'RMSProp',
    state: [['s', 'beta2*s + (1 - beta2)*g^2']],
    x: 'x - h*g/(sqrt(s) + eps)',
    uses: ['beta2', 'eps'],
    biased: false,
  },
  adam: {
    label: 'Adam',
    state: [
      ['m', 'beta*m + (1 - beta)*g'],
      ['s', 'beta2*s + (1 - beta2)*g^2'],
    ],
    x: 'x - h*(m/c1)/(sqrt(s/c2) + eps)',
    uses: ['beta', 'beta2', 'eps'],
    biased: true,
  },
};

/** The bias clocks: b ← b·β from b = 1 (so b = β^{k+1} after step k) and the factor c = 1 − b. */
export const CLOCKS: readonly (readonly [clock: string, update: string, factor: string, value: string])[] = [
  ['b1', 'b1*beta', 'c1', '1 - b1'],
  ['b2', 'b2*beta2', 'c2', '1 - b2'],
];

/** Whether the optimizer's rule reads hyperparameter `name` (so a plane may sweep it). */
export function usesHyper(o: Pick<OptimizerSettings, 'kind'>, name: HyperName): boolean {
  return RULES[o.kind].uses.includes(name);
}

/** Whether the bias clocks run: Adam with bias correction. */
export function hasClocks(o: Pick<OptimizerSettings, 'kind' | 'biasCorrection'>): boolean {
  return RULES[o.kind].biased && o.biasCorrection;
}

/** A one-line description: `Adam (β 0.9, β₂ 0.999, ε 1e-8, bias-corrected)`, `GD`. */
export function describeOptimizer(o: OptimizerSettings): string {
  const r = RULES[o.kind];
  const parts: string[] = [];
  if (r.uses.includes('beta')) parts.push(`β ${o.beta}`);
  if (r.uses.includes('beta2')) parts.push(`β₂ ${o.beta2}`);
  if (r.uses.includes('eps')) parts.push(`ε ${o.eps}`);
  if (r.biased) parts.push(o.biasCorrection ? 'bias-corrected' : 'no bias correction');
  return parts.length ? `${r.label} (${parts.join(', ')})` : r.label;
}
