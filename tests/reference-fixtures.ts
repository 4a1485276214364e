/**
 * Hand-written CompiledObjectives with derivatives worked out on paper, so the reference engine is
 * tested independently of the objective compiler (tests/reference-compiled.test.ts uses the compiler).
 */
import type { CompiledObjective } from '../src/objective/types.ts';

type Vec = ArrayLike<number>;

interface Hand {
  expr: string;
  vars: string[];
  params?: [string, number][];
  f(x: Vec, p: Vec): number;
  grad(x: Vec, p: Vec, out: Float64Array): void;
  hess(x: Vec, p: Vec, out: Float64Array): void;
  /** ∇³f[v, v] into out. */
  third(x: Vec, p: Vec, v: Vec, out: Float64Array): void;
  observables?: ((x: Vec, p: Vec) => number)[];
}

export function handObjective(d: Hand): CompiledObjective {
  const dim = d.vars.length;
  const H = new Float64Array(dim * dim);
  const obs = d.observables ?? [];
  return {
    expr: d.expr,
    vars: d.vars,
    dim,
    params: (d.params ?? []).map(([n]) => n),
    paramValues: Float64Array.from((d.params ?? []).map(([, v]) => v)),
    observableCount: obs.length,
    f: d.f,
    grad: d.grad,
    hess: d.hess,
    hvp(x, p, v, out) {
      d.hess(x, p, H);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += H[i * dim + j] * v[j];
        out[i] = s;
      }
    },
    third: d.third,
    observable: (i, x, p) => obs[i](x, p),
    wgsl: '',
  };
}

/** f = x²/2: GD is x_k = (1 - h)^k x₀. */
export const quadratic = handObjective({
  expr: 'x^2/2',
  vars: ['x'],
  f: (x) => (x[0] * x[0]) / 2,
  grad: (x, _p, o) => void (o[0] = x[0]),
  hess: (_x, _p, o) => void (o[0] = 1),
  third: (_x, _p, _v, o) => void (o[0] = 0),
});

/** f = (x² - 1)²/4: GD is the cubic map u ↦ u + h u (1 - u²). */
export const doubleWell = handObjective({
  expr: '(x^2 - 1)^2/4',
  vars: ['x'],
  f: (x) => (x[0] * x[0] - 1) ** 2 / 4,
  grad: (x, _p, o) => void (o[0] = x[0] * (x[0] * x[0] - 1)),
  hess: (x, _p, o) => void (o[0] = 3 * x[0] * x[0] - 1),
  third: (x, _p, v, o) => void (o[0] = 6 * x[0] * v[0] * v[0]),
});

/** f = (1 - xy)²/2, the scalar matrix factorization, with observable x² - y². */
export const mfScalar = handObjective({
  expr: '(1 - x*y)^2/2',
  vars: ['x', 'y'],
  f: (x) => (1 - x[0] * x[1]) ** 2 / 2,
  grad: (x, _p, o) => {
    const r = x[0] * x[1] - 1;
    o[0] = r * x[1];
    o[1] = r * x[0];
  },
  hess: (x, _p, o) => {
    const r = x[0] * x[1] - 1;
    o[0] = x[1] * x[1];
    o[1] = o[2] = r + x[0] * x[1];
    o[3] = x[0] * x[0];
  },
  // ∂³f: f_xxy = 2y, f_xyy = 2x, f_xxx = f_yyy = 0.
  third: (x, _p, v, o) => {
    o[0] = 2 * x[1] * 2 * v[0] * v[1] + 2 * x[0] * v[1] * v[1];
    o[1] = 2 * x[1] * v[0] * v[0] + 2 * x[0] * 2 * v[0] * v[1];
  },
  observables: [(x) => x[0] * x[0] - x[1] * x[1]],
});

/** f = a·x²/2 + b·y²/2 with parameters a, b: a plane can sweep them. */
export const anisotropic = handObjective({
  expr: 'a*x^2/2 + b*y^2/2',
  vars: ['x', 'y'],
  params: [
    ['a', 1],
    ['b', 3],
  ],
  f: (x, p) => (p[0] * x[0] * x[0] + p[1] * x[1] * x[1]) / 2,
  grad: (x, p, o) => {
    o[0] = p[0] * x[0];
    o[1] = p[1] * x[1];
  },
  hess: (_x, p, o) => {
    o[0] = p[0];
    o[1] = o[2] = 0;
    o[3] = p[1];
  },
  third: (_x, _p, _v, o) => void o.fill(0),
});
