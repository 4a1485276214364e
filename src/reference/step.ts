/**
 * One optimizer step on a whole trajectory state, in float64 through the rule's tapes
 * (src/optimizer/compile.ts): the interpreted oracle that the compiled kernel (kernel/) equals bit for
 * bit, and the step of every float64 trajectory the lab and the CLI draw.
 *
 * A state z holds x (dim), each optimizer vector (dim each) and the bias clocks: z = [x, v] for
 * momentum, [x, m, s, b₁, b₂] for bias-corrected Adam, z = x for GD.
 */
import type { CompiledObjective } from '../objective/types.ts';
import {
  compileOptimizer,
  optimizerTapes,
  RULE_PARAM,
  RULE_VAR,
  stateSize,
  stateStart,
  type CompiledOptimizer,
  type OptimizerTapes,
} from '../optimizer/compile.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../optimizer/rules.ts';

/** The hyperparameters as engines store them: [β, β₂, ε] (HYPER_NAMES order). */
export function hyperVector(o: OptimizerSettings): Float64Array {
  return Float64Array.of(o.beta, o.beta2, o.eps);
}

/** Steps and tangent maps of one optimizer on one objective; scratch allocated once. */
export class StateStepper {
  readonly opt: CompiledOptimizer;
  readonly dim: number;
  /** x and the optimizer's vectors: what the tangent map and the period test see. */
  readonly tdim: number;
  /** tdim + the clocks. */
  readonly sdim: number;
  private readonly tapes: OptimizerTapes;
  private readonly g: Float64Array;
  private readonly dg: Float64Array;
  private readonly vars: Float64Array;
  private readonly params: Float64Array;
  private readonly dirs: Float64Array;

  constructor(
    readonly obj: CompiledObjective,
    optimizer: Pick<OptimizerSettings, 'kind' | 'biasCorrection'> = DEFAULT_OPTIMIZER,
  ) {
    this.opt = compileOptimizer(optimizer);
    const s = stateSize(this.opt, obj.dim);
    this.dim = s.dim;
    this.tdim = s.tdim;
    this.sdim = s.sdim;
    this.tapes = optimizerTapes(this.opt);
    this.g = new Float64Array(obj.dim);
    this.dg = new Float64Array(obj.dim);
    this.vars = new Float64Array(this.opt.nvar);
    this.params = new Float64Array(6);
    this.dirs = new Float64Array(this.opt.nvar);
  }

  /** A new state array. */
  alloc(): Float64Array {
    return new Float64Array(this.sdim);
  }

  /** z ← the state at k = 0 from x0. */
  start(x0: ArrayLike<number>, z: Float64Array): void {
    stateStart(this.opt, x0, this.dim, z);
  }

  /** The bias factors of the step from z into params (c1, c2); returns the clock tape's slots or null. */
  private clocks(z: Float64Array, o: ArrayLike<number>): Float64Array | null {
    const { params, vars, opt } = this;
    params[RULE_PARAM.beta] = o[0];
    params[RULE_PARAM.beta2] = o[1];
    params[RULE_PARAM.eps] = o[2];
    const t = this.tapes.clock;
    if (!t) return null;
    const c0 = RULE_VAR.state + opt.nstate;
    for (let j = 0; j < opt.nclock; j++) vars[c0 + j] = z[this.tdim + j];
    const s = t.run(vars, params);
    params[RULE_PARAM.c1] = s[t.out[opt.nclock]];
    params[RULE_PARAM.c2] = s[t.out[opt.nclock + 1]];
    return s;
  }

  /** Loads coordinate i of z (x_i, g_i, the state's component i) into the rule's VAR slots. */
  private coordinate(z: Float64Array, i: number, h: ArrayLike<number>): void {
    const { vars, dim } = this;
    vars[RULE_VAR.x] = z[i];
    vars[RULE_VAR.g] = this.g[i];
    for (let j = 0; j < this.opt.nstate; j++) vars[RULE_VAR.state + j] = z[dim * (1 + j) + i];
    this.params[RULE_PARAM.h] = h[i];
  }

  /** One step in place: z_{k+1} from z_k, with rates h, objective parameters p and hyperparameters o. */
  step(z: Float64Array, h: ArrayLike<number>, p: ArrayLike<number>, o: ArrayLike<number>): void {
    const { dim, opt } = this;
    this.obj.grad(z.subarray(0, dim), p, this.g);
    const clock = this.clocks(z, o);
    const t = this.tapes.step;
    for (let i = 0; i < dim; i++) {
      this.coordinate(z, i, h);
      const s = t.run(this.vars, this.params);
      z[i] = s[t.out[0]];
      for (let j = 0; j < opt.nstate; j++) z[dim * (1 + j) + i] = s[t.out[1 + j]];
    }
    if (clock) {
      const c = this.tapes.clock!;
      for (let j = 0; j < opt.nclock; j++) z[this.tdim + j] = clock[c.out[j]];
    }
  }

  /**
   * out (tdim) ← J_k w: the tangent map of the step at z_k (before the step moves it) on w (tdim),
   * exact: the rule's derivatives with δg = ∇²f(x_k)·δx from the objective.
   */
  tangent(
    z: Float64Array,
    w: ArrayLike<number>,
    h: ArrayLike<number>,
    p: ArrayLike<number>,
    o: ArrayLike<number>,
    out: Float64Array,
  ): void {
    const { dim, opt, dirs, dg } = this;
    const x = z.subarray(0, dim);
    this.obj.grad(x, p, this.g);
    this.obj.hvp(x, p, w, dg);
    this.clocks(z, o);
    const t = this.tapes.tangent;
    for (let i = 0; i < dim; i++) {
      this.coordinate(z, i, h);
      dirs[RULE_VAR.x] = w[i];
      dirs[RULE_VAR.g] = dg[i];
      for (let j = 0; j < opt.nstate; j++) dirs[RULE_VAR.state + j] = w[dim * (1 + j) + i];
      const s = t.run(this.vars, this.params, dirs);
      for (let j = 0; j <= opt.nstate; j++) out[dim * j + i] = s[t.out[j]];
    }
  }
}
