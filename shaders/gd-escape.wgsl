// Rule 2 of src/core/outcome.ts for the GD core (shaders/gd-core.wgsl, which calls these): the bound
// that a part's running maximum must clear, the parts left pending when it does not, and the replay
// that finds their exact escape iteration, in the kernel (traj_settle) or, without SETTLE, in the
// basin kernel's `escape` entry point (settle_from_start). Appended to the core.

// Off: rule 2's replay is not in this kernel. A trajectory whose bound failed is left pending
// (traj_unsettled) and the kernel marks its output so that a pass of its own settles it (`escape` in
// shaders/basin.wgsl). The replay loop and what it starts from cost a kernel that never ran them 4% of
// 1024² × 1000 on SwiftShader (a loop that no lane enters still slows the others).
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

// Rule 2 for a trajectory the GD kernel left pending (without SETTLE): its escape iteration from the
// start, found by replay, or, when that finds nothing, `end` (the end of the first part that ended out
// of bounds, or 0: not diverged).
fn settle_from_start(x0: Vec, h: Vec, g: Geometry, end: u32) -> u32 {
  let e = replay(state_start(x0), h, 0u, g.n, g.radius);
  return select(end, e, e != 0u);
}

// The escape iteration in k0 … k1 - 1 from z0 with the exact test at every step (the same step
// statements as the loops, so bit for bit the same states), or 0.
fn replay(z0: State, h: Vec, k0: u32, k1: u32, radius: f32) -> u32 {
  var z = z0;
  for (var k = k0; k < k1; k++) {
    z = opt_step(z, h);
    let x = state_x(z);
    if (escaped(x, radius)) { return k + 1u; }
  }
  return 0u;
}

// Rule 2 for this dispatch's iterations up to k1: the escape iteration of a pending part, found by
// replay. When the replay finds nothing but a part ended out of bounds (a compiler contracted the
// loops differently), the escape is within that part, so no later than its end.
fn traj_settle(st: ptr<function, Traj>, h: Vec, k1: u32, g: Geometry) {
  if (!SETTLE || !pending) { return; }
  pending = false;
  let e = replay(pending_z, h, pending_k, k1, g.radius);
  let escape = select(pending_end, e, e != 0u);
  if (escape != 0u) { (*st).escape = escape; }
}
