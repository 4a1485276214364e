/**
 * Random well-conditioned expressions for the objective tests: each comes with an independent JS
 * closure (written by hand per template, not derived from our parser), so parsing and evaluation are
 * checked too, not only the derivatives. Templates keep every argument in the domain of its function
 * (log of 1.25 + cos, real powers of 1.5 + sin, tan of sin) and stay smooth (no abs, min, max), so
 * central differences are accurate wherever the point falls.
 */
import fc from 'fast-check';

export interface GenExpr {
  text: string;
  /** Evaluates the same function: env maps variable and parameter names to values. */
  f: (env: Record<string, number>) => number;
}

type T1 = (a: GenExpr) => GenExpr;
type T2 = (a: GenExpr, b: GenExpr) => GenExpr;

const unary: T1[] = [
  (a) => ({ text: `sin(${a.text})`, f: (e) => Math.sin(a.f(e)) }),
  (a) => ({ text: `cos(${a.text})`, f: (e) => Math.cos(a.f(e)) }),
  (a) => ({ text: `tan(sin(${a.text}))`, f: (e) => Math.tan(Math.sin(a.f(e))) }),
  (a) => ({ text: `exp(sin(${a.text}))`, f: (e) => Math.exp(Math.sin(a.f(e))) }),
  (a) => ({ text: `exp(-(${a.text})^2)`, f: (e) => Math.exp(-(a.f(e) ** 2)) }),
  (a) => ({ text: `log(1.25 + cos(${a.text}))`, f: (e) => Math.log(1.25 + Math.cos(a.f(e))) }),
  (a) => ({ text: `sqrt(1 + (${a.text})^2)`, f: (e) => Math.sqrt(1 + a.f(e) ** 2) }),
  (a) => ({ text: `tanh(${a.text})`, f: (e) => Math.tanh(a.f(e)) }),
  (a) => ({ text: `cosh(tanh(${a.text}))`, f: (e) => Math.cosh(Math.tanh(a.f(e))) }),
  (a) => ({ text: `sinh(tanh(${a.text}))`, f: (e) => Math.sinh(Math.tanh(a.f(e))) }),
  (a) => ({ text: `-(${a.text})`, f: (e) => -a.f(e) }),
  (a) => ({ text: `(${a.text})^2`, f: (e) => a.f(e) ** 2 }),
  (a) => ({ text: `tanh(${a.text})^3`, f: (e) => Math.tanh(a.f(e)) ** 3 }),
  (a) => ({ text: `sin(${a.text})^5`, f: (e) => Math.sin(a.f(e)) ** 5 }),
  (a) => ({ text: `(1.5 + cos(${a.text}))^-2`, f: (e) => (1.5 + Math.cos(a.f(e))) ** -2 }),
  (a) => ({ text: `(1.5 + sin(${a.text}))^0.7`, f: (e) => (1.5 + Math.sin(a.f(e))) ** 0.7 }),
];

const binary: T2[] = [
  (a, b) => ({ text: `(${a.text}) + (${b.text})`, f: (e) => a.f(e) + b.f(e) }),
  (a, b) => ({ text: `(${a.text}) - (${b.text})`, f: (e) => a.f(e) - b.f(e) }),
  (a, b) => ({ text: `(${a.text}) * (${b.text})`, f: (e) => a.f(e) * b.f(e) }),
  (a, b) => ({ text: `(${a.text}) / (1.5 + sin(${b.text}))`, f: (e) => a.f(e) / (1.5 + Math.sin(b.f(e))) }),
  (a, b) => ({
    text: `(1.5 + sin(${a.text}))^tanh(${b.text})`,
    f: (e) => (1.5 + Math.sin(a.f(e))) ** Math.tanh(b.f(e)),
  }),
  (a, b) => ({ text: `2^sin(${a.text}) * (${b.text})`, f: (e) => 2 ** Math.sin(a.f(e)) * b.f(e) }),
];

/** Expressions in the given leaf names (variables and parameters), at most `maxDepth` deep. */
export function expressionArb(leaves: readonly string[], maxDepth = 4): fc.Arbitrary<GenExpr> {
  const leaf: fc.Arbitrary<GenExpr> = fc.oneof(
    fc.constantFrom(...leaves).map((name) => ({ text: name, f: (e: Record<string, number>) => e[name] })),
    fc.integer({ min: 1, max: 40 }).map((k) => {
      const c = k / 16;
      return { text: String(c), f: () => c };
    }),
  );
  const { node } = fc.letrec<{ node: GenExpr; un: GenExpr; bin: GenExpr }>((tie) => ({
    node: fc.oneof({ maxDepth, depthIdentifier: 'expr' }, leaf, tie('un'), tie('bin'), tie('bin')),
    un: fc.tuple(fc.integer({ min: 0, max: unary.length - 1 }), tie('node')).map(([i, a]) => unary[i](a)),
    bin: fc
      .tuple(fc.integer({ min: 0, max: binary.length - 1 }), tie('node'), tie('node'))
      .map(([i, a, b]) => binary[i](a, b)),
  }));
  return node;
}
