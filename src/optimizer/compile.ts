/**
 * The update rules of rules.ts built into one hash-consed DAG (src/objective/dag.ts) per optimizer:
 * the per-coordinate step, its exact tangent (the directional derivative of every output along the
 * tangents of x, g and the state; the engines supply δg = ∇²f(x)·δx from the objective's
 * Hessian-vector product), and the scalar bias clocks. Every engine emits from this DAG: WGSL
 * (src/optimizer/wgsl.ts), WebAssembly (src/reference/kernel) and the float64 tape (tapes() here), so
 * the three compute the same formulas, and the compiled float64 kernel equals the tape bit for bit.
 */
import { UNARY_OP } from '../objective/compile.ts';
import { Dag, Op, type DagNode } from '../objective/dag.ts';
import { parseExpression, type Ast } from '../objective/parse.ts';
import { Tape } from '../objective/tape.ts';
import { fold } from '../objective/walk.ts';
import { CLOCKS, hasClocks, RULES, type OptimizerKind, type OptimizerSettings } from './rules.ts';

/** VAR leaves of the rule DAG: x, g, then the state vectors, then the clocks. */
export const RULE_VAR = { x: 0, g: 1, state: 2 } as const;
/** PARAM leaves: this coordinate's rate, the hyperparameters (HYPER_NAMES order), the bias factors. */
export const RULE_PARAM = { h: 0, beta: 1, beta2: 2, eps: 3, c1: 4, c2: 5 } as const;
export const RULE_PARAMS = 6;

/** An optimizer's rule as a DAG, with the node of each output. */
export interface CompiledOptimizer {
  readonly kind: OptimizerKind;
  /** Whether the bias clocks run (Adam with bias correction). */
  readonly clocks: boolean;
  /** `gd`, `adam`, `adam-nobc`: what distinguishes compiled kernels. */
  readonly key: string;
  /** Names of the state vectors besides x (v; s; m, s). */
  readonly state: readonly string[];
  /** Number of state vectors (0 for GD). */
  readonly nstate: number;
  /** Number of scalar clocks (2 for bias-corrected Adam, else 0). */
  readonly nclock: number;
  /** VAR leaves: 2 + nstate + nclock. */
  readonly nvar: number;
  readonly dag: Dag;
  /** Per coordinate: x', then each state's new value (VAR leaves x, g, state; PARAM leaves). */
  readonly step: readonly number[];
  /** Their directional derivatives along DIR leaves δx, δg, δstate (same order as VAR). */
  readonly tangent: readonly number[];
  /** Per trajectory and step: the new clocks, then the factors c1, c2 (VAR leaves: the clocks). */
  readonly clock: readonly number[];
}

/** Words of a trajectory's state: x and the state vectors (what the tangent map and period test see), then clocks. */
export interface StateSize {
  dim: number;
  /** dim · (1 + nstate): x and the optimizer's vectors. */
  tdim: number;
  /** tdim + nclock. */
  sdim: number;
}

export function stateSize(opt: CompiledOptimizer, dim: number): StateSize {
  const tdim = dim * (1 + opt.nstate);
  return { dim, tdim, sdim: tdim + opt.nclock };
}

/** The state at k = 0: x0, every optimizer vector 0, every clock 1. */
export function stateStart(
  opt: CompiledOptimizer,
  x0: ArrayLike<number>,
  dim: number,
  out: Float64Array,
): void {
  for (let i = 0; i < dim; i++) out[i] = x0[i];
  const { tdim, sdim } = stateSize(opt, dim);
  out.fill(0, dim, tdim);
  out.fill(1, tdim, sdim);
}

const astChildren = (n: Ast): Ast[] =>
  n.kind === 'neg' ? [n.arg] : n.kind === 'binary' ? [n.left, n.right] : n.kind === 'call' ? n.args : [];

/** A rule expression into the DAG, its symbols bound by `env` (the rules are ours, so a miss is a bug). */
function build(dag: Dag, text: string, env: ReadonlyMap<string, number>): number {
  return fold(parseExpression(text), astChildren, (ast, k: number[]) => {
    switch (ast.kind) {
      case 'num':
        return dag.constant(ast.value);
      case 'ident': {
        const id = env.get(ast.name);
        if (id === undefined) throw new Error(`rule '${text}': unknown symbol '${ast.name}'`);
        return id;
      }
      case 'neg':
        return dag.neg(k[0]);
      case 'binary':
        if (ast.op === '+') return dag.add(k[0], k[1]);
        if (ast.op === '-') return dag.sub(k[0], k[1]);
        if (ast.op === '*') return dag.mul(k[0], k[1]);
        if (ast.op === '/') return dag.div(k[0], k[1]);
        return dag.pow(k[0], k[1]);
      case 'call': {
        const op = UNARY_OP.get(ast.fn);
        if (op === undefined) throw new Error(`rule '${text}': ${ast.fn} is not for rules`);
        return dag.unary(op, k[0]);
      }
    }
  });
}

const cache = new Map<string, CompiledOptimizer>();

/** The compiled rule of an optimizer (memoised: there are six of them). */
export function compileOptimizer(o: Pick<OptimizerSettings, 'kind' | 'biasCorrection'>): CompiledOptimizer {
  const clocks = hasClocks(o);
  const key = RULES[o.kind].biased && !clocks ? `${o.kind}-nobc` : o.kind;
  let c = cache.get(key);
  if (!c) cache.set(key, (c = buildOptimizer(o.kind, clocks, key)));
  return c;
}

function buildOptimizer(kind: OptimizerKind, clocks: boolean, key: string): CompiledOptimizer {
  const rule = RULES[kind];
  const dag = new Dag();
  const ns = rule.state.length;
  const nc = clocks ? CLOCKS.length : 0;
  const P = RULE_PARAM;
  const env = new Map<string, number>([
    ['x', dag.variable(RULE_VAR.x)],
    ['g', dag.variable(RULE_VAR.g)],
    ['h', dag.param(P.h)],
    ['beta', dag.param(P.beta)],
    ['beta2', dag.param(P.beta2)],
    ['eps', dag.param(P.eps)],
    // Without bias correction the factors are the constant 1, which the DAG folds away.
    ['c1', clocks ? dag.param(P.c1) : dag.one],
    ['c2', clocks ? dag.param(P.c2) : dag.one],
  ]);
  rule.state.forEach(([name], j) => env.set(name, dag.variable(RULE_VAR.state + j)));
  const updated: number[] = [];
  for (const [name, text] of rule.state) {
    const n = build(dag, text, env);
    updated.push(n);
    // The x update (and later state updates) see the new value.
    env.set(name, n);
  }
  const step = [build(dag, rule.x, env), ...updated];
  // δ of x, g and the state; the clocks and every PARAM have none (they do not depend on x).
  const seed = (n: DagNode) =>
    n.op === Op.VAR && n.value < RULE_VAR.state + ns ? dag.dir(n.value) : dag.zero;
  const tangent = step.map((n) => dag.derive(n, seed));

  const cenv = new Map<string, number>([
    ['beta', dag.param(P.beta)],
    ['beta2', dag.param(P.beta2)],
  ]);
  const next: number[] = [];
  const factors: number[] = [];
  CLOCKS.slice(0, nc).forEach(([name, update, , value], j) => {
    cenv.set(name, dag.variable(RULE_VAR.state + ns + j));
    const b = build(dag, update, cenv);
    cenv.set(name, b);
    next.push(b);
    factors.push(build(dag, value, cenv));
  });
  return {
    kind,
    clocks,
    key,
    state: rule.state.map(([n]) => n),
    nstate: ns,
    nclock: nc,
    nvar: RULE_VAR.state + ns + nc,
    dag,
    step,
    tangent,
    clock: [...next, ...factors],
  };
}

/** Float64 tapes of an optimizer's rule: the oracle the compiled kernels are tested against. */
export interface OptimizerTapes {
  step: Tape;
  tangent: Tape;
  /** Null without clocks. */
  clock: Tape | null;
}

const tapeCache = new WeakMap<CompiledOptimizer, OptimizerTapes>();

/**
 * The tapes (slots: VAR leaves, then the RULE_PARAMS parameters, then DIR leaves). A tape holds its
 * slots, so callers that may interleave evaluations (none today: the engines are synchronous) would
 * need tapes of their own.
 */
export function optimizerTapes(opt: CompiledOptimizer): OptimizerTapes {
  let t = tapeCache.get(opt);
  if (!t) {
    t = {
      step: new Tape(opt.dag, opt.step, opt.nvar, RULE_PARAMS),
      tangent: new Tape(opt.dag, opt.tangent, opt.nvar, RULE_PARAMS),
      clock: opt.nclock ? new Tape(opt.dag, opt.clock, opt.nvar, RULE_PARAMS) : null,
    };
    tapeCache.set(opt, t);
  }
  return t;
}
