/** The objective compiler's derivatives (grad, hess, hvp, third) against finite differences of f. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import type { CompiledObjective } from '../src/objective/types.ts';
import { PRESETS } from '../src/presets.ts';
import { expressionArb, type GenExpr } from './objective-gen.ts';

/*
 * Finite differences: the 4-point stencil f'(x) ≈ [8(f(x+δ) - f(x-δ)) - (f(x+2δ) - f(x-2δ))] / 12δ
 * has truncation error δ⁴|f⁽⁵⁾|/30 and rounding error about 1.5·ε·max|f|/δ. With δ = 1e-3 that is
 * 3e-14·|f⁽⁵⁾| + 3.3e-13·max|f|. Generated expressions are compositions of bounded smooth functions of
 * arguments of size ≲ 10, so their fifth derivatives stay far below 1e6: a tolerance of
 * 1e-7·(1 + |exact|) + 1e-9·max|f| leaves a margin of 100 or more over both terms, while a wrong
 * derivative rule is off by O(|exact|).
 */
const DELTA = 1e-3;

function stencil(g: (t: number) => number): { d: number; scale: number } {
  const a = g(DELTA);
  const b = g(-DELTA);
  const c = g(2 * DELTA);
  const d = g(-2 * DELTA);
  return {
    d: (8 * (a - b) - (c - d)) / (12 * DELTA),
    scale: Math.max(Math.abs(a), Math.abs(b), Math.abs(c), Math.abs(d)),
  };
}

function close(exact: number, fd: { d: number; scale: number }, what: string): void {
  const tol = 1e-7 * (1 + Math.abs(exact)) + 1e-9 * fd.scale;
  if (!(Math.abs(exact - fd.d) <= tol))
    throw new Error(`${what}: exact ${exact}, finite difference ${fd.d} (tolerance ${tol.toExponential(2)})`);
}

const shifted = (x: readonly number[], dir: readonly number[], t: number): number[] =>
  x.map((xi, i) => xi + t * dir[i]);
const unit = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i === k ? 1 : 0));

/** Checks grad, hess, hvp and third against differences of f, grad and hvp at x. */
function checkDerivatives(
  c: CompiledObjective,
  x: number[],
  p: Float64Array,
  v: number[],
  label: string,
): void {
  const n = c.dim;
  const g = new Float64Array(n);
  const h = new Float64Array(n * n);
  const hv = new Float64Array(n);
  const t3 = new Float64Array(n);
  c.grad(x, p, g);
  c.hess(x, p, h);
  c.hvp(x, p, v, hv);
  c.third(x, p, v, t3);
  const tmp = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ek = unit(n, k);
    close(
      g[k],
      stencil((t) => c.f(shifted(x, ek, t), p)),
      `${label} ∂f/∂${c.vars[k]}`,
    );
    for (let i = 0; i < n; i++) {
      const fd = stencil((t) => {
        c.grad(shifted(x, ek, t), p, tmp);
        return tmp[i];
      });
      close(h[i * n + k], fd, `${label} ∂²f/∂${c.vars[i]}∂${c.vars[k]}`);
    }
    // hvp is exactly the Hessian times v (same DAG, different evaluation order).
    let hvk = 0;
    for (let j = 0; j < n; j++) hvk += h[k * n + j] * v[j];
    expect(Math.abs(hv[k] - hvk)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(hvk)) * n * 10);
    // ∇³f[v,v] is the derivative of ∇²f(x + tv)·v in t (the third derivative is symmetric) …
    close(
      t3[k],
      stencil((t) => {
        c.hvp(shifted(x, v, t), p, v, tmp);
        return tmp[k];
      }),
      `${label} ∇³f[v,v]_${k} along v`,
    );
    // … and also vᵀ(∂∇²f/∂x_k)v, from differences of hvp along e_k.
    close(
      t3[k],
      stencil((t) => {
        c.hvp(shifted(x, ek, t), p, v, tmp);
        let s = 0;
        for (let j = 0; j < n; j++) s += v[j] * tmp[j];
        return s;
      }),
      `${label} ∇³f[v,v]_${k} along e_${k}`,
    );
  }
}

describe('derivatives against central differences', () => {
  for (const preset of PRESETS) {
    it(`preset ${preset.id}`, () => {
      const c = compileObjective({ expr: preset.formula, params: { ...preset.params } });
      expect(c.vars).toEqual(preset.vars);
      const n = c.dim;
      // Multiscale presets oscillate with period 2πε: differences must resolve it, so δ/ε must be small.
      const isMultiscale = preset.id.startsWith('multiscale');
      const p = isMultiscale ? Float64Array.from(c.params, (q) => (q === 'eps' ? 0.5 : 1)) : c.paramValues;
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
          (x, v) => checkDerivatives(c, x, p, v, `${preset.id} at ${x}`),
        ),
        { seed: 1234, numRuns: 60 },
      );
    });
  }

  const point = (n: number) =>
    fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: n, maxLength: n });

  it('random expressions in x, y and a parameter', () => {
    fc.assert(
      fc.property(
        expressionArb(['x', 'y', 'a']),
        point(2),
        point(2),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        (e, x, v, a) => checkGenerated(e, ['x', 'y'], x, v, { a }),
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('random expressions in x1…x3', () => {
    fc.assert(
      fc.property(expressionArb(['x1', 'x2', 'x3']), point(3), point(3), (e, x, v) =>
        checkGenerated(e, ['x1', 'x2', 'x3'], x, v, {}),
      ),
      { seed: 7, numRuns: 100 },
    );
  });

  it('abs, min, max and sign-dependent powers away from their kinks', () => {
    const cases: [string, number[]][] = [
      ['abs(x - y)^3 + abs(x*y)', [0.7, -0.4]],
      ['abs(x - y)^3 + abs(x*y)', [-0.3, 0.9]],
      ['min(x^2, y) + max(sin(x), cos(y))*x', [0.5, 0.8]],
      ['min(x^2, y) + max(sin(x), cos(y))*x', [1.2, 0.1]],
      ['max(x, y)^2 * min(x, -y)', [-0.6, 0.2]],
      ['x^3 + (-x)^5 + y^-3 + 2^x', [-1.3, -0.7]],
      // sqrt of a variable argument: the generator's sqrt(1 + a²) rarely meets one.
      ['sqrt(1 + x^2*y^2) + sqrt(y)*x', [0.75, 1.6]],
    ];
    for (const [expr, x] of cases) {
      const c = compileObjective({ expr, params: {} });
      checkDerivatives(c, x, c.paramValues, [0.3, -0.8], expr);
    }
  });
});

function checkGenerated(
  e: GenExpr,
  vars: string[],
  x: number[],
  v: number[],
  params: Record<string, number>,
): void {
  // Variables that happen not to occur would shrink the dimension; name them all in a zero term.
  const text = `${e.text} + 0*(${vars.join(' + ')})`;
  const c = compileObjective({ expr: text, params });
  expect(c.vars).toEqual(vars);
  const env: Record<string, number> = { ...params };
  vars.forEach((name, i) => (env[name] = x[i]));
  const want = e.f(env);
  const got = c.f(x, c.paramValues);
  if (!(Math.abs(got - want) <= 1e-12 * (1 + Math.abs(want))))
    throw new Error(`${e.text} at ${x}: tape ${got}, JS ${want}`);
  checkDerivatives(c, x, c.paramValues, v, e.text);
}
