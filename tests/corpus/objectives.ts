/**
 * The objectives of the hostile-input corpus (issue 12), with points where the float64 tape and the
 * WGSL must agree on f and ∇f: extreme exponents, overflow to ∞, NaN domains, hostile identifiers,
 * long and deep expressions, and the presets. Expected values are written out where the arithmetic
 * fixes them, so a wrong formula on both engines still fails.
 */
import { PRESETS } from '../../src/presets.ts';

export interface CorpusObjective {
  label: string;
  expr: string;
  params?: Record<string, number>;
  /** Points (one number per variable) where both engines are compared. */
  points: number[][];
  /** f at each point, where the arithmetic fixes it exactly (NaN and ±∞ included). */
  f?: (number | undefined)[];
}

const sum = Array.from({ length: 1999 }, () => 'x').join('+');

export const CORPUS_OBJECTIVES: CorpusObjective[] = [
  {
    label: 'exponent product 2^32',
    expr: '(x^1048576)^4096',
    points: [[2], [1], [0.5], [-1]],
    f: [Infinity, 1, 0, 1],
  },
  { label: 'exponent product 2^31', expr: '(x^1048576)^2048', points: [[2], [1], [-1]], f: [Infinity, 1, 1] },
  {
    label: 'the GPU hang (A = 1)',
    expr: 'x^2/2 + y^2/2 + (A^-2048)^1048576',
    params: { A: 1 },
    points: [
      [1, 2],
      [0, 0],
    ],
    f: [3.5, 1],
  },
  {
    label: 'the GPU hang (A = 0.5)',
    expr: 'x^2/2 + y^2/2 + (A^-2048)^1048576',
    params: { A: 0.5 },
    points: [[1, 2]],
    f: [Infinity],
  },
  {
    label: 'the GPU hang (A = 2)',
    expr: 'x^2/2 + y^2/2 + (A^-2048)^1048576',
    params: { A: 2 },
    points: [[1, 2]],
    f: [2.5],
  },
  { label: 'exponent -2^31', expr: 'x^-2147483648', points: [[1], [2], [-1], [0.5]], f: [1, 0, 1, Infinity] },
  {
    label: 'odd exponent beyond f32',
    expr: 'x^16777217',
    points: [[-1], [0.5], [2], [0]],
    f: [-1, 0, Infinity, 0],
  },
  { label: 'exponent 1e300', expr: 'x^1e300', points: [[-2], [0.5], [1]], f: [Infinity, 0, 1] },
  { label: 'exponent -2048', expr: 'x^-2048', points: [[2], [0.5], [-1]], f: [0, Infinity, 1] },
  {
    label: 'power with variable exponent',
    expr: 'x^y',
    points: [
      [-2, 3],
      [2, 0.5],
      [0, 2],
      [-8, 1 / 3],
    ],
    f: [-8, Math.SQRT2, 0, NaN],
  },
  {
    label: 'power with parameter exponent',
    expr: 'x^A',
    params: { A: 3 },
    points: [[-2], [1.5]],
    f: [-8, 3.375],
  },
  { label: 'square root as power', expr: 'x^0.5', points: [[-1], [0], [4]], f: [NaN, 0, 2] },
  { label: 'reciprocal at zero', expr: '1/x', points: [[0], [2]], f: [Infinity, 0.5] },
  { label: 'log domain', expr: 'log(x)', points: [[0], [-1], [1]], f: [-Infinity, NaN, 0] },
  {
    label: 'exp overflow',
    expr: 'exp(x)',
    points: [[100], [-200], [0]],
    f: [Math.exp(100), Math.exp(-200), 1],
  },
  { label: 'cosh and sinh overflow', expr: 'cosh(x)*sinh(x)', points: [[100], [-100], [0.5]] },
  {
    label: 'constant base beyond f32',
    expr: '1e300^x',
    points: [[0.1], [0.5], [-0.5], [0], [2]],
    f: [undefined, 1e150, 1e-150, 1, Infinity],
  },
  { label: 'constant factor beyond f32', expr: '1e300*x^2 + 1e-300*x', points: [[0], [1e-10], [1]] },
  { label: 'division by a constant beyond f32', expr: 'x/1e300 + 1e-300/x', points: [[1e30], [1]] },
  {
    label: 'NaN through exp, cosh and sign (SwiftShader gave ∞ and 0)',
    expr: 'exp(sqrt(x)) + cosh(x^0.5) + abs(log(x))',
    points: [[-1], [4]],
    f: [NaN, undefined],
  },
  { label: 'sqrt domain', expr: 'sqrt(x)', points: [[-1], [9]], f: [NaN, 3] },
  { label: 'tanh saturation', expr: 'tanh(x)', points: [[1000], [-1000], [0]], f: [1, -1, 0] },
  { label: 'constants reassociated within f32', expr: '1e38*x*10', points: [[0.1], [-0.1]] },
  { label: 'constant beyond f32', expr: '1e39*x', points: [[1], [-1]] },
  { label: 'subnormal constant', expr: 'x^2*1e-40 + x', points: [[1.5]] },
  {
    label: 'Object.prototype names as parameters',
    expr: 'toString*x^2 + constructor*x + valueOf - hasOwnProperty',
    params: { toString: 2, constructor: 3, valueOf: 5, hasOwnProperty: 7 },
    points: [[1.5]],
    f: [2 * 2.25 + 4.5 + 5 - 7],
  },
  { label: 'sum of 1999 terms', expr: sum, points: [[1], [0.25]], f: [1999, 499.75] },
  {
    label: '90 levels of parentheses',
    expr: '('.repeat(90) + 'x^2' + ')'.repeat(90),
    points: [[3]],
    f: [9],
  },
  { label: 'minus binds below power', expr: '-x^2 + (-x)^3', points: [[2]], f: [-12] },
  {
    label: 'min and max',
    expr: 'min(x, y) + max(x, y)^2',
    points: [
      [1, 2],
      [3, -1],
    ],
    f: [5, 8],
  },
  { label: 'abs to a real power', expr: 'abs(x)^1.5', points: [[-4], [0]], f: [8, 0] },
  ...PRESETS.map((p) => ({
    label: `preset ${p.id}`,
    expr: p.formula,
    params: { ...p.params },
    points: [[...p.x0], p.x0.map((v) => v / 2 + 0.25)],
  })),
];
