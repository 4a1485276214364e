/**
 * The objective compiled to WebAssembly (src/objective/wasm) against the tape interpreter, its
 * oracle: value, gradient, Hessian, Hessian-vector product, ∇³f[v, v] and observables on random
 * expressions (tests/objective-gen.ts) and on every operation of the language, to 1e-12 relative.
 * They share the Math functions and the order of every operation, so in fact they agree exactly,
 * which is checked too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import type { CompiledObjective } from '../src/objective/types.ts';
import { compileEvaluators, compileEvaluatorsAsync } from '../src/objective/wasm/evaluator.ts';
import { expressionArb } from './objective-gen.ts';

interface Mismatch {
  what: string;
  tape: number;
  wasm: number;
}

/** Every output of both evaluators at (x, p, v): the mismatches beyond 1e-12 relative, and exact ones. */
function compare(tape: CompiledObjective, wasm: CompiledObjective, x: number[], p: number[], v: number[]) {
  const n = tape.dim;
  const pairs: [string, number, number][] = [['f', tape.f(x, p), wasm.f(x, p)]];
  const vec = (what: string, len: number, run: (o: CompiledObjective, out: Float64Array) => void) => {
    const a = new Float64Array(len);
    const b = new Float64Array(len);
    run(tape, a);
    run(wasm, b);
    for (let i = 0; i < len; i++) pairs.push([`${what}[${i}]`, a[i], b[i]]);
  };
  vec('grad', n, (o, out) => o.grad(x, p, out));
  vec('hess', n * n, (o, out) => o.hess(x, p, out));
  vec('hvp', n, (o, out) => o.hvp(x, p, v, out));
  vec('third', n, (o, out) => o.third(x, p, v, out));
  for (let i = 0; i < tape.observableCount; i++)
    pairs.push([`observable ${i}`, tape.observable(i, x, p), wasm.observable(i, x, p)]);
  const far: Mismatch[] = [];
  let inexact = 0;
  for (const [what, a, b] of pairs) {
    if (!Object.is(a, b)) inexact++;
    const ok = Object.is(a, b) || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
    if (!ok) far.push({ what, tape: a, wasm: b });
  }
  return { far, inexact, count: pairs.length };
}

const coords = fc.double({ min: -2.5, max: 2.5, noNaN: true });

describe('WebAssembly evaluators against the tape', () => {
  it('agree on random expressions in x, y and a parameter, with derivatives to third order', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        expressionArb(['x', 'y', 'a'], 4),
        fc.tuple(coords, coords),
        fc.tuple(coords, coords),
        fc.double({ min: 0.25, max: 2, noNaN: true }),
        (e, x, v, a) => {
          const tape = compileObjective({ expr: e.text, params: { a }, observables: [`${e.text} * x`] });
          const wasm = compileEvaluators(tape);
          const r = compare(tape, wasm, x, [...tape.paramValues], v);
          checked += r.count;
          if (r.far.length) throw new Error(`${e.text}: ${JSON.stringify(r.far[0])}`);
          expect(r.inexact).toBe(0);
        },
      ),
      { numRuns: 150, seed: 20261201 },
    );
    expect(checked).toBeGreaterThanOrEqual(150 * 6);
  });

  it('agree on random expressions in x1 … x4', () => {
    const vars = ['x1', 'x2', 'x3', 'x4'];
    fc.assert(
      fc.property(
        expressionArb(vars, 3),
        fc.array(coords, { minLength: 4, maxLength: 4 }),
        fc.array(coords, { minLength: 4, maxLength: 4 }),
        (e, x, v) => {
          // Every variable appears, so the dimension is 4 whatever the expression drew.
          const tape = compileObjective({ expr: `${e.text} + 0.1*(x1 + x2 + x3 + x4)^2`, params: {} });
          const r = compare(tape, compileEvaluators(tape), x, [], v);
          if (r.far.length) throw new Error(`${e.text}: ${JSON.stringify(r.far[0])}`);
          expect(r.inexact).toBe(0);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('agree on every operation, including the non-smooth ones and their edge values', () => {
    const exprs = [
      'abs(x - y) + abs(x*y)^3 + min(x, y)^2 + max(x, 2*y)',
      'x^-3 + y^7 + x^12 - (x*y)^-1 + x^2^3',
      'x^1048576 + y^-1048575',
      '(1.5 + sin(x))^y + 2^x + x^0.5 + y^-0.25',
      'tan(x) + exp(y) + log(abs(x) + 0.1) + sqrt(x^2 + y^2) + tanh(x) + cosh(y) + sinh(x)',
      'abs(x)*abs(y)^3 + min(max(x, -0.5), 0.5)*y',
      'e^x + pi*y - x/y',
    ];
    const points = [
      [0.3, -0.7],
      [-1.2, 0.4],
      [0, 0],
      [-0, 1],
      [1e-300, -1e300],
      [2, 2],
      [NaN, 1],
      [Infinity, -2],
    ];
    let compared = 0;
    for (const expr of exprs) {
      const tape = compileObjective({ expr, params: {} });
      const wasm = compileEvaluators(tape);
      for (const x of points) {
        const r = compare(tape, wasm, x, [], [0.6, -1.1]);
        expect(r.far, `${expr} at ${x}`).toEqual([]);
        expect(r.inexact, `${expr} at ${x}`).toBe(0);
        compared += r.count;
      }
    }
    expect(compared).toBe(exprs.length * points.length * 11);
  });

  it('compile asynchronously (a page main thread) to the same evaluators', async () => {
    const tape = compileObjective({ expr: '(x^2 - 1)^2/4 + sin(3*x)', params: {} });
    const wasm = await compileEvaluatorsAsync(tape);
    expect(wasm.f([0.7], [])).toBe(tape.f([0.7], []));
    const g = new Float64Array(1);
    const t = new Float64Array(1);
    wasm.grad([0.7], [], g);
    tape.grad([0.7], [], t);
    expect(g[0]).toBe(t[0]);
    expect(g[0]).toBeCloseTo(0.7 * (0.49 - 1) + 3 * Math.cos(2.1), 12);
    expect(() => wasm.observable(0, [0.7], [])).toThrow(/observable 0 does not exist/);
  });
});
