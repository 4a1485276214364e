/**
 * The memory of a compiled GD kernel: one float64 array per state field, each `lanes` long (lane =
 * trajectory), so the kernel loads two neighbouring lanes as one f64x2 and the JavaScript driver
 * reads and writes a field as a Float64Array. Declared once here for the emitter and the driver.
 */

/** Byte offsets of every field's array. */
export interface LaneLayout {
  /** Lanes per block (a multiple of the kernel's group width). */
  lanes: number;
  dim: number;
  nparam: number;
  /** Optimizer state vectors (nstate of them, each dim long, concatenated) and scalar clocks. */
  nstate: number;
  nclock: number;
  /**
   * Coordinates x_i, the optimizer's vectors u (dim · nstate), its clocks, rates h_i, parameters p_j,
   * hyperparameters o ([β, β₂, ε]), tangent v and checkpoint c (over x and u: dim · (1 + nstate)),
   * window anchor a_i.
   */
  x: number[];
  u: number[];
  clock: number[];
  h: number[];
  p: number[];
  o: number[];
  v: number[];
  c: number[];
  anchor: number[];
  /**
   * Σ log‖J v‖; the candidate period, before its divisor test (0: none); a_i and s of the period
   * test.
   */
  logSum: number;
  period: number;
  extent: number;
  scale: number;
  /** Extents R1, R2 of the two halves of the averaging window. */
  r1: number;
  r2: number;
  /** Steps survived: equals the step index while the lane is bounded. */
  count: number;
  /** Extremes of the observed quantity after the transient (ensemble kernels). */
  omin: number;
  omax: number;
  /** Results at the final state: f, ∇²f (row-major), observables 0 and 1. */
  f: number;
  hess: number[];
  obs: number[];
  /** d_i of the period test, row i - 1 of `distRows` (= N - K) rows of `lanes`, for the divisor test. */
  dist: number;
  distRows: number;
  /** Observed values of the replay, `traceSteps` rows of `lanes` (ensemble kernels). */
  trace: number;
  traceSteps: number;
  /** The second traced quantity's rows (an attractor's pair), after the first's; = trace without one. */
  trace2: number;
  /** Pass two's histograms (u32 words, `histWords` of them: src/reference/kernel/bin-body.ts). */
  hist: number;
  histWords: number;
  /**
   * With a second trace (an attractor's pair): the cell of each traced pair (i32, a trace's size) and
   * the second quantity's extremes (four f64: PairExtremes), for pass two (bin-body.ts); else 0.
   */
  cells: number;
  extremes: number;
  /** Total bytes. */
  bytes: number;
}

/**
 * The fields of `lanes` lanes, from byte `base` on, with `distRows` rows of the period test's
 * distances and `traces` traces of `traceSteps` rows, for an optimizer with `state.nstate` vectors and
 * `state.nclock` clocks (GD: none), and `histWords` words of histograms.
 */
export function laneLayout(
  dim: number,
  nparam: number,
  lanes: number,
  base = 0,
  traceSteps = 0,
  state: { nstate: number; nclock: number } = { nstate: 0, nclock: 0 },
  traces = 1,
  distRows = 0,
  histWords = 0,
): LaneLayout {
  let next = base;
  const field = () => {
    const at = next;
    next += 8 * lanes;
    return at;
  };
  const fields = (n: number) => Array.from({ length: n }, field);
  const layout: LaneLayout = {
    lanes,
    dim,
    nparam,
    nstate: state.nstate,
    nclock: state.nclock,
    x: fields(dim),
    u: fields(dim * state.nstate),
    clock: fields(state.nclock),
    h: fields(dim),
    p: fields(nparam),
    o: fields(3),
    v: fields(dim * (1 + state.nstate)),
    c: fields(dim * (1 + state.nstate)),
    anchor: fields(dim),
    logSum: field(),
    period: field(),
    extent: field(),
    scale: field(),
    r1: field(),
    r2: field(),
    count: field(),
    omin: field(),
    omax: field(),
    f: field(),
    hess: fields(dim * dim),
    obs: fields(2),
    dist: 0,
    distRows,
    trace: 0,
    traceSteps,
    trace2: 0,
    hist: 0,
    histWords,
    cells: 0,
    extremes: 0,
    bytes: 0,
  };
  layout.dist = next;
  next += 8 * lanes * distRows;
  layout.trace = next;
  next += 8 * lanes * traceSteps;
  layout.trace2 = traces > 1 ? next : layout.trace;
  if (traces > 1) next += 8 * lanes * traceSteps;
  layout.hist = next;
  next += 4 * histWords;
  if (traces > 1) {
    layout.extremes = next;
    next += 8 * 4;
    layout.cells = next;
    next += 4 * lanes * traceSteps;
  }
  layout.bytes = next;
  return layout;
}

/** Flags of one kernel call: which parts of the step run over the whole call's step range. */
export const StepFlag = {
  /** Tangent map and Σ log‖J v‖ (k ≥ W0, the warm-up's start; the driver resets the sum at T). */
  LYAPUNOV: 1,
  /** Extent of the first half of the window (T ≤ k < M). */
  GROW1: 2,
  /** Extent of the second half (M ≤ k < M + H). */
  GROW2: 4,
  /** The period's candidate against the checkpoint, and each d_i into its row (k ≥ N - P). */
  PERIOD: 8,
  /** Extremes of the observed quantity (k ≥ T, ensemble kernels). */
  OBSERVE: 16,
} as const;
