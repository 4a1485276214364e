/**
 * The hash-consed expression DAG: structurally identical nodes share one id, so common
 * subexpressions (within f and across its derivatives) are built, evaluated and emitted once.
 * Children always have smaller ids than their parents, so ascending id order is a topological order.
 */
import { evalUnary, inF32Range, Op, powi, UNARY_OPS, type DagNode } from './ops.ts';
import { ObjectiveError } from './types.ts';

export { evalUnary, Op, powi, type DagNode } from './ops.ts';

/** Default bound on the nodes of one objective's DAG (f, derivatives and observables together). */
export const MAX_NODES = 50_000;

/**
 * Power semantics, shared by every back end (the float64 tape, WGSL, and any other emitter):
 *
 * - POWI a^n holds an integer exponent with |n| ≤ POWI_MAX = 2²⁴, so that n is exact in an i32, in an
 *   f32 and in a float64, and its magnitude has at most 25 bits. It is computed by repeated squaring
 *   over the *unsigned* magnitude |n| (a loop of at most 32 rounds whatever n is: never `abs` of a
 *   signed integer, whose most negative value stays negative), then 1/r for n < 0. So the sign of a
 *   negative base is exact, and overflow gives ±∞ (1/∞ = 0) as the arithmetic says. Back ends may
 *   unroll |n| ≤ 4 as a product chain.
 * - (a^m)^n folds to a^(mn) only while |mn| ≤ POWI_MAX; otherwise the two powers stay nested, which is
 *   what the text says and overflows the same way.
 * - Every other exponent (real, non-constant, or an integer beyond POWI_MAX) is POW with the meaning of
 *   JavaScript's Math.pow: b = 0 gives 1 (even for a NaN base); a NaN otherwise gives NaN; a < 0
 *   gives |a|^b for an even integer b, -|a|^b for an odd one and NaN for a finite non-integer b;
 *   a = ±0 gives 0 for b > 0 and ∞ for b < 0; |a| = 1 with b = ±∞ gives NaN (JavaScript, unlike C);
 *   otherwise |a|^±∞ is 0 or ∞. A float64 back end calls Math.pow (or implements exactly this); WGSL's
 *   pow is undefined for a ≤ 0, so the WGSL emitter calls obj_pow, which implements these cases.
 * - LOG and SQRT have Math.log's and Math.sqrt's meaning: log(±0) = -∞, log(a < 0) = NaN,
 *   sqrt(a < 0) = NaN (WGSL leaves them undefined; obj_log, obj_sqrt).
 * - Constants fold in float64 with the same rules; a constant factor is merged into another only when
 *   the product is a normal float32, so reassociation never creates a constant the GPU cannot hold.
 * - Numbers keep their float64 range on the GPU where f32 can express the result: a constant factor
 *   or divisor beyond f32's normal range is applied as exact power-of-two factors in turn (1e300·x is
 *   0 at x = 0, not ∞·0 = NaN); a constant exponent beyond f32's range is clamped to the largest (or
 *   smallest) f32 of its sign, which gives every f32 base the same 0, 1 or ∞; a positive constant
 *   base is exp2(b·log2 c) with log2 c from float64; an odd integer exponent beyond 2²⁴ keeps its
 *   parity (obj_pow_odd), since its f32 literal is even. What f32 cannot hold (a result beyond
 *   3.4e38) is ±∞ there, as its arithmetic says.
 */
export const POWI_MAX = 2 ** 24;

/**
 * A DAG under construction. Builders simplify lightly (constant folding, x+0, x*1, x*0, x^1, x^0,
 * --x) and hash-cons, so building the same expression twice returns the same id.
 */
export class Dag {
  readonly nodes: DagNode[] = [];
  private readonly ids = new Map<string, number>();
  readonly zero: number;
  readonly one: number;

  /**
   * @param maxNodes bound on the DAG's size: derivatives of long products grow quadratically, and a
   * shared link must not be able to ask the GPU driver to compile megabytes of WGSL.
   */
  constructor(readonly maxNodes = MAX_NODES) {
    this.zero = this.constant(0);
    this.one = this.constant(1);
  }

  private intern(op: Op, args: number[], value = 0): number {
    // -0 and 0 differ (1/-0), so the key tells them apart; NaN keys all alike.
    const v = Object.is(value, -0) ? '-0' : String(value);
    const key = `${op}|${v}|${args.join(',')}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nodes.length;
      if (id >= this.maxNodes)
        throw new ObjectiveError(
          `expression too large: f and its derivatives need more than ${this.maxNodes} distinct subexpressions; simplify it or use fewer variables`,
        );
      this.nodes.push({ op, args, value });
      this.ids.set(key, id);
    }
    return id;
  }

  node(id: number): DagNode {
    return this.nodes[id];
  }
  isConst(id: number, v?: number): boolean {
    const n = this.nodes[id];
    return n.op === Op.CONST && (v === undefined || n.value === v);
  }
  constValue(id: number): number {
    return this.nodes[id].value;
  }

  constant(v: number): number {
    return this.intern(Op.CONST, [], v);
  }
  variable(i: number): number {
    return this.intern(Op.VAR, [], i);
  }
  param(j: number): number {
    return this.intern(Op.PARAM, [], j);
  }
  dir(i: number): number {
    return this.intern(Op.DIR, [], i);
  }

  add(a: number, b: number): number {
    if (this.isConst(a) && this.isConst(b)) return this.constant(this.constValue(a) + this.constValue(b));
    if (this.isConst(a, 0)) return b;
    if (this.isConst(b, 0)) return a;
    if (this.nodes[b].op === Op.NEG) return this.sub(a, this.nodes[b].args[0]);
    if (this.nodes[a].op === Op.NEG) return this.sub(b, this.nodes[a].args[0]);
    const common = this.commonFactor(a, b);
    if (common)
      return common[2]
        ? this.mul(common[0], this.sub(common[1], common[3]))
        : this.mul(common[0], this.add(common[1], common[3]));
    // Commutative: a canonical order lets a+b and b+a share one node.
    return a <= b ? this.intern(Op.ADD, [a, b]) : this.intern(Op.ADD, [b, a]);
  }

  sub(a: number, b: number): number {
    if (this.isConst(a) && this.isConst(b)) return this.constant(this.constValue(a) - this.constValue(b));
    if (this.isConst(b, 0)) return a;
    if (this.isConst(a, 0)) return this.neg(b);
    if (this.nodes[b].op === Op.NEG) return this.add(a, this.nodes[b].args[0]);
    const common = this.commonFactor(a, b);
    if (common)
      return common[2]
        ? this.mul(common[0], this.add(common[1], common[3]))
        : this.mul(common[0], this.sub(common[1], common[3]));
    return this.intern(Op.SUB, [a, b]);
  }

  /**
   * For a = c·p and b = ±c·q (constant c): [c, p, negated, q]. Factoring c out of sums is what
   * collapses the constant factors of differentiated squares, e.g. ½(-2p - 2q) = -(p + q).
   */
  private commonFactor(a: number, b: number): [number, number, boolean, number] | null {
    const na = this.nodes[a];
    const nb = this.nodes[b];
    if (na.op !== Op.MUL || nb.op !== Op.MUL || !this.isConst(na.args[0]) || !this.isConst(nb.args[0]))
      return null;
    const ca = this.constValue(na.args[0]);
    const cb = this.constValue(nb.args[0]);
    if (ca === cb) return [na.args[0], na.args[1], false, nb.args[1]];
    if (ca === -cb) return [na.args[0], na.args[1], true, nb.args[1]];
    return null;
  }

  mul(a: number, b: number): number {
    if (this.isConst(a) && this.isConst(b)) return this.constant(this.constValue(a) * this.constValue(b));
    // x*0 = 0 prunes derivative terms; it ignores 0·∞ = NaN, as every symbolic system does.
    if (this.isConst(a, 0) || this.isConst(b, 0)) return this.zero;
    if (this.isConst(a, 1)) return b;
    if (this.isConst(b, 1)) return a;
    if (this.isConst(a, -1)) return this.neg(b);
    if (this.isConst(b, -1)) return this.neg(a);
    const na = this.nodes[a];
    const nb = this.nodes[b];
    if (na.op === Op.NEG && nb.op === Op.NEG) return this.mul(na.args[0], nb.args[0]);
    if (na.op === Op.NEG) return this.neg(this.mul(na.args[0], b));
    if (nb.op === Op.NEG) return this.neg(this.mul(a, nb.args[0]));
    if (a === b) return this.powi(a, 2);
    // Constant factors go first and are pulled outward, so that derivative chains like
    // (2·r·y)/2 collapse to r·y: c1·(c2·t) = (c1c2)·t and a·(c·t) = c·(a·t).
    if (this.isConst(b)) return this.mul(b, a);
    if (this.isConst(a)) {
      if (nb.op === Op.MUL && this.isConst(nb.args[0])) {
        const c = this.constValue(a) * this.constValue(nb.args[0]);
        if (inF32Range(c)) return this.mul(this.constant(c), nb.args[1]);
      }
      return this.intern(Op.MUL, [a, b]);
    }
    if (na.op === Op.MUL && this.isConst(na.args[0])) return this.mul(na.args[0], this.mul(na.args[1], b));
    if (nb.op === Op.MUL && this.isConst(nb.args[0])) return this.mul(nb.args[0], this.mul(a, nb.args[1]));
    // Commutative: a canonical order lets x·y and y·x share one node.
    return a <= b ? this.intern(Op.MUL, [a, b]) : this.intern(Op.MUL, [b, a]);
  }

  div(a: number, b: number): number {
    if (this.isConst(a) && this.isConst(b)) return this.constant(this.constValue(a) / this.constValue(b));
    if (this.isConst(b, 1)) return a;
    if (this.isConst(b, -1)) return this.neg(a);
    if (this.isConst(a, 0)) return this.zero;
    if (this.isConst(b)) {
      // Dividing by a power of two is multiplying by its exact reciprocal, which can then merge
      // with other constant factors.
      const c = this.constValue(b);
      const r = 1 / c;
      if (inF32Range(r) && r !== 0 && Math.abs(Math.log2(Math.abs(c))) % 1 === 0)
        return this.mul(this.constant(r), a);
    }
    const na = this.nodes[a];
    if (na.op === Op.NEG) return this.neg(this.div(na.args[0], b));
    return this.intern(Op.DIV, [a, b]);
  }

  neg(a: number): number {
    const n = this.nodes[a];
    if (n.op === Op.CONST) return this.constant(-n.value);
    if (n.op === Op.NEG) return n.args[0];
    if (n.op === Op.MUL && this.isConst(n.args[0]))
      return this.mul(this.constant(-this.constValue(n.args[0])), n.args[1]);
    if (n.op === Op.SUB) return this.intern(Op.SUB, [n.args[1], n.args[0]]);
    return this.intern(Op.NEG, [a]);
  }

  /** a^n, n an integer with |n| ≤ POWI_MAX. */
  powi(a: number, n: number): number {
    if (!Number.isInteger(n) || Math.abs(n) > POWI_MAX) throw new Error(`powi exponent out of range: ${n}`);
    if (n === 0) return this.one;
    if (n === 1) return a;
    if (this.isConst(a)) return this.constant(powi(this.constValue(a), n));
    const na = this.nodes[a];
    // (a^m)^n = a^(mn) holds for integers while mn fits; (-a)^n = ±a^n.
    if (na.op === Op.POWI && Math.abs(na.value * n) <= POWI_MAX) return this.powi(na.args[0], na.value * n);
    if (na.op === Op.NEG) {
      const p = this.powi(na.args[0], n);
      return n % 2 === 0 ? p : this.neg(p);
    }
    return this.intern(Op.POWI, [a], n);
  }

  /** a^b: integer constant exponents become POWI, e^b becomes exp(b). */
  pow(a: number, b: number): number {
    if (this.isConst(b)) {
      const n = this.constValue(b);
      if (Number.isInteger(n) && Math.abs(n) <= POWI_MAX) return this.powi(a, n);
      if (this.isConst(a)) return this.constant(Math.pow(this.constValue(a), n));
      if (n === 0.5) return this.unary(Op.SQRT, a);
    }
    if (this.isConst(a, Math.E)) return this.unary(Op.EXP, b);
    if (this.isConst(a) && this.isConst(b))
      return this.constant(Math.pow(this.constValue(a), this.constValue(b)));
    return this.intern(Op.POW, [a, b]);
  }

  unary(op: Op, a: number): number {
    if (!UNARY_OPS.has(op)) throw new Error(`not a unary op: ${op}`);
    if (op === Op.NEG) return this.neg(a);
    if (this.isConst(a)) return this.constant(evalUnary(op, this.constValue(a)));
    const na = this.nodes[a];
    if (op === Op.ABS && (na.op === Op.ABS || na.op === Op.NEG)) return this.unary(Op.ABS, na.args[0]);
    if (op === Op.LOG && na.op === Op.EXP) return na.args[0];
    return this.intern(op, [a]);
  }

  /** a < b ? c : d. */
  select(a: number, b: number, c: number, d: number): number {
    if (c === d) return c;
    if (this.isConst(a) && this.isConst(b)) return this.constValue(a) < this.constValue(b) ? c : d;
    return this.intern(Op.SELECT, [a, b, c, d]);
  }

  /** Marks the nodes reachable from `roots`. */
  reachable(roots: readonly number[]): Uint8Array {
    const mark = new Uint8Array(this.nodes.length);
    for (const r of roots) mark[r] = 1;
    for (let id = this.nodes.length - 1; id >= 0; id--) {
      if (!mark[id]) continue;
      for (const c of this.nodes[id].args) mark[c] = 1;
    }
    return mark;
  }

  /**
   * Forward-mode symbolic derivative of `root`: `seed(leaf)` gives the derivative of a VAR/DIR/PARAM
   * leaf (for ∂/∂x_k: 1 for x_k, 0 otherwise; for the directional derivative along v: v_i for x_i).
   * Exact: every rule below is the calculus rule, not an approximation.
   */
  derive(root: number, seed: (node: DagNode) => number): number {
    const n0 = this.nodes.length;
    const mark = this.reachable([root]);
    const d = new Map<number, number>();
    for (let id = 0; id < n0; id++) {
      if (!mark[id]) continue;
      d.set(id, this.deriveNode(id, d, seed));
    }
    return d.get(root) as number;
  }

  private deriveNode(id: number, d: Map<number, number>, seed: (node: DagNode) => number): number {
    const n = this.nodes[id];
    const a = n.args[0];
    const da = n.args.length > 0 ? (d.get(a) as number) : this.zero;
    switch (n.op) {
      case Op.CONST:
        return this.zero;
      case Op.VAR:
      case Op.PARAM:
      case Op.DIR:
        return seed(n);
      case Op.ADD:
        return this.add(da, d.get(n.args[1]) as number);
      case Op.SUB:
        return this.sub(da, d.get(n.args[1]) as number);
      case Op.MUL: {
        const b = n.args[1];
        return this.add(this.mul(da, b), this.mul(a, d.get(b) as number));
      }
      case Op.DIV: {
        // (a/b)' = (a' - (a/b) b') / b reuses the quotient node.
        const b = n.args[1];
        const db = d.get(b) as number;
        if (this.isConst(db, 0)) return this.div(da, b);
        return this.div(this.sub(da, this.mul(id, db)), b);
      }
      case Op.NEG:
        return this.neg(da);
      case Op.POWI:
        if (this.isConst(da, 0)) return this.zero;
        // n - 1 may step past -POWI_MAX: a^(n-1) = a^n / a there.
        return this.mul(
          this.mul(
            this.constant(n.value),
            n.value - 1 >= -POWI_MAX ? this.powi(a, n.value - 1) : this.div(id, a),
          ),
          da,
        );
      case Op.POW: {
        const b = n.args[1];
        const db = d.get(b) as number;
        // y x^(y-1) dx + x^y log(x) dy.
        const t1 = this.isConst(da, 0)
          ? this.zero
          : this.mul(this.mul(b, this.pow(a, this.sub(b, this.one))), da);
        const t2 = this.isConst(db, 0) ? this.zero : this.mul(this.mul(id, this.unary(Op.LOG, a)), db);
        return this.add(t1, t2);
      }
      case Op.SELECT:
        return this.select(n.args[0], n.args[1], d.get(n.args[2]) as number, d.get(n.args[3]) as number);
      default:
        break;
    }
    if (this.isConst(da, 0)) return this.zero;
    switch (n.op) {
      case Op.SIN:
        return this.mul(this.unary(Op.COS, a), da);
      case Op.COS:
        return this.neg(this.mul(this.unary(Op.SIN, a), da));
      case Op.TAN:
        return this.mul(this.add(this.one, this.powi(id, 2)), da);
      case Op.EXP:
        return this.mul(id, da);
      case Op.LOG:
        return this.div(da, a);
      case Op.SQRT:
        return this.div(da, this.mul(this.constant(2), id));
      case Op.ABS:
        return this.mul(this.unary(Op.SIGN, a), da);
      case Op.SIGN:
        return this.zero;
      case Op.TANH:
        return this.mul(this.sub(this.one, this.powi(id, 2)), da);
      case Op.COSH:
        return this.mul(this.unary(Op.SINH, a), da);
      case Op.SINH:
        return this.mul(this.unary(Op.COSH, a), da);
      default:
        throw new Error(`cannot differentiate op ${n.op}`);
    }
  }

  /** ∂root/∂x_k. */
  partial(root: number, k: number): number {
    return this.derive(root, (n) => (n.op === Op.VAR && n.value === k ? this.one : this.zero));
  }

  /** Directional derivative Σ_i ∂root/∂x_i v_i, with v the symbolic DIR leaves. */
  directional(root: number): number {
    return this.derive(root, (n) => (n.op === Op.VAR ? this.dir(n.value) : this.zero));
  }
}
