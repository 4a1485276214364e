/** Expressions the objective compiler refuses, each with its message and column. */
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../src/objective/compile.ts';
import { ObjectiveError } from '../src/objective/types.ts';

describe('bad inputs', () => {
  const table: [string, Record<string, number>, string][] = [
    ['', {}, 'empty expression: type a function of x, y or x1…x8'],
    ['   ', {}, 'empty expression: type a function of x, y or x1…x8'],
    ['x +', {}, 'syntax error: Expected expression after + (column 4)'],
    ['(x + 1', {}, 'syntax error: Unclosed ( (column 7)'],
    ['x + 1)', {}, 'syntax error: Unexpected ")" (column 6)'],
    ['x y', {}, 'syntax error: expected one expression (a missing operator between two terms?) (column 3)'],
    ['2x', {}, 'syntax error: Variable names cannot start with a number (2x) (column 2)'],
    ['x % 2', {}, 'syntax error: Unexpected "%" (column 3)'],
    ['x + "a"', {}, 'syntax error: strings are not allowed (column 5)'],
    ['x + y.z', {}, "syntax error: '.' and '[ ]' (member access) are not allowed (column 5)"],
    ['x[0]', {}, "syntax error: '.' and '[ ]' (member access) are not allowed (column 1)"],
    ['[x, y]', {}, "syntax error: arrays '[ ]' are not allowed (column 1)"],
    ['x > 0 ? x : 0', {}, 'syntax error: Unexpected ">" (column 3)'],
    [
      'x ? 1 : 2',
      {},
      'syntax error: conditionals (a ? b : c) are not allowed; use min, max or abs (column 1)',
    ],
    ['x + foo', {}, "unknown identifier 'foo'; allowed: x, y, pi, e; a parameter needs a value (column 5)"],
    [
      'x + foo',
      { A: 1, eps: 0.1 },
      "unknown identifier 'foo'; allowed: x, y, pi, e, A, eps; a parameter needs a value (column 5)",
    ],
    [
      'x1 + x0',
      {},
      "unknown identifier 'x0' (variables are numbered from x1); allowed: x1, pi, e; a parameter needs a value (column 6)",
    ],
    ['this * x', {}, "unknown identifier 'this'; allowed: x, y, pi, e; a parameter needs a value (column 1)"],
    ['true', {}, "unknown identifier 'true'; allowed: x, y, pi, e; a parameter needs a value (column 1)"],
    [
      'erf(x)',
      {},
      "unsupported function 'erf'; supported: sin, cos, tan, exp, log, sqrt, abs, tanh, cosh, sinh, min, max (column 1)",
    ],
    ['x + Math.sin(x)', {}, "syntax error: '.' and '[ ]' (member access) are not allowed (column 5)"],
    ['min(x)', {}, 'min takes 2 arguments, got 1 (column 1)'],
    ['sin(x, y)', {}, 'sin takes 1 argument, got 2 (column 1)'],
    ['sin + x', {}, "'sin' is a function: call it as sin(…) (column 1)"],
    ['x1 + x9', {}, "too many variables: 'x9' (at most 8: x1…x8) (column 6)"],
    ['x12^2', {}, "too many variables: 'x12' (at most 8: x1…x8) (column 1)"],
    ['A*x', { A: NaN }, "parameter 'A' has no value (got NaN) (column 1)"],
    ['x + x2', {}, "mixed variable styles ('x2' and 'x'): use x, y or x1…x8, not both (column 5)"],
    ['x1*y', {}, "mixed variable styles ('x1' and 'y'): use x, y or x1…x8, not both (column 4)"],
    ['1e999*x', {}, "number '1e999' is out of range (column 1)"],
    ['x + $a', {}, 'syntax error: Expected expression after + (column 5)'],
    ['x + é', {}, "identifier 'é' must use only letters, digits and _ (column 5)"],
    ['x² + y', {}, "identifier 'x²' must use only letters, digits and _ (write powers as x^2) (column 1)"],
    ['(x·y)', {}, "identifier 'x·y' must use only letters, digits and _ (write products as x*y) (column 2)"],
    [
      'x\u00a0+ y\u2009*\u200b2',
      {},
      "identifier 'x\u00a0' must use only letters, digits and _ (write spaces as plain spaces, not U+00A0) (column 1)",
    ],
    [
      'x + y\u2009*\u200b2',
      {},
      "identifier 'y\u2009' must use only letters, digits and _ (write spaces as plain spaces, not U+2009) (column 5)",
    ],
    [
      '\ufeffx^2',
      {},
      "identifier '\ufeffx' must use only letters, digits and _ (write spaces as plain spaces, not U+FEFF) (column 1)",
    ],
    ['(x)(y)', {}, "'x' is not a function; to multiply, write x*(…) (column 1)"],
    ['2*(x)(y)', {}, "'x' is not a function; to multiply, write x*(…) (column 3)"],
    ['(x + 1)(y)', {}, 'only named functions can be called, e.g. sin(x) (column 1)'],
    [
      `x + ${'b'.repeat(100)}`,
      {},
      `identifier '${'b'.repeat(40)}…' is too long (100 characters; at most 64) (column 5)`,
    ],
    // Constants that fold to ±∞ or NaN: f was null everywhere, and x^2*0/0 "converged".
    ['10^400+x^2', {}, 'the expression is not finite: 10^400 = ∞ (column 1)'],
    ['x^2 + 1/0', {}, 'the expression is not finite: 1/0 = ∞ (column 7)'],
    ['x^2 + (0/0)', {}, 'the expression is not finite: (0/0) = NaN (column 7)'],
    ['sqrt(-1)+x^2', {}, 'the expression is not finite: sqrt(-1) = NaN (column 1)'],
    ['y + log( 0 ) + x^2', {}, 'the expression is not finite: log( 0 ) = -∞ (column 5)'],
    ['x^2*0/0', {}, 'the expression is not finite: x^2*0/0 = NaN (column 1)'],
    ['x + (-8)^(1/3)', {}, 'the expression is not finite: (-8)^(1/3) = NaN (column 5)'],
    ['x + min(e^1000, x)', {}, 'the expression is not finite: e^1000 = ∞ (column 9)'],
    ['x + 1e308*10', {}, 'the expression is not finite: 1e308*10 = ∞ (column 5)'],
  ];
  for (const [expr, params, message] of table) {
    it(JSON.stringify(expr), () => {
      let error: unknown;
      try {
        compileObjective({ expr, params });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ObjectiveError);
      expect((error as Error).message).toBe(message);
      expect((error as Error).message).not.toMatch(/\bat \w+ \(|node_modules/);
    });
  }

  it('bounds the parameters it is given, and lists ten of them in a message', () => {
    const params: Record<string, number> = {};
    for (let i = 0; i < 256; i++) params[`p${i}`] = 1;
    // With a million, the list of allowed names was a one-line message of 8.9 MB.
    expect(() => compileObjective({ expr: 'x^2 + a*x', params })).toThrow(
      "unknown identifier 'a'; allowed: x, y, pi, e, p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, … and 246 more; a parameter needs a value (column 7)",
    );
    params.p256 = 1;
    expect(() => compileObjective({ expr: 'x^2', params })).toThrow('too many parameters: 257 (at most 256)');
  });

  it('refuses an expression whose derivatives would be huge', () => {
    // A product of 400 factors: each partial derivative is a sum of 400 products.
    const expr = Array.from({ length: 400 }, (_, i) => `x${(i % 8) + 1}^${(i % 5) + 1}`).join('*');
    expect(() => compileObjective({ expr, params: {} })).toThrow(
      'expression too large: f and its derivatives need more than 50000 distinct subexpressions; simplify it or use fewer variables',
    );
  });

  it('refuses more general powers than a shader compiler takes in good time', () => {
    // 400 such terms (3.9 kB) hung a GPU run in SwiftShader's compiler; x1^0.1 + x2^0.2 + … crashed it.
    const sum = (n: number) => Array.from({ length: n }, (_, i) => `x^(y+${i})`).join('+');
    expect(compileObjective({ expr: sum(85), params: {} }).dim).toBe(2);
    expect(() => compileObjective({ expr: sum(86), params: {} })).toThrow(
      "expression too large: its derivatives hold 258 powers with a variable or fractional exponent (such as x^y or x^0.5), more than the 256 a GPU's shader compiler takes in good time; simplify it",
    );
  });

  it('names the observable an error comes from', () => {
    expect(() => compileObjective({ expr: 'x^2', params: {}, observables: ['y'] })).toThrow(
      "observable 1: 'y' is not a variable of this objective (its variables: x) (column 1)",
    );
    expect(() => compileObjective({ expr: 'x^2', params: {}, observables: ['x +'] })).toThrow(
      'observable 1: syntax error: Expected expression after + (column 4)',
    );
    expect(() => compileObjective({ expr: 'x^2', params: {}, observables: ['x', 'x + log(0)'] })).toThrow(
      'observable 2: the expression is not finite: log(0) = -∞ (column 5)',
    );
  });
});
