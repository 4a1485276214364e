/**
 * WGSL emission from the same DAG the float64 tape runs. Nothing of the user's text reaches the
 * shader: variables become `x[i]`, parameters `P[j]`, directions `v[i]`, and numbers are re-printed
 * from their float64 values as f32 literals. Every interior node reachable from a function's outputs
 * becomes one `let tN = …;`, so shared subexpressions are computed once per call.
 */
import { Dag, Op, type DagNode } from './dag.ts';
import {
  beyondF32,
  BITS,
  f32Literal,
  F32_MAX,
  F32_MIN_NORMAL,
  HELPER_PREFIX,
  KEEPNAN,
  LOG,
  NAN,
  POW,
  POW_ODD,
  scaleFactors,
  SQRT,
  TANH,
} from './wgsl-helpers.ts';

export { f32Literal, HELPER_PREFIX } from './wgsl-helpers.ts';

const UNARY_WGSL: Partial<Record<Op, string>> = {
  [Op.SIN]: 'sin',
  [Op.COS]: 'cos',
  [Op.TAN]: 'tan',
  [Op.EXP]: 'exp',
  [Op.LOG]: `${HELPER_PREFIX}log`,
  [Op.SQRT]: `${HELPER_PREFIX}sqrt`,
  [Op.ABS]: 'abs',
  [Op.SIGN]: 'sign',
  [Op.TANH]: `${HELPER_PREFIX}tanh`,
  [Op.COSH]: 'cosh',
  [Op.SINH]: 'sinh',
};

/**
 * a^n for an integer n: a product of a's up to a^4; past it, repeated squaring written out as let
 * statements pushed to `lines` (named `t` + `name` + 'p' + round), at most 24 squarings for |n| ≤ 2²⁴.
 * A call to a helper looping over the exponent's bits was what the shader compilers unrolled per
 * call: 400 terms such as x3^12 (2.7 kB of expression) kept SwiftShader compiling for 47 s. The
 * products are the loop's, in its order (the bits from the lowest), so the values are the same.
 */
function powiExpr(a: string, n: number, lines: string[], name: string): string {
  const m = Math.abs(n);
  let factors: string[];
  if (m <= 4) factors = Array.from({ length: m }, () => a);
  else {
    factors = [];
    let p = a;
    for (let k = 0, rest = m; rest > 0; k++, rest = Math.floor(rest / 2)) {
      if (k > 0) {
        const q = `${name}p${k}`;
        lines.push(`  let ${q} = ${p} * ${p};`);
        p = q;
      }
      if (rest % 2 === 1) factors.push(p);
    }
  }
  const chain = factors.join(' * ');
  return n < 0 ? `1.0 / (${chain})` : `(${chain})`;
}

/** How emitBody names things other than the objective's: leaves, temporaries, sqrt. */
export interface BodyOptions {
  /** The WGSL expression of a VAR, PARAM or DIR leaf (default x[i], P[j], v[i]). */
  leaf?: (n: DagNode) => string;
  /** Suffix of every temporary (`t5_0`), so that bodies emitted into one function do not clash. */
  suffix?: string;
  /**
   * Emit SQRT as WGSL's sqrt rather than the helper (which the objective block defines only when it
   * uses it): for expressions whose argument is never negative.
   */
  plainSqrt?: boolean;
}

/** The body (let statements) computing `outputs`, and the expression of each output. */
export function emitBody(
  dag: Dag,
  outputs: readonly number[],
  options: BodyOptions = {},
): { lines: string[]; exprs: string[] } {
  const mark = dag.reachable(outputs);
  const name = new Map<number, string>();
  const lines: string[] = [];
  const ref = (id: number): string => name.get(id) as string;
  for (let id = 0; id < dag.nodes.length; id++) {
    if (!mark[id]) continue;
    const n = dag.nodes[id];
    const a = n.args.length > 0 ? ref(n.args[0]) : '';
    const b = n.args.length > 1 ? ref(n.args[1]) : '';
    let e: string;
    switch (n.op) {
      case Op.CONST:
        name.set(id, f32Literal(n.value));
        continue;
      case Op.VAR:
      case Op.PARAM:
      case Op.DIR:
        if (options.leaf) name.set(id, options.leaf(n));
        else name.set(id, `${n.op === Op.VAR ? 'x' : n.op === Op.PARAM ? 'P' : 'v'}[${n.value}]`);
        continue;
      case Op.ADD:
        e = `${a} + ${b}`;
        break;
      case Op.SUB:
        e = `${a} - ${b}`;
        break;
      case Op.MUL:
        e = scaled(dag, n.args[0], n.args[1], a, b) ?? `${a} * ${b}`;
        break;
      case Op.DIV:
        e = scaledQuotient(dag, n.args[0], n.args[1], a, b) ?? `${a} / ${b}`;
        break;
      case Op.NEG:
        e = `-${a}`;
        break;
      case Op.POWI:
        e = powiExpr(a, n.value, lines, `t${id}${options.suffix ?? ''}`);
        break;
      case Op.POW:
        e = powExpr(dag, n.args[0], n.args[1], a, b);
        break;
      case Op.SELECT:
        e = `select(${ref(n.args[3])}, ${ref(n.args[2])}, ${a} < ${b})`;
        break;
      case Op.SQRT:
        e = options.plainSqrt ? `sqrt(${a})` : `${HELPER_PREFIX}sqrt(${a})`;
        break;
      default: {
        const fn = UNARY_WGSL[n.op];
        if (!fn) throw new Error(`no WGSL for op ${n.op}`);
        // WGSL leaves builtins of NaN indeterminate (SwiftShader: exp(NaN) = ∞, sign(NaN) = 0, which
        // would let a NaN gradient become a finite step): NaN in gives NaN out, as in float64.
        e = fn.startsWith(HELPER_PREFIX) ? `${fn}(${a})` : `${HELPER_PREFIX}keepnan(${a}, ${fn}(${a}))`;
      }
    }
    const t = `t${id}${options.suffix ?? ''}`;
    lines.push(`  let ${t} = ${e};`);
    name.set(id, t);
  }
  return { lines, exprs: outputs.map(ref) };
}

/** What the emitter needs from the compiled objective. */
export interface WgslOutputs {
  dim: number;
  nparam: number;
  f: number;
  grad: readonly number[];
  hess: readonly number[];
  hvp: readonly number[];
  observables: readonly number[];
}

/** c·t for a constant operand beyond f32's range: t times its exact scale factors in turn. */
function scaled(dag: Dag, ia: number, ib: number, a: string, b: string): string | null {
  const [c, t] = dag.isConst(ia) ? [ia, b] : dag.isConst(ib) ? [ib, a] : [-1, ''];
  if (c < 0 || !beyondF32(dag.constValue(c))) return null;
  return scaleFactors(dag.constValue(c)).reduce((acc, f) => `(${acc} * ${f})`, t);
}

/** t / c and c / t for a constant beyond f32's range, through its scale factors. */
function scaledQuotient(dag: Dag, ia: number, ib: number, a: string, b: string): string | null {
  if (dag.isConst(ib) && beyondF32(dag.constValue(ib)))
    return scaleFactors(dag.constValue(ib)).reduce((acc, f) => `(${acc} / ${f})`, a);
  if (dag.isConst(ia) && beyondF32(dag.constValue(ia))) {
    const [first, ...rest] = scaleFactors(dag.constValue(ia));
    return rest.reduce((acc, f) => `(${acc} * ${f})`, `(${first} / ${b})`);
  }
  return null;
}

/**
 * a^b (dag.ts, power semantics). A constant exponent beyond f32's range is clamped to its largest
 * (or smallest) f32 of the same sign, which gives the same 0, 1 or ∞ for every f32 base; an odd one
 * beyond 2²⁴ keeps the base's sign; a positive constant base is exp2(b·log2 c), log2 c taken in
 * float64, so 1e300^x keeps its true range.
 */
function powExpr(dag: Dag, ia: number, ib: number, a: string, b: string): string {
  if (dag.isConst(ia)) {
    const c = dag.constValue(ia);
    if (c > 0 && c !== 1 && Number.isFinite(c)) return `exp2(${b} * ${f32Literal(Math.log2(c))})`;
  }
  let exponent = b;
  if (dag.isConst(ib)) {
    const v = dag.constValue(ib);
    const m = Math.abs(v);
    if (Number.isFinite(v) && m > F32_MAX) exponent = f32Literal(Math.sign(v) * F32_MAX);
    else if (m !== 0 && m < F32_MIN_NORMAL) exponent = f32Literal(Math.sign(v) * F32_MIN_NORMAL);
  }
  return isOddConstant(dag, ib)
    ? `${HELPER_PREFIX}pow_odd(${a}, ${exponent})`
    : `${HELPER_PREFIX}pow(${a}, ${exponent})`;
}

/** Whether node `id` is a constant odd integer (an exponent whose parity f32 may not hold). */
function isOddConstant(dag: Dag, id: number): boolean {
  const n = dag.nodes[id];
  return n.op === Op.CONST && Math.abs(n.value) < 2 ** 53 && Math.abs(n.value % 2) === 1;
}

/** Whether a node reachable from `roots` satisfies `test` (helpers are emitted only when called). */
function uses(dag: Dag, roots: readonly number[], test: (n: DagNode) => boolean): boolean {
  const mark = dag.reachable(roots);
  return dag.nodes.some((n, id) => mark[id] === 1 && test(n));
}

/** The objective's WGSL, with the declarations and functions that types.ts documents. */
export function emitWgsl(dag: Dag, o: WgslOutputs): string {
  const { dim } = o;
  const all = [o.f, ...o.grad, ...o.hess, ...o.hvp, ...o.observables];
  const arr = 'array<f32, DIM>';
  const fn = (sig: string, outputs: readonly number[], ret: (exprs: string[]) => string): string => {
    const { lines, exprs } = emitBody(dag, outputs);
    return `${sig} {\n${lines.join('\n')}${lines.length ? '\n' : ''}  return ${ret(exprs)};\n}\n`;
  };
  const parts = [
    '// Generated by gdlab from the objective; do not edit.',
    `const DIM: u32 = ${dim}u;`,
    `const DIM_SQ: u32 = ${dim * dim}u;`,
    `const NPARAM: u32 = ${Math.max(1, o.nparam)}u;`,
    'var<private> P: array<f32, NPARAM>;',
    '',
    BITS,
    uses(dag, all, (n) => UNARY_WGSL[n.op] !== undefined && !UNARY_WGSL[n.op]!.startsWith(HELPER_PREFIX))
      ? KEEPNAN
      : '',
    uses(dag, all, (n) => n.op === Op.POW) ? POW : '',
    uses(dag, all, (n) => n.op === Op.POW && isOddConstant(dag, n.args[1])) ? POW_ODD : '',
    uses(dag, all, (n) => n.op === Op.TANH) ? TANH : '',
    uses(dag, all, (n) => n.op === Op.LOG) ? LOG : '',
    uses(dag, all, (n) => n.op === Op.SQRT) ? SQRT : '',
    fn(`fn objective_f(x: ${arr}) -> f32`, [o.f], (e) => e[0]),
    fn(`fn objective_grad(x: ${arr}) -> ${arr}`, o.grad, (e) => `${arr}(${e.join(', ')})`),
    fn(
      `fn objective_hess(x: ${arr}) -> array<f32, DIM_SQ>`,
      o.hess,
      (e) => `array<f32, DIM_SQ>(${e.join(', ')})`,
    ),
    fn(`fn objective_hvp(x: ${arr}, v: ${arr}) -> ${arr}`, o.hvp, (e) => `${arr}(${e.join(', ')})`),
  ];
  for (let i = 0; i < 2; i++) {
    const sig = `fn observable_${i}(x: ${arr}) -> f32`;
    if (i < o.observables.length) parts.push(fn(sig, [o.observables[i]], (e) => e[0]));
    else parts.push(`${sig} {\n  return ${NAN};\n}\n`);
  }
  return parts.join('\n');
}
