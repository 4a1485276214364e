// The end of a run for the GD core (shaders/gd-core.wgsl): the Lyapunov exponent from the tangent the
// core carried (rule 4 of src/core/outcome.ts) and the outcome of a bounded trajectory (rule 6), read
// by the basin and ensemble kernels, and rule 3's divisor test as a replay meets the returns.
// Appended to the core, after shaders/gd-escape.wgsl.

// λ (rule 4): Σ log‖J_k v_k‖ / (N - T) = (log‖v_N‖ + lexp·ln 2) / (N - T) since ‖v_T‖ = 1 (the
// start vector, or the warmed-up one renormalised at T with lexp reset). Spelled out for v = 0, ∞
// and NaN: SwiftShader's log(0) is -88 (log of the smallest normal), not -∞. NaN when off.
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
  // A runaway is at its farthest over the tail; a burst that came back is not (R2' of rule 5).
  let growing = GROWTH && g.half >= GROWTH_MIN_HALF && st.r2 > st.r1 * grow_ratio &&
    st.r2t >= GROWTH_TAIL * st.r2;
  // One step below tol·s is rest unless the tangent map stretches and x wandered over the window.
  let rest = g.tol * max(1.0, state_norm(st.c));
  if (st.period == 1u && !(chaotic && st.r2 > rest)) { return OUTCOME_CONVERGED; }
  if (st.period >= 2u && !chaotic) { return OUTCOME_PERIODIC; }
  if (growing) { return OUTCOME_ESCAPING; }
  // λ over fewer than 2·GROWTH_MIN_HALF steps says the orbit stretches, not that it is chaotic.
  if (chaotic && g.half >= GROWTH_MIN_HALF) { return OUTCOME_CHAOTIC; }
  return OUTCOME_UNSETTLED;
}

// Rule 3's divisor test as a replay meets the returns d_i (float bits) of the candidate p, for both
// replays (traj_settle's from the checkpoint, settle_run's from the start): the least d_q over the
// divisors 2 ≤ q < p so far, then whether d_p ≤ tol·that (divisorsPass of src/core/outcome.ts).
fn divisor_bound(bound: u32, d: u32, i: u32, p: u32) -> u32 {
  return select(bound, min(bound, d), i >= 2u && i < p && p % i == 0u);
}

fn divisor_passes(d: u32, bound: u32, g: Geometry) -> bool {
  return d <= bitcast<u32>(g.tol * bitcast<f32>(bound));
}
