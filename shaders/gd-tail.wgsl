// The GD core's tail (shaders/gd-core.wgsl, which this file follows in every kernel): the last P
// steps of a run, from the checkpoint N - P on, where rule 3's period test runs at every step and
// what is left of the averaging window is tracked by selects. Uses gd-core.wgsl's Geometry, Tangent,
// PERIOD_NONE and traj_settle (gd-escape.wgsl); gd-core.wgsl's traj_advance calls `tail_run`.

// Steps k0 … k1 - 1 from the checkpoint N - P on (at most P = 64 of them): the period test of rule 3
// at every step, and, where the tail meets them (TAIL_WINDOW), the transient, the window's halves and
// their anchors as selects rather than branches; otherwise only the second half's extent. The period
// test compares float bits too: d_i = ‖z - c‖∞ against tol·min(s, a_i), with a_1 taken as +∞ (so
// step 1 compares with tol·s) and the least period as the least k + 1 that matched; after a match
// nothing decides any more, so the extent goes on growing without a test. Divergence as in
// `advance_part`, but bounded by that extent (‖x_k‖∞ ≤ ‖c‖∞ + extent) rather than by a running
// maximum of its own: four operations less in a step that P of N steps take (16 of 20 at 1024² × 20,
// 2.71 → 2.57 times the bare kernel there, with pooled statistics). Then rule 2 (traj_settle).
fn advance_tail(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry) {
  tail_run(st, h, k0, k1, g);
  traj_settle(st, h, k1, g);
}

// advance_tail without rule 2's replay: a tail whose bound fails is left pending (nothing runs after
// an escape, as in `part_run`).
fn tail_run(st: ptr<function, Traj>, h: Vec, k0: u32, k1: u32, g: Geometry) {
  if (k0 >= k1 || (*st).escape != 0u || traj_gone()) { return; }
  if (k0 == g.check) { (*st).c = (*st).x; }
  // The second half starts at the checkpoint (its part before the tail is empty).
  if (GROWTH && !TAIL_WINDOW && k0 == g.mid) { (*st).anchor = state_x((*st).x); }
  let start = (*st).x;
  let c = (*st).c;
  let scale = bitcast<u32>(max(1.0, state_norm(c)));
  var x = start;
  var a = (*st).anchor;
  var tg = Tangent((*st).v, (*st).lexp);
  var extent = bitcast<u32>((*st).extent);
  var first = select(0u, 0x7f800000u, k0 == g.check);
  var found = select(PERIOD_NONE, (*st).period + g.check, (*st).period != 0u);
  var r1 = bitcast<u32>((*st).r1);
  var r2 = bitcast<u32>((*st).r2);
  // Rule 5's R2': the second half's extent over the tail alone.
  var r2t = bitcast<u32>((*st).r2t);
  // Without SETTLE (a `whole` dispatch, which runs the tail in one part) nor DIVISOR_SCAN: d_p of the
  // first return and the least d_j over 2 ≤ j < p before it, the test that makes rule 3's divisor test
  // pass without a replay (min over every j ≤ min over p's divisors).
  var near = 0x7f800000u;
  var cand_d = 0u;
  var cand_near = 0x7f800000u;
  // EXACT_TAIL without TAIL_REPLAY: the least k + 1 whose state escaped.
  var escape = ESCAPE_NONE;
  // Without TAIL_WINDOW the tail meets T only at its first step (P = 1, H = 0).
  if (LYAPUNOV && !TAIL_WINDOW && k0 == g.t && g.warm < g.t) { tg = tangent_unit(tg); }
  for (var k = k0; k < k1; k++) {
    if (GROWTH && TAIL_WINDOW) { a = vec_choose(a, state_x(x), (GROWTH_R1 && k == g.t) || k == g.mid); }
    if (OBSERVE && k == g.t) { kernel_transient(x); }
    // tangent_unit at T, by selects: as a branch SwiftShader ran it at every step (1024² × 20 with the
    // exponent: 397 → 343 ms). A scale of 1 leaves v as it is.
    if (LYAPUNOV && TAIL_WINDOW) {
      let at = k == g.t && g.warm < g.t;
      let n2 = tan_sumsq(tg.v);
      tg = Tangent(tan_scale(tg.v, select(1.0, inverseSqrt(n2), at && n2 > 0.0)), select(tg.lexp, 0, at));
    }
    if (LYAPUNOV && (!TAIL_WINDOW || k >= g.warm)) { tg = tangent_step(tg, x, h); }
    x = opt_step(x, h);
    let xk = state_x(x);
    if (GROWTH) {
      let da = vec_dist_bits(xk, a);
      if (TAIL_WINDOW) {
        if (GROWTH_R1) { r1 = select(r1, max(r1, da), k >= g.t && k < g.mid); }
        r2 = select(r2, max(r2, da), k >= g.mid && k < g.end);
        r2t = select(r2t, max(r2t, da), k >= g.mid && k < g.end);
      } else {
        r2 = select(r2, max(r2, da), k < g.end);
        r2t = select(r2t, max(r2t, da), k < g.end);
      }
    }
    let d = state_dist_bits(x, c);
    let hit = d <= bitcast<u32>(g.tol * bitcast<f32>(min(scale, max(extent, first))));
    if (!SETTLE && !DIVISOR_SCAN) {
      let at_first = hit && found == PERIOD_NONE;
      cand_d = select(cand_d, d, at_first);
      cand_near = select(cand_near, near, at_first);
      near = select(near, min(near, d), k + 1u >= g.check + 2u);
    }
    found = min(found, select(PERIOD_NONE, k + 1u, hit));
    extent = max(extent, d);
    first = 0u;
    if (EXACT_TAIL && !TAIL_REPLAY) { escape = min(escape, select(ESCAPE_NONE, k + 1u, escaped(xk, g.radius))); }
    if (OBSERVE && k >= g.t) { kernel_step(xk); }
  }
  // ‖x_k‖∞ ≤ ‖c‖∞ + d_k (x is part of the state), with the margin of `part_run`'s growth bound.
  let bounded = (vec_norm(state_x(c)) + bitcast<f32>(extent)) * 1.0000005 <= g.radius;
  if (EXACT_TAIL && !TAIL_REPLAY) {
    if (escape != ESCAPE_NONE) { (*st).escape = escape; }
  } else if (EXACT_TAIL && !bounded) {
    // TAIL_REPLAY: the same steps again from this part's start, each tested, to the first escape.
    var y = start;
    for (var k = k0; k < k1; k++) {
      y = opt_step(y, h);
      if (escaped(state_x(y), g.radius)) {
        (*st).escape = k + 1u;
        break;
      }
    }
  } else if (!bounded) {
    mark_pending(k0, k1, start, state_x(x), g.radius);
  }
  (*st).x = x;
  (*st).anchor = a;
  (*st).v = tg.v;
  (*st).lexp = tg.lexp;
  (*st).extent = bitcast<f32>(extent);
  // Rule 3's divisor test for a candidate with a divisor 2 ≤ q < p, once the tail is complete: by
  // traj_settle's replay loop, or without SETTLE by the `escape` pass (finish marks the pixel) unless
  // the first return was already tighter than every return after 2 … p - 1 steps.
  let candidate = select(0u, found - g.check, k1 == g.n && found != PERIOD_NONE);
  let implied = !SETTLE && cand_d <= bitcast<u32>(g.tol * bitcast<f32>(cand_near));
  divisor_p = select(0u, candidate, !DIVISOR_SCAN && period_composite(candidate) && !implied);
  (*st).period = select(0u, found - g.check, found != PERIOD_NONE);
  (*st).r1 = bitcast<f32>(r1);
  (*st).r2 = bitcast<f32>(r2);
  (*st).r2t = bitcast<f32>(r2t);
}
