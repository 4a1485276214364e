// The basin pass: one invocation per pixel of a tile, one trajectory each (src/core/outcome.ts defines
// what is computed; this file implements exactly that comment). Prepended at build time: the
// compiled objective (DIM, DIM_SQ, NPARAM, P, objective_*, observable_*) and shaders/record.wgsl.
//
// Three entry points share the bindings: `init` writes each pixel's start into `state`, `advance`
// runs iterations k0 … k1-1 (the host bounds k1 - k0 so that no dispatch trips a GPU watchdog), and
// `finish` classifies and writes the records. Results do not depend on how iterations are chunked.

override WORKGROUP_SIZE: u32 = 64u;
// Off: the pipeline has no Hessian-vector product at all (the "classification only" engine).
override LYAPUNOV: bool = true;
// GROWTH_MIN_HALF and GROWTH_EXP_CAP of src/core/outcome.ts (rule 5).
override GROWTH_MIN_HALF: u32 = 16u;
override GROWTH_EXP_CAP: f32 = 80.0;

// Field order: BASIN_UNIFORM_FIELDS in src/engine/layouts.ts.
struct BasinUniforms {
  width: u32,
  height: u32,
  i0: u32,
  j0: u32,
  tile_w: u32,
  count: u32,
  k0: u32,
  k1: u32,
  iterations: u32,
  transient: u32,
  max_period: u32,
  tol: f32,
  radius: f32,
  chaos: f32,
  u_kind: u32,
  u_index: u32,
  u_min: f32,
  u_step: f32,
  v_kind: u32,
  v_index: u32,
  v_min: f32,
  v_step: f32,
}

// stateWords(dim) in src/engine/layouts.ts.
// The Lyapunov sum Σ log‖J_k v‖ is kept as log‖v‖ + lexp·ln 2: v is rescaled by exact powers of two
// (tangent_step), one log per trajectory at the end, and no f32 summation error over a million terms.
// `anchor` is the first state of the current half of the averaging window (x_T, then x_M), r1 and r2
// the halves' extents and `extent` the orbit's extent seen from the checkpoint (rules 3 and 5 of
// src/core/outcome.ts).
struct State {
  x: array<f32, DIM>,
  v: array<f32, DIM>,
  c: array<f32, DIM>,
  anchor: array<f32, DIM>,
  extent: f32,
  lexp: i32,
  escape: u32,
  period: u32,
  r1: f32,
  r2: f32,
}

@group(0) @binding(0) var<uniform> U: BasinUniforms;
// x0 (DIM), h (DIM), parameters (NPARAM): baseWords() in layouts.ts.
@group(0) @binding(1) var<storage, read> base: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<State>;
@group(0) @binding(3) var<storage, read_write> records: array<Record>;

// AxisKind in src/experiment/plane.ts.
const AXIS_COORD: u32 = 0u;
const AXIS_LR: u32 = 1u;
const AXIS_LR_COORD: u32 = 2u;
const AXIS_PARAM: u32 = 3u;

struct Setup {
  x: array<f32, DIM>,
  h: array<f32, DIM>,
}

fn apply_axis(s: ptr<function, Setup>, kind: u32, index: u32, value: f32) {
  switch kind {
    case AXIS_COORD: { (*s).x[index] = value; }
    case AXIS_LR: { for (var d = 0u; d < DIM; d++) { (*s).h[d] = value; } }
    case AXIS_LR_COORD: { (*s).h[index] = value; }
    default: { P[index] = value; }
  }
}

// pixelSetup of src/experiment/plane.ts: base values, then an `lr` axis, then the other one. Sets P too.
fn pixel_setup(t: u32) -> Setup {
  var s: Setup;
  for (var d = 0u; d < DIM; d++) {
    s.x[d] = base[d];
    s.h[d] = base[DIM + d];
  }
  for (var j = 0u; j < NPARAM; j++) { P[j] = base[2u * DIM + j]; }
  let i = U.i0 + t % U.tile_w;
  let j = U.j0 + t / U.tile_w;
  let u = U.u_min + (f32(i) + 0.5) * U.u_step;
  let v = U.v_min + (f32(j) + 0.5) * U.v_step;
  if (U.v_kind == AXIS_LR) {
    apply_axis(&s, U.v_kind, U.v_index, v);
    apply_axis(&s, U.u_kind, U.u_index, u);
  } else {
    apply_axis(&s, U.u_kind, U.u_index, u);
    apply_axis(&s, U.v_kind, U.v_index, v);
  }
  return s;
}

fn is_finite(a: f32) -> bool {
  return (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u;
}

fn invocation(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  // 2-D dispatches when a tile needs more workgroups than one dimension allows.
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// The Lyapunov start vector of src/core/outcome.ts (tangentStart): v ∝ (1, r, r², …), r = 1/φ, so that it
// has a component along every eigenvector of the tangent map, also on symmetric objectives.
fn tangent_start() -> array<f32, DIM> {
  var v: array<f32, DIM>;
  var w = 1.0;
  var sq = 0.0;
  for (var d = 0u; d < DIM; d++) {
    v[d] = w;
    sq += w * w;
    w *= 0.6180339887;
  }
  let inv = inverseSqrt(sq);
  for (var d = 0u; d < DIM; d++) {
    v[d] *= inv;
  }
  return v;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn init(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = invocation(gid, groups);
  if (t >= U.count) { return; }
  let s = pixel_setup(t);
  var st: State;
  let v0 = tangent_start();
  for (var d = 0u; d < DIM; d++) {
    st.x[d] = s.x[d];
    st.v[d] = v0[d];
    st.c[d] = s.x[d];
    st.anchor[d] = s.x[d];
  }
  st.extent = 0.0;
  st.r1 = 0.0;
  st.r2 = 0.0;
  st.lexp = 0;
  st.escape = 0u;
  st.period = 0u;
  state[t] = st;
}

fn gd_step(x: array<f32, DIM>, h: array<f32, DIM>) -> array<f32, DIM> {
  var g = objective_grad(x);
  var y: array<f32, DIM>;
  for (var d = 0u; d < DIM; d++) { y[d] = x[d] - h[d] * g[d]; }
  return y;
}

// Largest |x_d| as float bits, NaN above everything: non-negative floats order like their bits, so
// `escaped ⇔ magnitude(x) > bits(radius)` is one integer compare, and a running max covers a block.
fn magnitude(x: array<f32, DIM>) -> u32 {
  var m = 0u;
  for (var d = 0u; d < DIM; d++) { m = max(m, bitcast<u32>(x[d]) & 0x7fffffffu); }
  return m;
}

// Tangent map J_k = I - h ⊙ ∇²f(x_k) on v, at x_k (before x moves on). Instead of dividing by the
// norm, v is scaled by a power of two that brings its largest component into [1, 2): exact, so the
// direction is what per-step renormalisation gives, and the norms' product is ‖v‖ · 2^lexp.
fn tangent_step(st: ptr<function, State>, x: array<f32, DIM>, h: ptr<function, array<f32, DIM>>) {
  var hv = objective_hvp(x, (*st).v);
  var e = 0u;
  for (var d = 0u; d < DIM; d++) {
    let w = (*st).v[d] - (*h)[d] * hv[d];
    (*st).v[d] = w;
    e = max(e, (bitcast<u32>(w) >> 23u) & 0xffu);
  }
  // Clamped so that v = 0 stays 0 and ∞ or NaN stay so: finish() reads them as λ = -∞, ∞, NaN.
  let ec = clamp(e, 1u, 253u);
  let scale = bitcast<f32>((254u - ec) << 23u);
  for (var d = 0u; d < DIM; d++) { (*st).v[d] = (*st).v[d] * scale; }
  (*st).lexp += i32(ec) - 127;
}

// Rule 5 of src/core/outcome.ts at step k1 (x = x_{k1}): the extent of the window's current half,
// seen from its first state, and the anchor moved to x_M at the midpoint.
fn track_growth(st: ptr<function, State>, x: array<f32, DIM>, k1: u32, mid: u32, half: u32) {
  if (k1 > mid + half) { return; }
  var dd = 0.0;
  for (var d = 0u; d < DIM; d++) { dd = max(dd, abs(x[d] - (*st).anchor[d])); }
  if (k1 <= mid) {
    (*st).r1 = max((*st).r1, dd);
  } else {
    (*st).r2 = max((*st).r2, dd);
  }
  if (k1 == mid) { (*st).anchor = x; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn advance(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = invocation(gid, groups);
  if (t >= U.count) { return; }
  var st = state[t];
  if (st.escape != 0u) { return; }
  // `var`, not `let`: a let array indexed by a loop variable is copied into a var at every access.
  var h = pixel_setup(t).h;
  let rbits = bitcast<u32>(U.radius);
  let check = U.iterations - U.max_period;
  let T = min(U.transient, U.iterations);
  let half = (U.iterations - T) / 2u;
  let mid = T + half;
  var x = st.x;
  var k = U.k0;
  // Three phases with bounds uniform across invocations: plain GD before the transient, GD in the
  // averaging window (growth extents, and the tangent map when LYAPUNOV), and the last P iterations
  // with the period test. In the first two the divergence test is a running max, checked once per
  // stretch, and a stretch that escaped is replayed step by step for the exact escape iteration (a
  // trajectory escapes once, so the replay costs at most one extra chunk).
  // The step that makes x_{N-P} sets the checkpoint, so it belongs to the step-by-step tail.
  let plain_to = max(check, 1u) - 1u;
  for (var phase = 0u; phase < 2u; phase++) {
    let window = phase == 1u;
    let end = select(min(U.k1, min(T, plain_to)), min(U.k1, plain_to), window);
    if (k >= end) { continue; }
    // x = x_T: the first anchor (init set it already when T = 0).
    if (window && k == T) { st.anchor = x; }
    let k_start = k;
    let start = x;
    var m = 0u;
    for (; k < end; k++) {
      if (LYAPUNOV && window) { tangent_step(&st, x, &h); }
      var g = objective_grad(x);
      for (var d = 0u; d < DIM; d++) {
        x[d] = x[d] - h[d] * g[d];
        m = max(m, bitcast<u32>(x[d]) & 0x7fffffffu);
      }
      if (window) { track_growth(&st, x, k + 1u, mid, half); }
    }
    if (m > rbits) {
      // Escaped somewhere in this stretch: replay it step by step for the exact iteration. v, the
      // norm product and the extents are left as they are: a diverged record reports none of them.
      x = start;
      // The same statements as the loop above, so the replay retraces it bit for bit; the fallback
      // to `end` only guards against a compiler that contracts the two differently.
      st.escape = end;
      for (var j = k_start; j < end; j++) {
        var g = objective_grad(x);
        var mj = 0u;
        for (var d = 0u; d < DIM; d++) {
          x[d] = x[d] - h[d] * g[d];
          mj = max(mj, bitcast<u32>(x[d]) & 0x7fffffffu);
        }
        if (mj > rbits) {
          st.escape = j + 1u;
          break;
        }
      }
      state[t] = st;
      return;
    }
  }
  // The step that makes the checkpoint x_{N-P}, then the last P iterations: step by step, with the
  // period test against the checkpoint.
  var scale = 0.0;
  for (var d = 0u; d < DIM; d++) { scale = max(scale, abs(st.c[d])); }
  scale = max(1.0, scale);
  for (; k < U.k1; k++) {
    if (k == T) { st.anchor = x; }
    if (LYAPUNOV && k >= T) { tangent_step(&st, x, &h); }
    x = gd_step(x, h);
    if (magnitude(x) > rbits) {
      st.escape = k + 1u;
      break;
    }
    let k1 = k + 1u;
    if (k1 > T) { track_growth(&st, x, k1, mid, half); }
    if (k1 == check) {
      st.c = x;
      scale = 0.0;
      for (var d = 0u; d < DIM; d++) { scale = max(scale, abs(x[d])); }
      scale = max(1.0, scale);
    } else if (k1 > check && st.period == 0u) {
      var dist = 0.0;
      for (var d = 0u; d < DIM; d++) { dist = max(dist, abs(x[d] - st.c[d])); }
      // Rule 3: a cycle comes back within tol of its own extent, a fixed point within tol of the scale.
      let p = k1 - check;
      if (dist <= U.tol * select(min(scale, st.extent), scale, p == 1u)) {
        st.period = p;
      } else {
        st.extent = max(st.extent, dist);
      }
    }
  }
  st.x = x;
  state[t] = st;
}

// λmax of the symmetric Hessian: lambdaMax of src/reference/linalg.ts (closed form for DIM ≤ 2,
// cyclic Jacobi otherwise).
fn lambda_max(a0: array<f32, DIM_SQ>) -> f32 {
  var a = a0;
  if (DIM == 1u) { return a[0]; }
  if (DIM == 2u) {
    let m = 0.5 * (a[0] + a[DIM_SQ - 1u]);
    let d = 0.5 * (a[0] - a[DIM_SQ - 1u]);
    // Indices clamped so the DIM = 1 instantiation has no out-of-range constant index.
    let b = 0.5 * (a[min(1u, DIM_SQ - 1u)] + a[min(DIM, DIM_SQ - 1u)]);
    return m + sqrt(d * d + b * b);
  }
  for (var i = 0u; i < DIM; i++) {
    for (var j = i + 1u; j < DIM; j++) {
      let s = 0.5 * (a[i * DIM + j] + a[j * DIM + i]);
      a[i * DIM + j] = s;
      a[j * DIM + i] = s;
    }
  }
  for (var sweep = 0u; sweep < 16u; sweep++) {
    var off = 0.0;
    for (var i = 0u; i < DIM; i++) {
      for (var j = i + 1u; j < DIM; j++) { off += a[i * DIM + j] * a[i * DIM + j]; }
    }
    if (off == 0.0) { break; }
    for (var p = 0u; p < DIM; p++) {
      for (var q = p + 1u; q < DIM; q++) {
        let apq = a[p * DIM + q];
        if (apq == 0.0) { continue; }
        let theta = (a[q * DIM + q] - a[p * DIM + p]) / (2.0 * apq);
        let sg = select(-1.0, 1.0, theta >= 0.0);
        let t = sg / (abs(theta) + sqrt(theta * theta + 1.0));
        let c = inverseSqrt(t * t + 1.0);
        let s = t * c;
        for (var k = 0u; k < DIM; k++) {
          let akp = a[k * DIM + p];
          let akq = a[k * DIM + q];
          a[k * DIM + p] = c * akp - s * akq;
          a[k * DIM + q] = s * akp + c * akq;
        }
        for (var k = 0u; k < DIM; k++) {
          let apk = a[p * DIM + k];
          let aqk = a[q * DIM + k];
          a[p * DIM + k] = c * apk - s * aqk;
          a[q * DIM + k] = s * apk + c * aqk;
        }
      }
    }
  }
  var m = a[0];
  for (var d = 1u; d < DIM; d++) { m = max(m, a[d * DIM + d]); }
  return m;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn finish(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = invocation(gid, groups);
  if (t >= U.count) { return; }
  let st = state[t];
  _ = pixel_setup(t); // P, for the objective's evaluations below
  let nan = make_nan();
  var r: Record;
  r.flags = 0u;
  r.spare = 0.0;
  if (st.escape != 0u) {
    r.final0 = nan;
    r.final1 = nan;
    r.outcome = OUTCOME_DIVERGED;
    r.iter = st.escape;
    r.period = 0u;
    r.lyapunov = nan;
    r.f = nan;
    r.sharpness = nan;
    r.obs0 = nan;
    r.obs1 = nan;
    records[t] = r;
    return;
  }
  r.iter = U.iterations;
  r.period = st.period;
  var lyap = nan;
  if (LYAPUNOV) {
    // Σ log‖J_k v_k‖ = log(‖v_N‖ · 2^lexp) since ‖v_T‖ = 1. Spelled out for v = 0, ∞ and NaN:
    // SwiftShader's log(0) is -88 (log of the smallest normal), not -∞.
    var n2 = 0.0;
    for (var d = 0u; d < DIM; d++) { n2 += st.v[d] * st.v[d]; }
    var lsum = n2;
    if (n2 == 0.0) {
      var ninf = 0xff800000u;
      lsum = bitcast<f32>(ninf);
    } else if (is_finite(n2)) {
      lsum = 0.5 * log(n2) + f32(st.lexp) * 0.69314718055994531;
    }
    lyap = lsum / f32(U.iterations - U.transient);
  }
  r.lyapunov = lyap;
  // Rule 6 of src/core/outcome.ts (decideOutcome).
  let T = min(U.transient, U.iterations);
  let half = (U.iterations - T) / 2u;
  let chaotic = lyap > U.chaos;
  var grow_ratio = 2.0;
  if (chaotic) { grow_ratio = exp(min(GROWTH_EXP_CAP, max(lyap, 0.0) * f32(half) * 0.5)); }
  let growing = half >= GROWTH_MIN_HALF && st.r2 > st.r1 * grow_ratio;
  if (st.period == 1u) {
    r.outcome = OUTCOME_CONVERGED;
  } else if (st.period >= 2u && !chaotic) {
    r.outcome = OUTCOME_PERIODIC;
  } else if (growing) {
    r.outcome = OUTCOME_ESCAPING;
  } else if (chaotic) {
    r.outcome = OUTCOME_CHAOTIC;
  } else {
    r.outcome = OUTCOME_UNSETTLED;
  }
  r.f = objective_f(st.x);
  r.sharpness = lambda_max(objective_hess(st.x));
  r.obs0 = observable_0(st.x);
  r.obs1 = observable_1(st.x);
  r.final0 = st.x[0];
  r.final1 = select(nan, st.x[min(1u, DIM - 1u)], DIM > 1u);
  records[t] = r;
}
