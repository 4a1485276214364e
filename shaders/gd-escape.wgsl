// Rule 2 of src/core/outcome.ts for the GD core (shaders/gd-core.wgsl, which calls these): the bound
// that a part's running maximum must clear, the parts left pending when it does not, and the replay
// that finds their exact escape iteration and runs rule 3's divisor test, in the kernel (traj_settle)
// or, without SETTLE, in the basin kernel's `escape` entry point (settle_run). Appended to the core.

// Off: the replay loop (rule 2's escape iteration, rule 3's divisor test) is not in this kernel. A
// trajectory whose bound failed is left pending (traj_unsettled), one whose candidate period needs the
// divisor test keeps it in `divisor_p`, and the kernel marks its output so that a pass of its own
// settles it (`escape` in shaders/basin.wgsl). The replay loop and what it starts from cost a kernel
// that never ran them 4% of 1024² × 1000 on SwiftShader (a loop that no lane enters still slows the
// others); a second one, for the divisor test alone, cost it 14%.
override SETTLE: bool = true;

// A u32 L such that fl(Σ x_i²) < L (its float bits) implies |x_i| ≤ R for every i, for any order of
// the sum and with or without fused multiply-adds: every partial sum rounds up from each fl(x_i²)
// (rounding is monotone and the terms are non-negative), and fl(x_i²) ≥ x_i²(1 - 2⁻²³); so a limit of
// R²(1 - 2⁻¹⁹), rounded down, leaves room for a few ulps of error. NaN, ±∞ and a sum that overflows fail
// it. Where R² overflows, FLT_MAX bounds |x_i| by 1.8e19 < R; where R < 2⁻⁶² (R² below the smallest
// normal, which SwiftShader flushes to zero) no sum proves anything, and 0 makes every part replay.
// On SwiftShader it costs less than the exact test (‖x‖∞ bits: an AND and a max per coordinate,
// against a multiply-add): 1.36 → 1.27 times the bare kernel at 1024² × 1000.
fn sumsq_limit(radius: f32) -> u32 {
  if (!(radius >= 2.168404e-19)) { return 0u; }
  return bitcast<u32>(min(radius * radius * 0.999998, bitcast<f32>(0x7f7fffffu))) + 1u;
}

// Rule 2's test of one state: ‖x‖∞ > R or not finite, as one compare of float bits. Non-negative floats
// order like their bits, NaN and ∞ lie above every finite R (the radius is at most FLT_MAX), and no
// subnormal x or R is flushed to zero, as SwiftShader's float compare would.
fn escaped(x: Vec, radius: f32) -> bool {
  return vec_norm_bits(x) > bitcast<u32>(radius);
}

// No escape found yet, where a loop keeps the least k + 1 that escaped (a min finds the first).
const ESCAPE_NONE: u32 = 0xffffffffu;

// The first part of this invocation whose running maximum did not clear the radius: its first
// iteration and start state; and `pending_end`, the end of the first part whose end state is out of
// bounds (0: none).
var<private> pending: bool;
var<private> pending_k: u32;
var<private> pending_z: State;
var<private> pending_end: u32;
// A candidate period whose rule 3 divisor test is still to run (0: none), set by the tail once it is
// complete: traj_settle runs it, or without SETTLE the `escape` pass.
var<private> divisor_p: u32;

// Marks a part of iterations k0 … k1 - 1 from `start` to `end` (x of its last state) whose bound failed.
fn mark_pending(k0: u32, k1: u32, start: State, end: Vec, radius: f32) {
  if (SETTLE && !pending) {
    pending_k = k0;
    pending_z = start;
  }
  pending = true;
  if (pending_end == 0u && escaped(end, radius)) { pending_end = k1; }
}

// Whether a part ended out of bounds: the trajectory has diverged (by pending_end at the latest), so
// its record is a diverged one whatever the iterations after it compute, and they need not run.
fn traj_gone() -> bool {
  return pending_end != 0u;
}

// Without SETTLE: whether a part's bound failed, and `pending_end`, for the kernel to mark its output.
fn traj_unsettled() -> bool {
  return pending;
}

fn traj_pending_end() -> u32 {
  return pending_end;
}

// Rule 2 for this dispatch's iterations up to k1, then rule 3's divisor test, in the kernel's one replay
// loop: the escape iteration of a pending part, replayed from its start (when the replay finds nothing
// but a part ended out of bounds, a compiler contracted the loops differently, and the escape is within
// that part, so no later than its end); then, for a candidate period p with a divisor, its p steps from
// the checkpoint c again (2p where the tail holds them), the tail's iterates bit for bit, with
// d_p ≤ tol·d_q for every divisor 2 ≤ q < p or d_2p = 0 (divisorsPass of src/core/outcome.ts), else
// period 0.
fn traj_settle(st: ptr<function, Traj>, h: Vec, k1: u32, g: Geometry) {
  if (!SETTLE) { return; }
  let a = select(0u, k1 - pending_k, pending);
  let p = divisor_p;
  // The returns up to d_2p where the tail holds them (2p ≤ P), for an exact return.
  let pe = select(p, 2u * p, 2u * p <= g.n - g.check);
  let c = (*st).c;
  var z = pending_z;
  var e = 0u;
  var bound = 0x7f800000u;
  var dp = 0u;
  var exact = false;
  for (var j = 0u; j < a + pe; j++) {
    if (j == a) { z = c; }
    z = opt_step(z, h);
    if (j < a) {
      if (escaped(state_x(z), g.radius)) {
        e = pending_k + j + 1u;
        break;
      }
    } else {
      let i = j - a + 1u;
      let d = state_dist_bits(z, c);
      bound = divisor_bound(bound, d, i, p);
      if (i == p) { dp = d; }
      exact = exact || (i == 2u * p && d == 0u);
    }
  }
  if (pending) {
    pending = false;
    let escape = select(pending_end, e, e != 0u);
    if (escape != 0u) { (*st).escape = escape; }
  }
  if (p != 0u && (*st).escape == 0u && !divisor_passes(dp, bound, g) && !exact) { (*st).period = 0u; }
  divisor_p = 0u;
}

// What the `escape` entry point learns by replaying a run from the start with the exact test at every
// step: rule 2's escape iteration (else `end`, the end of the first part that ended out of bounds, or
// 0: not diverged), and for a candidate period p (0: none) whether rule 3's divisor test fails it
// and whether x grew over the window (rule 5: the outcome a periodic pixel then has).
struct Settled {
  escape: u32,
  fails: bool,
  growing: bool,
}

fn settle_run(x0: Vec, h: Vec, g: Geometry, end: u32, p: u32) -> Settled {
  var z = state_start(x0);
  var c = z;
  var anchor = x0;
  var r1 = 0u;
  var r2 = 0u;
  var r2t = 0u;
  var e = 0u;
  var bound = 0x7f800000u;
  var dp = 0u;
  var exact = false;
  for (var k = 0u; k < g.n; k++) {
    z = opt_step(z, h);
    let x = state_x(z);
    if (escaped(x, g.radius)) {
      e = k + 1u;
      break;
    }
    if (p == 0u) { continue; }
    // R1, R2 over T < k + 1 ≤ M and M < k + 1 ≤ M + H, each from its first x (as the kernel tracks them).
    let k1 = k + 1u;
    let da = vec_dist_bits(x, anchor);
    if (k1 > g.t && k1 <= g.mid) { r1 = max(r1, da); }
    if (k1 > g.mid && k1 <= g.end) { r2 = max(r2, da); }
    if (k1 > g.mid && k1 <= g.end && k1 > g.check) { r2t = max(r2t, da); }
    if (k1 == g.t || k1 == g.mid) { anchor = x; }
    if (k1 == g.check) { c = z; }
    if (k1 > g.check && k1 <= g.check + 2u * p) {
      let i = k1 - g.check;
      let d = state_dist_bits(z, c);
      bound = divisor_bound(bound, d, i, p);
      if (i == p) { dp = d; }
      exact = exact || (i == 2u * p && d == 0u);
    }
  }
  let fails = p != 0u && e == 0u && !divisor_passes(dp, bound, g) && !exact;
  // Rule 6 for a trajectory that is not chaotic (it was periodic): the growth test's ratio is 2.
  let growing = GROWTH && g.half >= GROWTH_MIN_HALF && bitcast<f32>(r2) > bitcast<f32>(r1) * 2.0 &&
    bitcast<f32>(r2t) >= GROWTH_TAIL * bitcast<f32>(r2);
  return Settled(select(end, e, e != 0u), fails, growing);
}
