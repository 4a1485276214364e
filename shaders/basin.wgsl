// The basin kernel: one invocation per pixel of a block, one trajectory each (shaders/gd-core.wgsl
// does the GD; this file sets pixels up and writes their Records, which shaders/reduce.wgsl folds into
// the statistics). No atomics and no barrier here: SwiftShader runs a workgroup barrier by switching
// between invocations, which cost more than 20 GD steps per pixel.
// Prepended: the objective block, the Vec helpers, shaders/record.wgsl, the generated structs
// (Record, Traj, BasinUniforms, DispatchParams, AXIS_* codes) and shaders/gd-core.wgsl.
//
// One entry point per part of the run (Phase in src/engine/basin-pass.ts): a dispatch whose k0 is 0
// starts its pixels, the one whose k1 is N (always `tail`) classifies them, and between dispatches a
// pixel's trajectory waits in `state`; `whole` runs a pixel from start to record in one invocation.

override WORKGROUP_SIZE: u32 = 64u;
// Off: the last part writes one summary word per pixel (a statistics-only run) and computes nothing
// of the record beyond outcome, period and iteration count.
override RECORDS: bool = true;
// On (without RECORDS): λ is written beside each summary word, so that a picture coloured by outcome
// (chaotic pixels are shaded by λ) can be made from the words alone: 8 bytes a pixel kept, not 48.
override LYAP_WORDS: bool = false;

@group(0) @binding(0) var<uniform> U: BasinUniforms;
@group(0) @binding(1) var<uniform> D: DispatchParams;
// x0 (DIM), h (DIM), parameters (NPARAM): baseWords() in layouts.ts.
@group(0) @binding(2) var<storage, read> base: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<Traj>;
@group(0) @binding(4) var<storage, read_write> records: array<Record>;
// One word per pixel without RECORDS: outcome, period and iter for the reduction.
@group(0) @binding(5) var<storage, read_write> summary: array<u32>;
// λ per pixel with LYAP_WORDS (record_of's, bit for bit).
@group(0) @binding(6) var<storage, read_write> lyap: array<f32>;

// The basin map has no per-step extras (OBSERVE is off).
fn kernel_transient(z: State) {}
fn kernel_step(x: Vec) {}

struct Setup {
  x: Vec,
  h: Vec,
}

// pixelSetup of src/experiment/plane.ts for grid pixel p: base values, then an `lr` axis, then the
// other one (so a per-coordinate rate overrides a swept lr). Sets P and OPT too. Written without pointers or a
// mutated struct, so that x and h stay values the GD loops keep in registers (an index past DIM
// replaces nothing).
fn pixel_setup(p: u32) -> Setup {
  let u = U.u_min + (f32(p % U.width) + 0.5) * U.u_step;
  let v = U.v_min + (f32(U.row0 + p / U.width) + 0.5) * U.v_step;
  params_read_base(2u * DIM);
  if (U.u_kind == AXIS_PARAM) { params_with(U.u_index, u); }
  if (U.v_kind == AXIS_PARAM) { params_with(U.v_index, v); }
  opt_read_base(2u * DIM + NPARAM);
  if (U.u_kind == AXIS_HYPER) { opt_with(U.u_index, u); }
  if (U.v_kind == AXIS_HYPER) { opt_with(U.v_index, v); }
  var x = vec_read_base(0u);
  x = vec_with(x, select(DIM, U.u_index, U.u_kind == AXIS_COORD), u);
  x = vec_with(x, select(DIM, U.v_index, U.v_kind == AXIS_COORD), v);
  var h = vec_read_base(DIM);
  if (U.u_kind == AXIS_LR) { h = vec_splat(u); }
  if (U.v_kind == AXIS_LR) { h = vec_splat(v); }
  h = vec_with(h, select(DIM, U.u_index, U.u_kind == AXIS_LR_COORD), u);
  h = vec_with(h, select(DIM, U.v_index, U.v_kind == AXIS_LR_COORD), v);
  return Setup(x, h);
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

// Rules 2, 4, 6 and 7 of the definition: the Record of a trajectory that ran all N iterations.
fn record_of(st: Traj, g: Geometry) -> Record {
  if (st.escape != 0u) { return diverged_record(st.escape); }
  let nan = make_nan();
  var r: Record;
  r.flags = 0u;
  r.spare = 0.0;
  r.iter = g.n;
  r.period = st.period;
  r.lyapunov = traj_lyapunov(st, g);
  r.outcome = traj_outcome(st, r.lyapunov, U.chaos, g);
  let x = state_x(st.x);
  r.f = objective_f(x);
  r.sharpness = lambda_max(objective_hess(x));
  r.obs0 = observable_0(x);
  r.obs1 = observable_1(x);
  r.final0 = x[0];
  r.final1 = select(nan, vec_at(x, 1u), DIM > 1u);
  return r;
}

// The record of a trajectory that escaped at iteration `escape` (rule 2: nothing else is decided).
fn diverged_record(escape: u32) -> Record {
  let nan = make_nan();
  var r: Record;
  r.outcome = OUTCOME_DIVERGED;
  r.iter = escape;
  r.period = 0u;
  r.flags = 0u;
  r.lyapunov = nan;
  r.f = nan;
  r.sharpness = nan;
  r.obs0 = nan;
  r.obs1 = nan;
  r.final0 = nan;
  r.final1 = nan;
  r.spare = 0.0;
  return r;
}

// The pixel of this invocation, or none past the dispatch's count (2-D dispatches when a block needs
// more workgroups than one dimension allows).
fn pixel(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  return select(0xffffffffu, D.p0 + t, t < D.count);
}

fn run_geometry() -> Geometry {
  return geometry(U.iterations, U.transient, U.max_period, U.tol, U.radius);
}

// A trajectory where this dispatch starts it: at its start, or as the previous dispatch left it.
fn load(p: u32, s: Setup) -> Traj {
  if (D.k0 == 0u) { return traj_start(s.x); }
  return state[p - D.s0];
}

// One part of the run for this invocation's pixel: start or load the trajectory, advance it through
// the dispatch's iterations, then keep it or, at N, classify it and write its record.
// `mixed`: every part where the dispatch meets it.
fn advance(gid: vec3<u32>, groups: vec3<u32>, tangent: bool, growth: u32, testing: bool, mixed: bool) {
  let p = pixel(gid, groups);
  if (p == 0xffffffffu) { return; }
  let s = pixel_setup(p);
  let g = run_geometry();
  var st = load(p, s);
  if (mixed) {
    traj_advance(&st, s.h, D.k0, D.k1, g);
  } else if (testing) {
    advance_tail(&st, s.h, D.k0, D.k1, g);
  } else {
    advance_part(&st, s.h, D.k0, D.k1, g, tangent, growth);
  }
  if (!(testing || mixed) || D.k1 < U.iterations) {
    state[p - D.s0] = st;
    return;
  }
  finish(p, st, g);
}

// Writes the record of a trajectory that ran all N iterations, or its summary word. Without SETTLE, a
// trajectory left pending, or whose candidate period awaits rule 3's divisor test (divisor_p), is
// marked for the `escape` entry point: its record's flags hold 1 | pending_end << 1 when pending, and
// DIVISOR_MARK when awaiting the test; its summary word, when a part ended out of bounds (so it
// diverged, by then at the latest), is a diverged word with iter = pending_end and the period bit 3
// set, else the word of the trajectory as it ran with iter 0 (a word that reaches N has iter N ≥ 1).
fn finish(p: u32, st: Traj, g: Geometry) {
  let unsettled = !SETTLE && traj_unsettled();
  let divisor = !SETTLE && !DIVISOR_SCAN && divisor_p != 0u;
  let end = traj_pending_end();
  if (RECORDS) {
    var r = record_of(st, g);
    if (unsettled) { r.flags = 1u | (end << 1u); }
    if (divisor) { r.flags = r.flags | DIVISOR_MARK; }
    records[p - D.r0] = r;
  } else {
    let lyapunov = traj_lyapunov(st, g);
    var w = summary_of(st, lyapunov, g);
    if (unsettled || divisor) {
      w = select(w & 0x3ffu, OUTCOME_DIVERGED | SUMMARY_MARK | (end << 10u), unsettled && end != 0u);
    }
    summary[p - D.r0] = w;
    if (LYAP_WORDS) { lyap[p - D.r0] = lyapunov; }
  }
}

// A record's flag: its candidate period awaits rule 3's divisor test (below pending_end << 1, which
// counts iterations, at most 2²⁰).
const DIVISOR_MARK = 0x80000000u;

// What the reduction needs of a record, in one word (shaders/reduce.wgsl unpacks it): the outcome,
// period and iter of record_of, and nothing else computed.
fn summary_of(st: Traj, lyapunov: f32, g: Geometry) -> u32 {
  if (st.escape != 0u) { return OUTCOME_DIVERGED | (st.escape << 10u); }
  let outcome = traj_outcome(st, lyapunov, U.chaos, g);
  return outcome | (min(st.period, 127u) << 3u) | (g.n << 10u);
}

// A whole run in one dispatch per pixel, with no state in or out of memory: on SwiftShader the state's
// load and store cost an invocation as much as 40 GD steps even where the branch around them was not
// taken.
@compute @workgroup_size(WORKGROUP_SIZE)
fn whole(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = pixel(gid, groups);
  if (p == 0xffffffffu) { return; }
  let s = pixel_setup(p);
  let g = run_geometry();
  var st = traj_start(s.x);
  traj_advance(&st, s.h, 0u, g.n, g);
  finish(p, st, g);
}

// Rule 2, and rule 3's divisor test, for the pixels that a `whole` dispatch without SETTLE left marked
// (finish marks them), run after it over the same pixels, ESCAPE_STRIDE of them per invocation: the
// exact escape iteration by replay from the start, and the record or word of a diverged trajectory;
// otherwise the mark is cleared and the record stands, with period 0 where the divisor test fails (the
// trajectory ran as it would have with the replay in the kernel). With DIVISOR_SCAN it looks for
// candidate periods instead of marks, over a whole tile, and the engine dispatches it only after
// statistics that count some (gpu-engine.ts). Every other pixel costs one read. On SwiftShader a
// workgroup costs microseconds to start, so one invocation per pixel cost a 1024² map 30 ms with
// nothing to settle; on a GPU it is one.
override ESCAPE_STRIDE: u32 = 1u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn escape(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  var t = (gid.x + gid.y * groups.x * WORKGROUP_SIZE) * ESCAPE_STRIDE;
  let t1 = min(D.count, t + ESCAPE_STRIDE);
  // A scan with nothing else in its loop, then the settling once per marked pixel: SwiftShader runs
  // a loop's whole body for every trip, so settling inside the scan cost 28 ns a pixel.
  loop {
    while (t < t1 && !unsettled(D.p0 + t - D.r0)) { t++; }
    if (t >= t1) { break; }
    settle_pixel(D.p0 + t);
    t++;
  }
}

// A diverged summary word's period bits are 0: bit 3 set marks one that finish left unsettled.
const SUMMARY_MARK = 8u;

fn marked_diverged(w: u32) -> bool {
  return (w & 0xfu) == (OUTCOME_DIVERGED | SUMMARY_MARK);
}

// Whether finish marked pixel i of the records or words or, with DIVISOR_SCAN, left it a candidate
// period for rule 3's divisor test (it marks nothing then).
fn unsettled(i: u32) -> bool {
  if (DIVISOR_SCAN && RECORDS) {
    return records[i].outcome != OUTCOME_DIVERGED && period_composite(records[i].period);
  }
  if (RECORDS) { return records[i].flags != 0u; }
  let w = summary[i];
  if (DIVISOR_SCAN) { return (w & 7u) != OUTCOME_DIVERGED && period_composite((w >> 3u) & 0x7fu); }
  return marked_diverged(w) || (w >> 10u) == 0u;
}

fn settle_pixel(p: u32) {
  let i = p - D.r0;
  var end = 0u;
  // The candidate period to test (0: none). A word left with iter 0 and a candidate with a divisor
  // was marked for the test, or pending; a pending one's test passes as it did in the kernel. With
  // DIVISOR_SCAN the pixel was found by its candidate.
  var cand = 0u;
  if (RECORDS) {
    let f = records[i].flags;
    end = (f & ~DIVISOR_MARK) >> 1u;
    cand = select(0u, records[i].period, (f & DIVISOR_MARK) != 0u || DIVISOR_SCAN);
  } else {
    let w = summary[i];
    end = select(0u, w >> 10u, marked_diverged(w));
    let q = (w >> 3u) & 0x7fu;
    cand = select(0u, q, !marked_diverged(w) && period_composite(q));
  }
  let s = pixel_setup(p);
  let g = run_geometry();
  let r = settle_run(s.x, s.h, g, end, cand);
  let e = r.escape;
  // The records written directly, not by `finish`: this entry point then holds no objective but its
  // gradient, and compiles in a fraction of the GD kernel's time. A candidate that fails has period
  // 0, and a periodic pixel the outcome rule 6 then gives it (it was not chaotic).
  let then = select(OUTCOME_UNSETTLED, OUTCOME_ESCAPING, r.growing);
  if (e != 0u && RECORDS) {
    records[i] = diverged_record(e);
  } else if (e != 0u) {
    summary[i] = OUTCOME_DIVERGED | (e << 10u);
  } else if (RECORDS) {
    records[i].flags = 0u;
    if (r.fails) {
      records[i].period = 0u;
      if (records[i].outcome == OUTCOME_PERIODIC) { records[i].outcome = then; }
    }
  } else {
    var w = summary[i] | (g.n << 10u);
    if (r.fails) {
      w = w & ~(0x7fu << 3u);
      if ((w & 7u) == OUTCOME_PERIODIC) { w = (w & ~7u) | then; }
    }
    summary[i] = w;
  }
}

// The parts' entry points (mixed, plain, growth1, growth2, tail) call `advance` with constant flags;
// src/engine/basin-pass.ts generates them (partEntryPoints) for this kernel and shaders/ensemble.wgsl.
