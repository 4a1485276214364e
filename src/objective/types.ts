/**
 * The contract of a compiled objective: exact derivatives of a user's f, evaluated in float64 on
 * the CPU and emitted as WGSL for the GPU, both from one syntax tree (src/objective/compile.ts).
 */

import type { Dag } from './dag.ts';

/** An error in the user's expression, with the 1-based column it points at (0 when it has none). */
export class ObjectiveError extends Error {
  override name = 'ObjectiveError';
  constructor(
    message: string,
    /** 1-based column in the expression; 0 when the error is not about one place. */
    readonly column = 0,
  ) {
    super(column > 0 ? `${message} (column ${column})` : message);
  }
}

/** What a user gives: the expression, parameter values, and optionally the variable names to use. */
export interface ObjectiveInput {
  expr: string;
  params: Record<string, number>;
  /** Extra expressions in the same variables and parameters (observables), compiled alongside f. */
  observables?: string[];
}

/**
 * Float64 evaluators take the state x (length dim) and the parameter values p (in `params` order),
 * so a plane that sweeps a parameter reuses one compiled objective.
 */
export interface CompiledObjective {
  /** The expression as given. */
  readonly expr: string;
  /** Variables in state order: `x`, `y` or `x1`…`x8`. */
  readonly vars: readonly string[];
  readonly dim: number;
  /** Parameter names in the order the evaluators and the WGSL array `P` use. */
  readonly params: readonly string[];
  /** Parameter values from the input, in `params` order. */
  readonly paramValues: Float64Array;
  /** Number of compiled observables. */
  readonly observableCount: number;

  f(x: ArrayLike<number>, p: ArrayLike<number>): number;
  /** ∇f into out (length dim). */
  grad(x: ArrayLike<number>, p: ArrayLike<number>, out: Float64Array): void;
  /** ∇²f into out, row-major dim × dim. */
  hess(x: ArrayLike<number>, p: ArrayLike<number>, out: Float64Array): void;
  /** Hessian-vector product ∇²f·v into out. */
  hvp(x: ArrayLike<number>, p: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): void;
  /** Third-derivative term ∇³f[v, v] (a vector: component k is Σ_ij ∂³f/∂x_k∂x_i∂x_j v_i v_j) into out. */
  third(x: ArrayLike<number>, p: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): void;
  /** Observable i at x. */
  observable(i: number, x: ArrayLike<number>, p: ArrayLike<number>): number;

  /**
   * WGSL that defines, for `const DIM: u32` and `const NPARAM: u32` it declares itself, and reading
   * parameters from `var<private> P: array<f32, NPARAM>` (declared here too):
   *   fn objective_f(x: array<f32, DIM>) -> f32
   *   fn objective_grad(x: array<f32, DIM>) -> array<f32, DIM>
   *   fn objective_hess(x: array<f32, DIM>) -> array<f32, DIM_SQ>      (row-major; const DIM_SQ)
   *   fn objective_hvp(x: array<f32, DIM>, v: array<f32, DIM>) -> array<f32, DIM>
   *   fn observable_0(x: array<f32, DIM>) -> f32, fn observable_1(...) -> f32   (NaN when unused)
   * NPARAM is at least 1 so the array is never empty. No user text appears in it: identifiers map to
   * x[i] and P[j], numbers are re-printed.
   */
  readonly wgsl: string;

  /**
   * The hash-consed DAG and the node of each output, for back ends that compile it (the
   * WebAssembly emitter in src/objective/wasm). Absent on hand-written objectives.
   */
  readonly graph?: ObjectiveGraph;
}

/** Node ids of a compiled objective's outputs in its DAG. */
export interface ObjectiveGraph {
  readonly dag: Dag;
  readonly f: number;
  readonly grad: readonly number[];
  /** Row-major dim × dim. */
  readonly hess: readonly number[];
  /** ∇²f·v, with v the DIR leaves. */
  readonly hvp: readonly number[];
  /** ∇³f[v, v]. */
  readonly third: readonly number[];
  readonly observables: readonly number[];
}
