/**
 * compileObjective: expression text → our Ast (parse.ts) → names resolved → one hash-consed DAG
 * holding f, ∇f, ∇²f, ∇²f·v, ∇³f[v, v] and the observables (dag.ts) → float64 tapes (tape.ts) and
 * WGSL (wgsl.ts). Both back ends read the same DAG, so the CPU and GPU compute the same formulas.
 */
import { Dag, Op } from './dag.ts';
import { clip, listNames, MAX_GENERAL_POWERS, MAX_PARAMS } from './limits.ts';
import { CONSTANTS, parseExpression, type Ast } from './parse.ts';
import { Tape } from './tape.ts';
import { ObjectiveError, type CompiledObjective, type ObjectiveInput } from './types.ts';
import { fold } from './walk.ts';
import { emitWgsl } from './wgsl.ts';

/** Most state variables an objective may have. */
export const MAX_DIM = 8;

interface Ident {
  name: string;
  col: number;
  /** Which expression (0: f, i+1: observable i) it came from, for messages. */
  source: number;
}

/** Every identifier of an Ast, left to right (iteratively: a long sum is a deep tree). */
function collectIdents(ast: Ast, source: number, out: Ident[]): void {
  const stack: Ast[] = [ast];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'ident') out.push({ name: n.name, col: n.col, source });
    else if (n.kind === 'neg') stack.push(n.arg);
    else if (n.kind === 'binary') stack.push(n.right, n.left);
    else if (n.kind === 'call') for (let i = n.args.length - 1; i >= 0; i--) stack.push(n.args[i]);
  }
}

const astChildren = (n: Ast): Ast[] =>
  n.kind === 'neg' ? [n.arg] : n.kind === 'binary' ? [n.left, n.right] : n.kind === 'call' ? n.args : [];

const XY = /^[xy]$/;
const INDEXED = /^x([1-9][0-9]*)$/;

function prefix(source: number): string {
  return source === 0 ? '' : `observable ${source}: `;
}

/** Variables of the objective: decided by f alone (observables must use the same ones). */
function decideVariables(idents: readonly Ident[]): string[] {
  let xy: Ident | null = null;
  let indexed: Ident | null = null;
  let hasY = false;
  let maxIndex = 0;
  for (const id of idents) {
    if (id.source !== 0) continue;
    if (XY.test(id.name)) {
      xy ??= id;
      if (id.name === 'y') hasY = true;
    } else {
      const m = INDEXED.exec(id.name);
      if (!m) continue;
      const k = Number(m[1]);
      if (k > MAX_DIM)
        throw new ObjectiveError(
          `too many variables: '${id.name}' (at most ${MAX_DIM}: x1…x${MAX_DIM})`,
          id.col,
        );
      indexed ??= id;
      maxIndex = Math.max(maxIndex, k);
    }
  }
  if (xy && indexed) {
    const later = xy.col > indexed.col ? xy : indexed;
    throw new ObjectiveError(
      `mixed variable styles ('${indexed.name}' and '${xy.name}'): use x, y or x1…x${MAX_DIM}, not both`,
      later.col,
    );
  }
  if (indexed) return Array.from({ length: maxIndex }, (_, i) => `x${i + 1}`);
  return hasY ? ['x', 'y'] : ['x'];
}

function allowedList(vars: readonly string[], params: readonly string[], source: number): string {
  // f may still add y to x; an observable has the variables f decided.
  const v = vars[0] === 'x1' || source > 0 ? vars.join(', ') : 'x, y';
  return [v, 'pi', 'e', ...(params.length ? [listNames(params)] : [])].join(', ');
}

/** Compiles an objective (and its observables) into float64 evaluators and WGSL. */
export function compileObjective(input: ObjectiveInput): CompiledObjective {
  const texts = [input.expr, ...(input.observables ?? [])];
  const asts = texts.map((t, i) => {
    try {
      return parseExpression(t);
    } catch (e) {
      if (e instanceof ObjectiveError && i > 0)
        throw new ObjectiveError(`${prefix(i)}${stripColumn(e)}`, e.column);
      throw e;
    }
  });
  const idents: Ident[] = [];
  asts.forEach((a, i) => collectIdents(a, i, idents));
  const vars = decideVariables(idents);
  const dim = vars.length;
  const given = Object.keys(input.params);
  if (given.length > MAX_PARAMS)
    throw new ObjectiveError(`too many parameters: ${given.length} (at most ${MAX_PARAMS})`);

  // Parameters: identifiers that are neither variables nor constants, in the order of input.params.
  const usedParams = new Set<string>();
  for (const id of idents) {
    if (vars.includes(id.name) || CONSTANTS.has(id.name)) continue;
    const p = prefix(id.source);
    if (XY.test(id.name) || INDEXED.test(id.name)) {
      throw new ObjectiveError(
        `${p}'${id.name}' is not a variable of this objective (its variables: ${vars.join(', ')})`,
        id.col,
      );
    }
    if (Object.hasOwn(input.params, id.name)) {
      const value = input.params[id.name];
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new ObjectiveError(
          `${p}parameter '${id.name}' has no value (got ${clip(String(value))})`,
          id.col,
        );
      usedParams.add(id.name);
      continue;
    }
    const paramNames = given.filter((g) => !vars.includes(g) && !CONSTANTS.has(g));
    const hint = id.name === 'x0' ? ' (variables are numbered from x1)' : '';
    throw new ObjectiveError(
      `${p}unknown identifier '${clip(id.name)}'${hint}; allowed: ${allowedList(vars, paramNames, id.source)}` +
        '; a parameter needs a value',
      id.col,
    );
  }
  const params = given.filter((g) => usedParams.has(g));
  const paramValues = Float64Array.from(params, (p) => input.params[p]);

  const dag = new Dag();
  const paramIndex = new Map(params.map((p, j) => [p, j]));
  const combine = (ast: Ast, k: number[]): number => {
    switch (ast.kind) {
      case 'num':
        return dag.constant(ast.value);
      case 'ident': {
        const c = CONSTANTS.get(ast.name);
        if (c !== undefined) return dag.constant(c);
        const v = vars.indexOf(ast.name);
        return v >= 0 ? dag.variable(v) : dag.param(paramIndex.get(ast.name)!);
      }
      case 'neg':
        return dag.neg(k[0]);
      case 'binary':
        switch (ast.op) {
          case '+':
            return dag.add(k[0], k[1]);
          case '-':
            return dag.sub(k[0], k[1]);
          case '*':
            return dag.mul(k[0], k[1]);
          case '/':
            return dag.div(k[0], k[1]);
          case '^':
            return dag.pow(k[0], k[1]);
        }
        break;
      case 'call':
        switch (ast.fn) {
          case 'min':
            return dag.select(k[0], k[1], k[0], k[1]);
          case 'max':
            return dag.select(k[0], k[1], k[1], k[0]);
          default:
            return dag.unary(UNARY_OP.get(ast.fn)!, k[0]);
        }
    }
    throw new Error('unreachable');
  };
  // A constant that folds to ±∞ or NaN (10^400, 0/0, log(0)) would make f or an observable
  // non-finite everywhere, and a map of "diverged" pixels would say nothing of why.
  const build = (ast: Ast, source: number): number =>
    fold(ast, astChildren, (node, k: number[]) => {
      const id = combine(node, k);
      if (dag.isConst(id) && !Number.isFinite(dag.constValue(id))) {
        const what = clip(texts[source].slice(node.from, node.end).trim(), 60);
        throw new ObjectiveError(
          `${prefix(source)}the expression is not finite: ${what} = ${showNonFinite(dag.constValue(id))}`,
          node.from + 1,
        );
      }
      return id;
    });
  const f = build(asts[0], 0);
  const observables = asts.slice(1).map((a, i) => build(a, i + 1));
  const grad = vars.map((_, k) => dag.partial(f, k));
  const hess = new Array<number>(dim * dim);
  for (let i = 0; i < dim; i++)
    for (let j = i; j < dim; j++) {
      const h = dag.partial(grad[i], j);
      hess[i * dim + j] = h;
      hess[j * dim + i] = h;
    }
  const hvp = grad.map((g) => dag.directional(g));
  const powers = countPowers(dag, [...grad, ...hvp]);
  if (powers > MAX_GENERAL_POWERS)
    throw new ObjectiveError(
      `expression too large: its derivatives hold ${powers} powers with a variable or fractional exponent (such as x^y or x^0.5), more than the ${MAX_GENERAL_POWERS} a GPU's shader compiler takes in good time; simplify it`,
    );
  // q = vᵀ∇²f v as a function of x (v symbolic); ∂q/∂x_k = Σ_ij ∂³f/∂x_k∂x_i∂x_j v_i v_j.
  const q = dag.directional(dag.directional(f));
  const third = vars.map((_, k) => dag.partial(q, k));

  const np = params.length;
  const tf = new Tape(dag, [f], dim, np);
  const tg = new Tape(dag, grad, dim, np);
  const th = new Tape(dag, hess, dim, np);
  const tv = new Tape(dag, hvp, dim, np);
  const t3 = new Tape(dag, third, dim, np);
  const tobs = observables.map((o) => new Tape(dag, [o], dim, np));
  const wgsl = emitWgsl(dag, { dim, nparam: np, f, grad, hess, hvp, observables });

  return {
    expr: input.expr,
    vars,
    dim,
    params,
    paramValues,
    observableCount: observables.length,
    f: (x, p) => tf.runScalar(x, p),
    grad: (x, p, out) => tg.runInto(x, p, undefined, out),
    hess: (x, p, out) => th.runInto(x, p, undefined, out),
    hvp: (x, p, v, out) => tv.runInto(x, p, v, out),
    third: (x, p, v, out) => t3.runInto(x, p, v, out),
    observable: (i, x, p) => {
      const t = tobs[i];
      if (!t) throw new RangeError(`observable ${i} does not exist (${observables.length} compiled)`);
      return t.runScalar(x, p);
    },
    wgsl,
    graph: { dag, f, grad, hess, hvp, third, observables },
  };
}

/** The DAG op of each one-argument function of the language. */
export const UNARY_OP: ReadonlyMap<string, Op> = new Map<string, Op>([
  ['sin', Op.SIN],
  ['cos', Op.COS],
  ['tan', Op.TAN],
  ['exp', Op.EXP],
  ['log', Op.LOG],
  ['sqrt', Op.SQRT],
  ['abs', Op.ABS],
  ['tanh', Op.TANH],
  ['cosh', Op.COSH],
  ['sinh', Op.SINH],
]);

/** POW nodes (a power whose exponent is not a small integer constant) reachable from `roots`. */
export function countPowers(dag: Dag, roots: readonly number[]): number {
  let n = 0;
  dag.reachable(roots).forEach((m, id) => {
    if (m && dag.nodes[id].op === Op.POW) n++;
  });
  return n;
}

const showNonFinite = (v: number) => (Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '-∞');

function stripColumn(e: ObjectiveError): string {
  return e.message.replace(/ \(column \d+\)$/, '');
}
