// The GD core shared by the basin and ensemble kernels: one trajectory under the definition of
// src/core/outcome.ts (this file implements exactly that comment), advanced through any range of
// iterations, so results do not depend on how a run is cut into dispatches. The step is the
// optimizer's (opt_step, generated from src/optimizer/rules.ts): the state z holds x and the
// optimizer's vectors and clocks, the tangent map is the whole update's, the period test compares x
// and the optimizer's vectors, divergence and growth watch x. For GD, z is x.
// Prepended: the objective block, the Vec helpers (src/engine/wgsl-vec.ts), the State helpers
// (src/engine/wgsl-state.ts), the optimizer's step (src/optimizer/wgsl.ts), shaders/record.wgsl and
// the generated struct Traj (TRAJ_FIELDS of src/engine/layouts.ts); appended: shaders/gd-tail.wgsl
// (the last P steps, `tail_run`), shaders/gd-escape.wgsl (rule 2's bound and replay) and
// shaders/gd-outcome.wgsl (rules 4 and 6 at the end of a run). The
// including kernel defines kernel_transient(z) (called with z_T) and kernel_step(x) (each x_{k+1},
// k ≥ T, when OBSERVE), and entry points calling traj_advance (every part of a run, in one
// invocation) or, when a run is cut into dispatches, one per part (phaseSegments of
// src/engine/dispatch-plan.ts) calling `advance_part` with constant flags or `advance_tail`.
//
// What costs on SwiftShader (the software adapter this project is tested on; measured with the basin
// kernel, mf-scalar, CPU time of interleaved runs): a loop's own bookkeeping (counter, lane mask, exit
// test) a third of a bare GD step per trip; every further loop in a kernel slows the others (a
// three-step remainder loop cost a 1000-step loop 13%); memory operations in branches that no lane
// takes still cost (a whole run's state load and store, never executed, cost an invocation 40 GD
// steps). Hence four steps per trip, remainders as branches, one replay per kernel and a `whole`
// entry point with no state.

// Off: no Hessian-vector product at all (the "classification only" pipeline).
override LYAPUNOV: bool = true;
// LYAPUNOV_WARMUP of src/core/outcome.ts: the tangent's unmeasured steps before T (rule 4).
override LYAPUNOV_WARMUP: u32 = 64u;
// On: the kernel's hooks see every state x_{k+1} with k ≥ T (the ensemble's kept iterates).
override OBSERVE: bool = false;
// GROWTH_MIN_HALF and GROWTH_EXP_CAP of src/core/outcome.ts (rule 5).
override GROWTH_MIN_HALF: u32 = 16u;
override GROWTH_EXP_CAP: f32 = 80.0;
// GROWTH_TAIL_SHARE of src/core/outcome.ts (rule 5: R2' ≥ this share of R2).
override GROWTH_TAIL: f32 = 0.5;
// Specialisations of a run's geometry (kernelVariant of src/engine/kernel-variant.ts); the defaults
// handle any geometry. GROWTH off: the halves of the averaging window are shorter than
// GROWTH_MIN_HALF, so rule 5 decides nothing and no extent is tracked (the window's parts are plain).
override GROWTH: bool = true;
// With GROWTH, off where the halves are shorter than GROWTH_MIN_HALF (growth is tracked only for the
// exponent's sake: rule 6 reads R2 of a chaotic orbit, and rule 5, the only reader of R1, decides
// nothing): the tail neither anchors at T nor tracks R1. SwiftShader spills a tail that holds the
// tangent, both extents and the period test: 1024² × 20 with the exponent ran 322 → 270 ms without R1.
override GROWTH_R1: bool = true;
// TAIL_WINDOW off: the tail (from the checkpoint N - P on) meets neither T nor the window's first half
// (M ≤ N - P: every window longer than 2P), so it tracks the second half's extent alone, with no
// selects for anchors and halves.
override TAIL_WINDOW: bool = true;
// The parts before the checkpoint that a run's geometry makes non-empty (PART_* bits; kernelVariant
// gives them): `traj_advance` leaves the others out of the kernel. SwiftShader runs the code of a part
// whose loop no lane enters (its remainder steps and bookkeeping under a mask), so the four parts of a
// 20-step run with the exponent, three of them empty, cost it 23% (504 → 389 ms at 1024²).
override PARTS: u32 = 15u;
// On: every part before the checkpoint is a few steps long (SHORT_PART of kernelVariant), or the step
// is heavy (forStep: there the seven copies of the step in a four-step loop cost more to compile than
// the loop's bookkeeping saves, in every entry point). Its loop
// takes one step per trip with no remainder branches, and tests rule 2 exactly at every step rather
// than bound the part and replay it. SwiftShader runs a four-step loop's remainder branches whether
// or not a lane takes them: in a 20-step run, whose plain part is 4 steps, they cost more than three
// more trips of a one-step loop (1024², mf-scalar: 121 → 112 ms), and their copies of the step a fifth
// of the kernel's compile (75 → 60 ms). The exact test costs a compare a step, where a part's bound,
// mark and the replay it may need cost more (1024² × 20: 133 → 125 ms, 128 → 120 ms on a map 40%
// diverged; compile 73 → 58 ms).
override SHORT_PARTS: bool = false;
// On (only with SHORT_PARTS): the tail is a few steps long too (SHORT_TAIL of kernelVariant) and tests
// rule 2 exactly at every step, so that nothing in the kernel bounds, marks or replays: a 16-step
// tail after a 4-step part ran 1024² in 121 rather than 124 ms (101 rather than 110 statistics only,
// 93 rather than 105 with 40% diverged), compiled in 55 rather than 59 ms; a 64-step tail ran 7% slower.
override EXACT_TAIL: bool = false;
// On (with EXACT_TAIL): the tail bounds rule 2 by its extent, as without EXACT_TAIL, and where the
// bound fails replays its own steps from the part's start with the test at each, in a loop of its own,
// rather than test every step: on SwiftShader the test was a tenth of a 1024² × 20 run (102 → 94 ms,
// mf-scalar, all bounded; with 40% diverged the same within noise). Off for a heavy step (forStep),
// where a third copy of the step would cost more to compile than the test costs to run.
override TAIL_REPLAY: bool = false;
// On (a `whole` kernel without SETTLE whose rule 2 is exact, so nothing is ever pending): nothing in the
// kernel tracks, tests or marks rule 3's divisor candidates. The reduction counts the pixels whose
// period has a divisor (Stats.composite), and only where there are some does the engine run the basin
// kernel's `escape` pass, which finds them by their period and replays them (as short as the run),
// then reduce again. At 1024² × 20 on SwiftShader the candidate and its mark cost the kernel 9 ms, a
// list of marked pixels (atomics) 4 ms more, and an escape pass over every pixel 15–30 ms.
override DIVISOR_SCAN: bool = false;
const PART_PLAIN = 1u;
const PART_WARM = 2u;
const PART_HALF1 = 4u;
const PART_HALF2 = 8u;

// The run's iteration geometry (rules 3 and 5), the same for every trajectory.
struct Geometry {
  n: u32,
  t: u32,
  // W0: the tangent map runs from here (T - min(T, LYAPUNOV_WARMUP); T without an exponent: no
  // LYAPUNOV, or T ≥ N).
  warm: u32,
  // N - P: the step that makes x_check sets the checkpoint.
  check: u32,
  // M = T + H and M + H, with H = ⌊(N - T)/2⌋.
  mid: u32,
  end: u32,
  half: u32,
  tol: f32,
  radius: f32,
  // The bound of the parts outside the window's halves: Σ x_i² (as float bits) below it proves
  // ‖x‖∞ ≤ R (see `sumsq_limit`).
  sumsq_limit: u32,
}


fn geometry(n: u32, transient: u32, max_period: u32, tol: f32, radius: f32) -> Geometry {
  var g: Geometry;
  g.n = n;
  g.t = min(transient, n);
  g.warm = select(g.t, g.t - min(g.t, LYAPUNOV_WARMUP), LYAPUNOV && g.t < n);
  g.check = n - min(max_period, n);
  g.half = (n - g.t) / 2u;
  g.mid = g.t + g.half;
  g.end = g.mid + g.half;
  g.tol = tol;
  g.radius = radius;
  g.sumsq_limit = sumsq_limit(radius);
  return g;
}

fn traj_start(x0: Vec) -> Traj {
  var st: Traj;
  st.x = state_start(x0);
  st.v = tan_start();
  st.c = st.x;
  st.anchor = x0;
  st.extent = 0.0;
  st.lexp = 0;
  st.escape = 0u;
  st.period = 0u;
  st.r1 = 0.0;
  st.r2 = 0.0;
  st.r2t = 0.0;
  return st;
}

// The tangent vector between steps: v rescaled by powers of two, lexp the binary exponent taken out.
struct Tangent {
  v: Tan,
  lexp: i32,
}

// The tangent map J_k of the whole update on v, at z_k (before z moves on): I - h ⊙ ∇²f(x_k) for GD.
// Instead of dividing by the norm, v is scaled by the power of two that brings its largest component
// into [1, 2): exact, so the direction is what per-step renormalisation gives, and Σ log‖J_k v‖ =
// log‖v‖ + lexp·ln 2 needs one log per trajectory. The exponent is clamped so that v = 0 stays 0 and
// ∞ or NaN stay so.
fn tangent_step(t: Tangent, z: State, h: Vec) -> Tangent {
  return tangent_rescale(tangent_map(t, z, h));
}

// J_k v alone. The parts' loops rescale every fourth step (every step in SHORT_PARTS): J is linear
// and a power of two scales exactly, so v after any number of steps is the same up to a power of two
// (and, rescaled, the same bits) unless four steps take it beyond f32's range from [1, 2), i.e. grow
// or shrink it by more than 2^±31 a step. The rescale was half a tangent step's arithmetic on SwiftShader.
fn tangent_map(t: Tangent, z: State, h: Vec) -> Tangent {
  return Tangent(opt_tangent(t.v, z, h), t.lexp);
}

// The warmed-up tangent at T (rule 4): v/‖v‖ with nothing taken out yet, so that λ measures growth
// from T. v = 0 stays 0 (λ = -∞) and NaN stays NaN.
fn tangent_unit(t: Tangent) -> Tangent {
  let n2 = tan_sumsq(t.v);
  if (!(n2 > 0.0)) { return Tangent(t.v, 0); }
  return Tangent(tan_scale(t.v, inverseSqrt(n2)), 0);
}

// Renormalises the trajectory's tangent at T after its warm-up (rule 4). Called once, where a run or a
// dispatch reaches T, rather than at the start of every part that might begin there: SwiftShader
// runs a branch's code for the lanes that skip it too, and the renormalisation in each part cost
// 40 ms of a 1024² × 1000 run with the exponent (1.7%).
fn traj_unit_at_t(st: ptr<function, Traj>, g: Geometry) {
  if (!LYAPUNOV || g.warm >= g.t || (*st).escape != 0u) { return; }
  let t = tangent_unit(Tangent((*st).v, (*st).lexp));
  (*st).v = t.v;
  (*st).lexp = t.lexp;
}

fn tangent_rescale(t: Tangent) -> Tangent {
  let e = clamp(tan_exponent(t.v), 1u, 253u);
  return Tangent(tan_scale(t.v, bitcast<f32>((254u - e) << 23u)), t.lexp + i32(e) - 127);
}

// A run is cut into parts (rules 3–5): before the tangent's warm-up W0, the warm-up [W0, T) (tangent
// on, nothing measured), the halves [T, M) and [M, M + H) of the averaging window, each up to the
// checkpoint N - P, then the tail from N - P on (M + H ≥ N - 1 ≥ N - P, so what is left of the window
// is always in the tail). Before the checkpoint the tangent map and the growth extent are on or off
// for every step and every trajectory alike, so each part is one loop with no branch inside, and each
// has an entry point of its own in the kernel (`advance_part` with constant flags): on SwiftShader,
// whose compiler emulates branches with lane masks and spills registers in large kernels, a loop with
// per-step branches ran at a tenth of the speed, and one of several loops in one kernel at half. The
// tail's few steps use selects.
//
// Divergence is tested without a branch too: a loop keeps one running maximum of float bits (non-
// negative floats order like their bits, NaN above everything), of Σ x_i² (which proves ‖x_k‖∞ ≤ R
// below `sumsq_limit`) or, in the window's halves, of ‖x_k - anchor‖∞ (the growth extent of rule 5,
// exactly; it bounds ‖x_k‖∞ by ‖anchor‖∞ + extent). When that does not clear the radius, the part is
// pending and a replay finds the exact escape iteration once per dispatch (traj_settle), from the
// start of the first pending part on: an orbit escapes once, so a replay costs at most a dispatch per
// trajectory, and a kernel holds one replay loop rather than one per part; or, without SETTLE, the
// basin kernel's `escape` entry point replays it from the start in a dispatch of its own.

// No period found yet (the tail keeps the least k + 1 that matched, so a min finds the least period).
const PERIOD_NONE: u32 = 0xffffffffu;

// One step of a part: the tangent map at z_k, the optimizer's step, and the running maximum of
// Σ x_i² at x_{k+1} or, in a half of the window, of ‖x_{k+1} - a‖∞ (as float bits; rule 5 needs that
// extent exactly).
fn part_step(
  z: ptr<function, State>,
  tg: ptr<function, Tangent>,
  m: ptr<function, u32>,
  a: Vec,
  h: Vec,
  tangent: bool,
  growth: u32,
  observe: bool,
  rescale: bool,
) {
  if (LYAPUNOV && tangent) {
    *tg = tangent_map(*tg, *z, h);
    if (rescale) { *tg = tangent_rescale(*tg); }
  }
  *z = opt_step(*z, h);
  let x = state_x(*z);
  if (growth != 0u) {
    *m = max(*m, vec_dist_bits(x, a));
  } else {
    *m = max(*m, vec_sumsq_bits(x));
  }
  if (OBSERVE && observe) { kernel_step(x); }
}

// Steps k0 … k1 - 1 of one part before the checkpoint: `tangent` (k ≥ W0, with LYAPUNOV; renormalised
// first when the part starts at T after a warm-up), `growth` (in a half of the window: 1 the first, 2
// the second, 0 neither; 0 whatever is asked without GROWTH).
// Constants at every call. Then rule 2 for these steps (traj_settle).
fn advance_part(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry, tangent: bool, half: u32) {
  if (tangent && k0 == g.t && k0 < k1) { traj_unit_at_t(st, g); }
  part_run(st, h, k0, k1, g, tangent, half);
  traj_settle(st, h, k1, g);
}

// advance_part without rule 2's replay or the tangent's renormalisation at T: a part whose bound
// fails is left pending. Nothing runs for a trajectory that escaped, or whose earlier part ended out
// of bounds (`traj_gone`): its record is a diverged one whatever follows, and a map's diverged region
// no longer runs the rest of the iterations (mf-scalar over [-2, 2]² at h = 1.1, 40% diverged, on
// SwiftShader: 1024² × 1000 1131 → 903 ms, × 70 with P = 64 561 → 410 ms; bounded maps the same).
fn part_run(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry, tangent: bool, half: u32) {
  if (k0 >= k1 || (*st).escape != 0u || traj_gone()) { return; }
  let growth = select(0u, half, GROWTH);
  if (growth != 0u && (k0 == g.t || k0 == g.mid)) { (*st).anchor = state_x((*st).x); }
  if (OBSERVE && k0 == g.t) { kernel_transient((*st).x); }
  let start = (*st).x;
  let a = (*st).anchor;
  let observe = k0 >= g.t;
  var x = start;
  var tg = Tangent((*st).v, (*st).lexp);
  var m = 0u;
  // SHORT_PARTS: the least k + 1 whose state escaped (rule 2 exactly).
  var escape = ESCAPE_NONE;
  if (SHORT_PARTS) {
    for (var k = k0; k < k1; k++) {
      part_step(&x, &tg, &m, a, h, tangent, growth, observe, true);
      escape = min(escape, select(ESCAPE_NONE, k + 1u, escaped(state_x(x), g.radius)));
    }
  } else {
    // The steps beyond a multiple of four first, without a loop of their own.
    let r = (k1 - k0) % 4u;
    if (r > 0u) { part_step(&x, &tg, &m, a, h, tangent, growth, observe, true); }
    if (r > 1u) { part_step(&x, &tg, &m, a, h, tangent, growth, observe, true); }
    if (r > 2u) { part_step(&x, &tg, &m, a, h, tangent, growth, observe, true); }
    // Every part ends on a rescaled v, so v between parts is as per-step rescaling leaves it.
    for (var k = k0 + r; k < k1; k += 4u) {
      part_step(&x, &tg, &m, a, h, tangent, growth, observe, false);
      part_step(&x, &tg, &m, a, h, tangent, growth, observe, false);
      part_step(&x, &tg, &m, a, h, tangent, growth, observe, false);
      part_step(&x, &tg, &m, a, h, tangent, growth, observe, true);
    }
  }
  // ‖x_k‖∞ ≤ ‖a‖∞ + |fl(x_k - a)|(1 + 2⁻²³): with the margin the bound holds in f32 too.
  let bounded = select(
    m < g.sumsq_limit,
    (vec_norm(a) + bitcast<f32>(m)) * 1.0000005 <= g.radius,
    growth != 0u,
  );
  if (SHORT_PARTS) {
    if (escape != ESCAPE_NONE) { (*st).escape = escape; }
  } else if (!bounded) {
    mark_pending(k0, k1, start, state_x(x), g.radius);
  }
  (*st).x = x;
  if (LYAPUNOV && tangent) {
    (*st).v = tg.v;
    (*st).lexp = tg.lexp;
  }
  if (growth == 1u) { (*st).r1 = max((*st).r1, bitcast<f32>(m)); }
  if (growth == 2u) { (*st).r2 = max((*st).r2, bitcast<f32>(m)); }
}

// Advances a trajectory at x_{k0} through iterations k0 … k1 - 1: every part, clipped to [k0, k1), in
// order (a whole run in one invocation, or a chunk of a short one). Parts that would run the same loop
// are one (without GROWTH, Lyapunov and observation, a single loop up to the checkpoint; without
// Lyapunov, no warm-up: W0 = T).
fn traj_advance(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry) {
  let pre = min(k1, g.check);
  let plain = (PARTS & PART_PLAIN) != 0u;
  let warm = LYAPUNOV && (PARTS & PART_WARM) != 0u;
  let window = (PARTS & (PART_HALF1 | PART_HALF2)) != 0u;
  if (GROWTH) {
    if (plain) { part_run(st, h, k0, min(pre, g.warm), g, false, 0u); }
    if (warm) { part_run(st, h, max(k0, g.warm), min(pre, g.t), g, true, 0u); }
    if (k0 <= g.t && g.t < pre) { traj_unit_at_t(st, g); }
    if ((PARTS & PART_HALF1) != 0u) { part_run(st, h, max(k0, g.t), min(pre, g.mid), g, true, 1u); }
    if ((PARTS & PART_HALF2) != 0u) { part_run(st, h, max(k0, g.mid), min(pre, g.end), g, true, 2u); }
  } else if (LYAPUNOV || OBSERVE) {
    if (plain) { part_run(st, h, k0, min(pre, g.warm), g, false, 0u); }
    if (warm) { part_run(st, h, max(k0, g.warm), min(pre, g.t), g, true, 0u); }
    if (k0 <= g.t && g.t < pre) { traj_unit_at_t(st, g); }
    if (window) { part_run(st, h, max(k0, g.t), pre, g, true, 0u); }
  } else if (PARTS != 0u) {
    part_run(st, h, k0, pre, g, false, 0u);
  }
  tail_run(st, h, max(k0, g.check), k1, g);
  traj_settle(st, h, k1, g);
}
