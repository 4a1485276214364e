/**
 * Float64 evaluation without eval/new Function: the part of the DAG reachable from some outputs is
 * flattened into a tape (op code and operand slots in one Int32Array) and run by one tight loop over
 * a Float64Array of slots. Each shared node is one instruction, so common subexpressions are computed
 * once; the slots are allocated once per tape, so a call allocates nothing.
 */
import { Dag, Op, evalUnary, powi } from './dag.ts';

/** Instruction stride in `code`: op, a, b, c, d. */
const STRIDE = 5;

// Module-local copies of the op codes and helpers: under vitest (and any loader that rewrites
// imports into namespace-object accesses) `Op.ADD` in the hot loop is a getter call per case, which
// made the interpreter ten times slower there.
const ADD = Op.ADD;
const SUB = Op.SUB;
const MUL = Op.MUL;
const DIV = Op.DIV;
const NEG = Op.NEG;
const POWI = Op.POWI;
const POW = Op.POW;
const SIN = Op.SIN;
const COS = Op.COS;
const EXP = Op.EXP;
const SELECT = Op.SELECT;
const powiLocal = powi;
const evalUnaryLocal = evalUnary;

/** A compiled tape for a fixed set of outputs. */
export class Tape {
  /** Slot layout: [0, dim) x, [dim, dim+np) parameters, then v (dim), constants, then temporaries. */
  readonly slots: Float64Array;
  readonly code: Int32Array;
  readonly count: number;
  /** First temporary slot: instruction i writes slot `base + i`. */
  readonly base: number;
  /** Slot of each output. */
  readonly out: Int32Array;
  private readonly dim: number;
  private readonly nparam: number;

  constructor(dag: Dag, outputs: readonly number[], dim: number, nparam: number) {
    this.dim = dim;
    this.nparam = nparam;
    const mark = dag.reachable(outputs);
    const slotOf = new Int32Array(dag.nodes.length).fill(-1);
    const vBase = dim + nparam;
    const constants: number[] = [];
    let temps = 0;
    for (let id = 0; id < dag.nodes.length; id++) {
      if (!mark[id]) continue;
      const n = dag.nodes[id];
      if (n.op === Op.CONST) constants.push(id);
      else if (n.op !== Op.VAR && n.op !== Op.PARAM && n.op !== Op.DIR) temps++;
    }
    const cBase = vBase + dim;
    this.base = cBase + constants.length;
    this.slots = new Float64Array(this.base + temps);
    constants.forEach((id, i) => {
      slotOf[id] = cBase + i;
      this.slots[cBase + i] = dag.nodes[id].value;
    });
    this.code = new Int32Array(temps * STRIDE);
    let k = 0;
    for (let id = 0; id < dag.nodes.length; id++) {
      if (!mark[id]) continue;
      const n = dag.nodes[id];
      if (n.op === Op.VAR) slotOf[id] = n.value;
      else if (n.op === Op.PARAM) slotOf[id] = dim + n.value;
      else if (n.op === Op.DIR) slotOf[id] = vBase + n.value;
      else if (n.op !== Op.CONST) {
        const at = k * STRIDE;
        this.code[at] = n.op;
        for (let j = 0; j < n.args.length; j++) this.code[at + 1 + j] = slotOf[n.args[j]];
        // POWI keeps its exponent as an immediate in the b field: |n| ≤ POWI_MAX fits an i32 exactly.
        if (n.op === Op.POWI) this.code[at + 2] = n.value;
        slotOf[id] = this.base + k;
        k++;
      }
    }
    this.count = temps;
    this.out = Int32Array.from(outputs, (id) => slotOf[id]);
  }

  /** Loads x, p (and v) into the slots and runs every instruction. */
  run(x: ArrayLike<number>, p: ArrayLike<number>, v?: ArrayLike<number>): Float64Array {
    const s = this.slots;
    const dim = this.dim;
    for (let i = 0; i < dim; i++) s[i] = x[i];
    for (let j = 0; j < this.nparam; j++) s[dim + j] = p[j];
    if (v) {
      const vb = dim + this.nparam;
      for (let i = 0; i < dim; i++) s[vb + i] = v[i];
    }
    exec(this.code, s, this.base, this.count);
    return s;
  }

  /** Runs and copies the outputs into out. */
  runInto(
    x: ArrayLike<number>,
    p: ArrayLike<number>,
    v: ArrayLike<number> | undefined,
    out: Float64Array,
  ): void {
    const s = this.run(x, p, v);
    const o = this.out;
    for (let i = 0; i < o.length; i++) out[i] = s[o[i]];
  }

  /** Runs and returns the first output. */
  runScalar(x: ArrayLike<number>, p: ArrayLike<number>): number {
    return this.run(x, p)[this.out[0]];
  }
}

/** The interpreter loop: kept monomorphic and allocation-free, it is the CPU engine's inner loop. */
function exec(code: Int32Array, s: Float64Array, base: number, count: number): void {
  for (let i = 0, k = 0; i < count; i++, k += STRIDE) {
    const a = s[code[k + 1]];
    let r: number;
    switch (code[k]) {
      case ADD:
        r = a + s[code[k + 2]];
        break;
      case SUB:
        r = a - s[code[k + 2]];
        break;
      case MUL:
        r = a * s[code[k + 2]];
        break;
      case DIV:
        r = a / s[code[k + 2]];
        break;
      case NEG:
        r = -a;
        break;
      case POWI:
        r = powiLocal(a, code[k + 2]);
        break;
      case POW:
        r = Math.pow(a, s[code[k + 2]]);
        break;
      case SIN:
        r = Math.sin(a);
        break;
      case COS:
        r = Math.cos(a);
        break;
      case EXP:
        r = Math.exp(a);
        break;
      case SELECT:
        r = a < s[code[k + 2]] ? s[code[k + 3]] : s[code[k + 4]];
        break;
      default:
        r = evalUnaryLocal(code[k] as Op, a);
    }
    s[base + i] = r;
  }
}
