// The GD core shared by the basin and ensemble kernels: one trajectory under the definition of
// src/core/outcome.ts (this file implements exactly that comment), advanced through any range of
// iterations, so results do not depend on how a run is cut into dispatches. The step is the
// optimizer's (opt_step, generated from src/optimizer/rules.ts): the state z holds x and the
// optimizer's vectors and clocks, the tangent map is the whole update's, the period test compares x
// and the optimizer's vectors, divergence and growth watch x. For GD, z is x.
// Prepended: the objective block, the Vec helpers (src/engine/wgsl-vec.ts), the State helpers
// (src/engine/wgsl-state.ts), the optimizer's step (src/optimizer/wgsl.ts), shaders/record.wgsl and
// the generated struct Traj (TRAJ_FIELDS of src/engine/layouts.ts). The including kernel defines
// kernel_transient(z) (called with z_T) and kernel_step(x) (each x_{k+1}, k ≥ T, when OBSERVE),
// and an entry point per part of a run (phaseSegments of src/engine/dispatch-plan.ts) calling `advance_part`
// with constant flags or `advance_tail`, plus one calling traj_advance for short runs.

// Off: no Hessian-vector product at all (the "classification only" pipeline).
override LYAPUNOV: bool = true;
// On: the kernel's hooks see every state x_{k+1} with k ≥ T (the ensemble's kept iterates).
override OBSERVE: bool = false;
// GROWTH_MIN_HALF and GROWTH_EXP_CAP of src/core/outcome.ts (rule 5).
override GROWTH_MIN_HALF: u32 = 16u;
override GROWTH_EXP_CAP: f32 = 80.0;

// The run's iteration geometry (rules 3 and 5), the same for every trajectory.
struct Geometry {
  n: u32,
  t: u32,
  // N - P: the step that makes x_check sets the checkpoint.
  check: u32,
  // M = T + H and M + H, with H = ⌊(N - T)/2⌋.
  mid: u32,
  end: u32,
  half: u32,
  tol: f32,
  radius: f32,
}

fn geometry(n: u32, transient: u32, max_period: u32, tol: f32, radius: f32) -> Geometry {
  var g: Geometry;
  g.n = n;
  g.t = min(transient, n);
  g.check = n - min(max_period, n);
  g.half = (n - g.t) / 2u;
  g.mid = g.t + g.half;
  g.end = g.mid + g.half;
  g.tol = tol;
  g.radius = radius;
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
  let w = opt_tangent(t.v, z, h);
  let e = clamp(tan_exponent(w), 1u, 253u);
  return Tangent(tan_scale(w, bitcast<f32>((254u - e) << 23u)), t.lexp + i32(e) - 127);
}

// A run is cut into parts (rules 3–5): before the transient T and the halves [T, M) and [M, M + H) of
// the averaging window, each up to the checkpoint N - P, then the tail from N - P on (M + H ≥ N - 1 ≥
// N - P, so what is left of the window is always in the tail). Before the checkpoint the tangent map
// and the growth extent are on or off for every step and every trajectory alike, so each part is one
// loop with no branch inside, and each has an entry point of its own in the kernel (`advance_part` with
// constant flags): on SwiftShader, whose compiler emulates branches with lane masks and spills
// registers in large kernels, a loop with per-step branches ran at a tenth of the speed, and one of
// several loops in one kernel at half. The tail's few steps use selects.
//
// Divergence is tested without a branch too: a loop keeps one running maximum of float bits (non-
// negative floats order like their bits, NaN above everything), of |x_k| (the divergence test,
// exactly) or, in the window's halves, of |x_k - anchor| (the growth extent of rule 5, exactly; it
// bounds |x_k| by ‖anchor‖ + extent). When that does not clear the radius, `replay` finds the exact
// escape iteration (an orbit escapes once, so a replay costs at most one part per trajectory). On
// SwiftShader a step costs 1.2 (|x_k|) and 1.3 (|x_k - a|) plain GD steps, against 1.9 for f32 min/max.

// The period test of rule 3 so far: the least period found (0: none) and a_i, the orbit's extent seen
// from the checkpoint before step i.
struct Period {
  extent: f32,
  period: u32,
}

// One step of the period test at i = k + 1 - (N - P), as selects: d_i = ‖z - c‖∞ against tol·s (i = 1)
// or tol·min(s, a_i).
fn period_step(q: Period, z: State, c: State, i: u32, scale: f32, tol: f32) -> Period {
  let d = state_dist(z, c);
  let hit = q.period == 0u && d <= tol * select(min(scale, q.extent), scale, i == 1u);
  return Period(select(q.extent, max(q.extent, d), q.period == 0u && !hit), select(q.period, i, hit));
}

// The escape iteration in k0 … k1 - 1 from z0 with the exact test at every step (the same step
// statements as the loops, so bit for bit the same states), or 0. `end` is the x the loop ended in:
// when it is out of bounds but the replay finds nothing (a compiler contracted the loops differently),
// the escape is within these steps, so no later than k1.
fn replay(z0: State, h: Vec, k0: u32, k1: u32, end: Vec, radius: f32) -> u32 {
  var z = z0;
  for (var k = k0; k < k1; k++) {
    z = opt_step(z, h);
    let x = state_x(z);
    if (!vec_finite(x) || vec_norm(x) > radius) { return k + 1u; }
  }
  return select(0u, k1, !vec_finite(end) || vec_norm(end) > radius);
}

// Steps k0 … k1 - 1 of one part before the checkpoint: `tangent` (k ≥ T, with LYAPUNOV), `growth` (in
// a half of the window: 1 the first, 2 the second, 0 neither). Constants at every call.
fn advance_part(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry, tangent: bool, growth: u32) {
  if (k0 >= k1 || (*st).escape != 0u) { return; }
  if (growth != 0u && (k0 == g.t || k0 == g.mid)) { (*st).anchor = state_x((*st).x); }
  if (OBSERVE && k0 == g.t) { kernel_transient((*st).x); }
  let start = (*st).x;
  let a = (*st).anchor;
  let observe = k0 >= g.t;
  var x = start;
  var tg = Tangent((*st).v, (*st).lexp);
  var m = 0u;
  for (var k = k0; k < k1; k++) {
    if (LYAPUNOV && tangent) { tg = tangent_step(tg, x, h); }
    x = opt_step(x, h);
    if (growth != 0u) {
      m = max(m, vec_dist_bits(state_x(x), a));
    } else {
      m = max(m, vec_norm_bits(state_x(x)));
    }
    if (OBSERVE && observe) { kernel_step(state_x(x)); }
  }
  // ‖x_k‖∞ ≤ ‖a‖∞ + |fl(x_k - a)|(1 + 2⁻²³): with the margin the bound holds in f32 too.
  let bounded = select(
    m <= bitcast<u32>(g.radius),
    (vec_norm(a) + bitcast<f32>(m)) * 1.0000005 <= g.radius,
    growth != 0u,
  );
  if (!bounded) {
    let e = replay(start, h, k0, k1, state_x(x), g.radius);
    if (e != 0u) {
      (*st).escape = e;
      return;
    }
  }
  (*st).x = x;
  if (LYAPUNOV && tangent) {
    (*st).v = tg.v;
    (*st).lexp = tg.lexp;
  }
  if (growth == 1u) { (*st).r1 = max((*st).r1, bitcast<f32>(m)); }
  if (growth == 2u) { (*st).r2 = max((*st).r2, bitcast<f32>(m)); }
}

// Steps k0 … k1 - 1 from the checkpoint N - P on (at most P = 64 of them): the period test of rule 3
// at every step, and, where the tail meets them, the transient, the window's halves and their anchors
// as selects rather than branches. Divergence as in `advance_part`, from a running maximum of |x_k|.
fn advance_tail(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry) {
  if (k0 >= k1 || (*st).escape != 0u) { return; }
  if (k0 == g.check) { (*st).c = (*st).x; }
  let start = (*st).x;
  let c = (*st).c;
  let scale = max(1.0, state_norm(c));
  var x = start;
  var a = (*st).anchor;
  var tg = Tangent((*st).v, (*st).lexp);
  var extent = (*st).extent;
  var period = (*st).period;
  var r1 = (*st).r1;
  var r2 = (*st).r2;
  var m = 0u;
  for (var k = k0; k < k1; k++) {
    a = vec_choose(a, state_x(x), k == g.t || k == g.mid);
    if (OBSERVE && k == g.t) { kernel_transient(x); }
    if (LYAPUNOV && k >= g.t) { tg = tangent_step(tg, x, h); }
    x = opt_step(x, h);
    m = max(m, vec_norm_bits(state_x(x)));
    let da = vec_dist(state_x(x), a);
    r1 = select(r1, max(r1, da), k >= g.t && k < g.mid);
    r2 = select(r2, max(r2, da), k >= g.mid && k < g.end);
    let d = state_dist(x, c);
    let i = k + 1u - g.check;
    let open = period == 0u;
    let hit = open && d <= g.tol * select(min(scale, extent), scale, i == 1u);
    extent = select(extent, max(extent, d), open && !hit);
    period = select(period, i, hit);
    if (OBSERVE && k >= g.t) { kernel_step(state_x(x)); }
  }
  if (m > bitcast<u32>(g.radius)) {
    let e = replay(start, h, k0, k1, state_x(x), g.radius);
    if (e != 0u) {
      (*st).escape = e;
      return;
    }
  }
  (*st).x = x;
  (*st).anchor = a;
  (*st).v = tg.v;
  (*st).lexp = tg.lexp;
  (*st).extent = extent;
  (*st).period = period;
  (*st).r1 = r1;
  (*st).r2 = r2;
}

// Advances a trajectory at x_{k0} through iterations k0 … k1 - 1: every part, clipped to [k0, k1), in
// order (for short runs, where one dispatch per pixel costs less than a loop that runs fast).
fn traj_advance(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry) {
  let pre = min(k1, g.check);
  advance_part(st, h, k0, min(pre, g.t), g, false, 0u);
  advance_part(st, h, max(k0, g.t), min(pre, g.mid), g, true, 1u);
  advance_part(st, h, max(k0, g.mid), min(pre, g.end), g, true, 2u);
  advance_tail(st, h, max(k0, g.check), k1, g);
}

// λ (rule 4): Σ log‖J_k v_k‖ / (N - T) = (log‖v_N‖ + lexp·ln 2) / (N - T) since ‖v_T‖ = 1. Spelled out
// for v = 0, ∞ and NaN: SwiftShader's log(0) is -88 (log of the smallest normal), not -∞. NaN when off.
fn traj_lyapunov(st: Traj, g: Geometry) -> f32 {
  if (!LYAPUNOV) { return make_nan(); }
  let n2 = tan_sumsq(st.v);
  var lsum = n2;
  if (n2 == 0.0) {
    var ninf = 0xff800000u;
    lsum = bitcast<f32>(ninf);
  } else if ((bitcast<u32>(n2) & 0x7f800000u) != 0x7f800000u) {
    lsum = 0.5 * log(n2) + f32(st.lexp) * 0.69314718055994531;
  }
  return lsum / f32(g.n - g.t);
}

// Rule 6 (decideOutcome of src/core/outcome.ts) for a bounded trajectory.
fn traj_outcome(st: Traj, lyap: f32, chaos: f32, g: Geometry) -> u32 {
  let chaotic = lyap > chaos;
  var grow_ratio = 2.0;
  if (chaotic) { grow_ratio = exp(min(GROWTH_EXP_CAP, max(lyap, 0.0) * f32(g.half) * 0.5)); }
  let growing = g.half >= GROWTH_MIN_HALF && st.r2 > st.r1 * grow_ratio;
  // One step below tol·s is rest unless the tangent map stretches and x wandered over the window.
  let rest = g.tol * max(1.0, state_norm(st.c));
  if (st.period == 1u && !(chaotic && st.r2 > rest)) { return OUTCOME_CONVERGED; }
  if (st.period >= 2u && !chaotic) { return OUTCOME_PERIODIC; }
  if (growing) { return OUTCOME_ESCAPING; }
  if (chaotic) { return OUTCOME_CHAOTIC; }
  return OUTCOME_UNSETTLED;
}
