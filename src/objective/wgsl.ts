/**
 * WGSL emission from the same DAG the float64 tape runs. Nothing of the user's text reaches the
 * shader: variables become `x[i]`, parameters `P[j]`, directions `v[i]`, and numbers are re-printed
 * from their float64 values as f32 literals. Every interior node reachable from a function's outputs
 * becomes one `let tN = …;`, so shared subexpressions are computed once per call.
 */
import { Dag, Op, type DagNode } from './dag.ts';

/** Prefix of the helper functions we emit, so they cannot collide with kernel code. */
export const HELPER_PREFIX = 'obj_';

const F32_MAX = 3.4028234663852886e38;

/**
 * An f32 literal for v. Non-finite values cannot be literals (and a NaN or ∞ constant expression is a
 * shader-creation error), so they come from a helper function, which is never constant-evaluated.
 */
export function f32Literal(v: number): string {
  if (Number.isNaN(v)) return `${HELPER_PREFIX}bits(0x7fc00000u)`;
  const r = Math.fround(v);
  if (!Number.isFinite(r) || Math.abs(v) > F32_MAX)
    return v > 0 ? `${HELPER_PREFIX}bits(0x7f800000u)` : `${HELPER_PREFIX}bits(0xff800000u)`;
  // Subnormals may be flushed by the GPU anyway; a literal of one is not portable.
  if (r === 0 || Math.abs(r) < 1.1754943508222875e-38) return Object.is(r, -0) || r < 0 ? '(-0.0f)' : '0.0f';
  // The shortest float64 text of an f32 value is exact, and WGSL rounds it back to the same f32.
  let s = String(Math.abs(r));
  if (!/[.e]/.test(s)) s += '.0';
  return r < 0 ? `(-${s}f)` : `${s}f`;
}

const NAN = `${HELPER_PREFIX}bits(0x7fc00000u)`;
const INF = `${HELPER_PREFIX}bits(0x7f800000u)`;

const BITS = `fn ${HELPER_PREFIX}bits(b: u32) -> f32 {
  return bitcast<f32>(b);
}
`;

/**
 * a^e for the magnitude e of an integer exponent (dag.ts, power semantics): repeated squaring over an
 * unsigned e, in a loop whose bound (32 rounds, the bits of a u32) no user number can change.
 */
const POWI = `fn ${HELPER_PREFIX}powi(b: f32, e: u32) -> f32 {
  var r = 1.0;
  var p = b;
  var m = e;
  for (var round = 0u; round < 32u; round++) {
    if (m == 0u) { break; }
    if ((m & 1u) == 1u) { r = r * p; }
    p = p * p;
    m = m >> 1u;
  }
  return r;
}
`;

/**
 * Math.pow's meaning (dag.ts, power semantics) in f32: WGSL's pow is exp2(b·log2(a)), undefined for
 * a ≤ 0, so zero, infinite and negative bases and infinite exponents are handled here.
 */
const POW = `fn ${HELPER_PREFIX}pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  // Bit tests rather than a != a: compilers may assume floats are finite and fold comparisons away.
  let abits = bitcast<u32>(a) & 0x7fffffffu;
  let bbits = bitcast<u32>(b) & 0x7fffffffu;
  if (abits > 0x7f800000u || bbits > 0x7f800000u) { return ${NAN}; }
  let m = abs(a);
  var r: f32;
  if (bbits == 0x7f800000u) {
    if (m == 1.0) { return ${NAN}; }
    r = select(0.0, ${INF}, (m > 1.0) == (b > 0.0));
  } else if (abits == 0u || abits == 0x7f800000u) {
    r = select(0.0, ${INF}, (abits == 0u) == (b < 0.0));
  } else {
    r = pow(m, b);
  }
  if ((bitcast<u32>(a) & 0x80000000u) != 0u) {
    if (floor(b) != b) {
      if (abits != 0u && abits != 0x7f800000u) { return ${NAN}; }
      return r;
    }
    if (abs(b) < 16777216.0 && (u32(abs(b)) & 1u) == 1u) { return -r; }
  }
  return r;
}
`;

// tanh through exp(-2|a|), which cannot overflow: some drivers return NaN for tanh of large |a|.
const TANH = `fn ${HELPER_PREFIX}tanh(a: f32) -> f32 {
  let e = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e) / (1.0 + e);
}
`;

const UNARY_WGSL: Partial<Record<Op, string>> = {
  [Op.SIN]: 'sin',
  [Op.COS]: 'cos',
  [Op.TAN]: 'tan',
  [Op.EXP]: 'exp',
  [Op.LOG]: 'log',
  [Op.SQRT]: 'sqrt',
  [Op.ABS]: 'abs',
  [Op.SIGN]: 'sign',
  [Op.TANH]: `${HELPER_PREFIX}tanh`,
  [Op.COSH]: 'cosh',
  [Op.SINH]: 'sinh',
};

function powiExpr(a: string, n: number): string {
  const m = Math.abs(n);
  if (m > 4) return n < 0 ? `1.0 / ${HELPER_PREFIX}powi(${a}, ${m}u)` : `${HELPER_PREFIX}powi(${a}, ${m}u)`;
  const chain = Array.from({ length: m }, () => a).join(' * ');
  return n < 0 ? `1.0 / (${chain})` : `(${chain})`;
}

/** The body (let statements) computing `outputs`, and the expression of each output. */
function emitBody(dag: Dag, outputs: readonly number[]): { lines: string[]; exprs: string[] } {
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
        name.set(id, `x[${n.value}]`);
        continue;
      case Op.PARAM:
        name.set(id, `P[${n.value}]`);
        continue;
      case Op.DIR:
        name.set(id, `v[${n.value}]`);
        continue;
      case Op.ADD:
        e = `${a} + ${b}`;
        break;
      case Op.SUB:
        e = `${a} - ${b}`;
        break;
      case Op.MUL:
        e = `${a} * ${b}`;
        break;
      case Op.DIV:
        e = `${a} / ${b}`;
        break;
      case Op.NEG:
        e = `-${a}`;
        break;
      case Op.POWI:
        e = powiExpr(a, n.value);
        break;
      case Op.POW:
        e = `${HELPER_PREFIX}pow(${a}, ${b})`;
        break;
      case Op.SELECT:
        e = `select(${ref(n.args[3])}, ${ref(n.args[2])}, ${a} < ${b})`;
        break;
      default: {
        const fn = UNARY_WGSL[n.op];
        if (!fn) throw new Error(`no WGSL for op ${n.op}`);
        e = `${fn}(${a})`;
      }
    }
    const t = `t${id}`;
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
    uses(dag, all, (n) => n.op === Op.POWI && Math.abs(n.value) > 4) ? POWI : '',
    uses(dag, all, (n) => n.op === Op.POW) ? POW : '',
    uses(dag, all, (n) => n.op === Op.TANH) ? TANH : '',
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
