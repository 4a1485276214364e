// The ensemble kernel of the bifurcation and density views (definition: src/core/ensemble.ts). The
// trajectories run on the GD core (shaders/gd-core.wgsl) exactly as the basin kernel's, with the
// core's hooks keeping x_T and the extremes of the kept observable. Everything between the passes
// stays on the GPU: each sample's summary, the per-column reduction (`reduce_columns`), the
// automatic range (`choose_range`) and the binning of the kept iterates (`bin`), whose histogram
// lives in workgroup memory when a workgroup's samples share a column. With PAIR (the attractor view,
// src/core/attractor.ts) a second quantity is observed as well, and the one column's rows are the
// cells of a 2-D grid over the two.
// Prepended: the objective block, the Vec helpers, shaders/record.wgsl, the generated structs
// (Record, Traj, EnsembleUniforms, DispatchParams, Sample, ColumnWords, AXIS_* codes) and the core.

override WORKGROUP_SIZE: u32 = 64u;
// 0: state coordinate OBS_INDEX, 1: f, 2: observable_0, 3: observable_1 (obsKind of
// src/engine/bifurcation-layout.ts); OBS2_* the same for the second quantity of a PAIR.
override OBS_KIND: u32 = 0u;
override OBS_INDEX: u32 = 0u;
override PAIR: bool = false;
override OBS2_KIND: u32 = 0u;
override OBS2_INDEX: u32 = 0u;

@group(0) @binding(0) var<uniform> U: EnsembleUniforms;
@group(0) @binding(1) var<uniform> D: DispatchParams;
@group(0) @binding(2) var<storage, read> base: array<f32>;
@group(0) @binding(3) var<storage, read> starts: array<f32>;
@group(0) @binding(4) var<storage, read> values: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<Traj>;
@group(0) @binding(6) var<storage, read_write> samples: array<Sample>;
@group(0) @binding(7) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(8) var<storage, read_write> range: array<f32>;
@group(0) @binding(9) var<storage, read_write> columns: array<ColumnWords>;

fn observe_as(x: Vec, kind: u32, index: u32) -> f32 {
  if (kind == 1u) { return objective_f(x); }
  if (kind == 2u) { return observable_0(x); }
  if (kind == 3u) { return observable_1(x); }
  return vec_at(x, index);
}
fn observe(x: Vec) -> f32 { return observe_as(x, OBS_KIND, OBS_INDEX); }
fn observe2(x: Vec) -> f32 { return observe_as(x, OBS2_KIND, OBS2_INDEX); }

// The core's hooks: z_T (the whole state: the replay of pass two starts from it) and the extremes of
// the kept observable x_{T+1} … x_N of this invocation's sample, loaded from and stored to its Sample
// around each dispatch.
var<private> x_t: State;
var<private> obs_lo: f32;
var<private> obs_hi: f32;
var<private> obs2_lo: f32;
var<private> obs2_hi: f32;

fn kernel_transient(z: State) { x_t = z; }

// Whether v is a NaN, from its bits: WGSL leaves min and max of a NaN to the driver (SPIR-V FMin may
// return either operand), and the float64 engines' extremes skip NaN (an observable such as √x where
// an orbit sits at x < 0), so a NaN must leave the extremes as they are on every GPU.
fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn kernel_step(x: Vec) {
  let o = observe(x);
  obs_lo = select(min(obs_lo, o), obs_lo, is_nan(o));
  obs_hi = select(max(obs_hi, o), obs_hi, is_nan(o));
  if (PAIR) {
    let o2 = observe2(x);
    obs2_lo = select(min(obs2_lo, o2), obs2_lo, is_nan(o2));
    obs2_hi = select(max(obs2_hi, o2), obs2_hi, is_nan(o2));
  }
}

// The column's rates and parameters (sets P and OPT) and the sample's start, the swept quantity applied.
struct Setup {
  x: Vec,
  h: Vec,
}

fn sample_setup(g: u32) -> Setup {
  let col = g / U.samples;
  let m = g % U.samples;
  let u = values[col];
  params_read_base(DIM);
  if (U.u_kind == AXIS_PARAM) { params_with(U.u_index, u); }
  opt_read_base(DIM + NPARAM);
  if (U.u_kind == AXIS_HYPER) { opt_with(U.u_index, u); }
  var h = vec_read_base(0u);
  if (U.u_kind == AXIS_LR) { h = vec_splat(u); }
  h = vec_with(h, select(DIM, U.u_index, U.u_kind == AXIS_LR_COORD), u);
  let x = vec_with(vec_read_starts(m * DIM), select(DIM, U.u_index, U.u_kind == AXIS_COORD), u);
  return Setup(x, h);
}

fn ensemble_geometry() -> Geometry {
  return geometry(U.iterations, U.transient, U.max_period, U.tol, U.radius);
}

// One part of a sample's first pass: start or load it, advance it, then keep it or, at N, write its
// summary (rules 2 and 6 decided here, so no sample state is ever read back).
fn advance(gid: vec3<u32>, groups: vec3<u32>, tangent: bool, growth: u32, testing: bool, mixed: bool) {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (t >= D.count) { return; }
  let g = D.p0 + t;
  let s = sample_setup(g);
  let geo = ensemble_geometry();
  var st: Traj;
  if (D.k0 == 0u) {
    st = traj_start(s.x);
    x_t = st.x;
    obs_lo = 0x1.fffffep+127f;
    obs_hi = -0x1.fffffep+127f;
    obs2_lo = obs_lo;
    obs2_hi = obs_hi;
  } else {
    st = state[g - D.s0];
    let q = samples[g - D.r0];
    x_t = q.xt;
    obs_lo = q.lo;
    obs_hi = q.hi;
    obs2_lo = q.lo2;
    obs2_hi = q.hi2;
  }
  if (mixed) {
    traj_advance(&st, s.h, D.k0, D.k1, geo);
  } else if (testing) {
    advance_tail(&st, s.h, D.k0, D.k1, geo);
  } else {
    advance_part(&st, s.h, D.k0, D.k1, geo, tangent, growth);
  }
  var q: Sample;
  q.xt = x_t;
  q.lo = obs_lo;
  q.hi = obs_hi;
  q.lo2 = obs2_lo;
  q.hi2 = obs2_hi;
  q.escape = st.escape;
  q.cls = 0u;
  q.lyapunov = 0.0;
  if ((testing || mixed) && D.k1 == U.iterations) {
    // The run ends here, escaped or not: no state to keep (a run in one dispatch binds a state buffer
    // of one Traj, which escaped samples wrote out of bounds).
    if (st.escape == 0u) {
      q.lyapunov = traj_lyapunov(st, geo);
      let o = traj_outcome(st, q.lyapunov, U.chaos, geo);
      // A period's class is the period (1…64: longer ones share 64); chaotic orbits are class 0,
      // escaping and unsettled ones classes of their own (reduceColumns of src/core/ensemble-stats.ts).
      q.cls = select(0u, min(st.period, 64u), o == OUTCOME_CONVERGED || o == OUTCOME_PERIODIC);
      q.cls = select(q.cls, CLASS_ESCAPING, o == OUTCOME_ESCAPING);
      q.cls = select(q.cls, CLASS_UNSETTLED, o == OUTCOME_UNSETTLED);
    }
  } else {
    state[g - D.s0] = st;
  }
  samples[g - D.r0] = q;
}

// The parts' entry points calling `advance` are generated (partEntryPoints of src/engine/basin-pass.ts).

// Order-preserving keys of f32 (f32Key in src/engine/stats.ts), for atomic min and max.
fn key_of(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}
fn key_value(k: u32) -> f32 {
  return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u));
}

const CLASS_ESCAPING = 65u;
const CLASS_UNSETTLED = 66u;
var<workgroup> wg_classes: array<atomic<u32>, 67>;
var<workgroup> wg_bounded: atomic<u32>;
var<workgroup> wg_lo: atomic<u32>;
var<workgroup> wg_hi: atomic<u32>;
var<workgroup> wg_lo2: atomic<u32>;
var<workgroup> wg_hi2: atomic<u32>;
// The same extremes over the samples that are not escaping: the automatic range's (chooseRange).
var<workgroup> wg_range_lo: atomic<u32>;
var<workgroup> wg_range_hi: atomic<u32>;
var<workgroup> wg_range_lo2: atomic<u32>;
var<workgroup> wg_range_hi2: atomic<u32>;
var<workgroup> wg_lyap: array<f32, WORKGROUP_SIZE>;

// reduceColumns of src/core/ensemble.ts: one workgroup per column of the group (D.p0 is its first
// column, D.r0 the group's first sample), its lanes striding over the column's samples.
@compute @workgroup_size(WORKGROUP_SIZE)
fn reduce_columns(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let c = D.p0 + wid.x + wid.y * groups.x;
  let live = wid.x + wid.y * groups.x < D.count;
  if (lid == 0u) {
    atomicStore(&wg_lo, 0xffffffffu);
    atomicStore(&wg_lo2, 0xffffffffu);
    atomicStore(&wg_range_lo, 0xffffffffu);
    atomicStore(&wg_range_lo2, 0xffffffffu);
  }
  workgroupBarrier();
  var bounded = 0u;
  var lyap = 0.0;
  var lo = 0xffffffffu;
  var hi = 0u;
  var lo2 = 0xffffffffu;
  var hi2 = 0u;
  var rlo = 0xffffffffu;
  var rhi = 0u;
  var rlo2 = 0xffffffffu;
  var rhi2 = 0u;
  if (live) {
    for (var m = lid; m < U.samples; m += WORKGROUP_SIZE) {
      let q = samples[c * U.samples + m - D.r0];
      if (q.escape != 0u) { continue; }
      bounded++;
      lyap += q.lyapunov;
      lo = min(lo, key_of(q.lo));
      hi = max(hi, key_of(q.hi));
      lo2 = min(lo2, key_of(q.lo2));
      hi2 = max(hi2, key_of(q.hi2));
      atomicAdd(&wg_classes[min(q.cls, CLASS_UNSETTLED)], 1u);
      if (q.cls == CLASS_ESCAPING) { continue; }
      rlo = min(rlo, key_of(q.lo));
      rhi = max(rhi, key_of(q.hi));
      rlo2 = min(rlo2, key_of(q.lo2));
      rhi2 = max(rhi2, key_of(q.hi2));
    }
    atomicAdd(&wg_bounded, bounded);
    atomicMin(&wg_lo, lo);
    atomicMax(&wg_hi, hi);
    atomicMin(&wg_lo2, lo2);
    atomicMax(&wg_hi2, hi2);
    atomicMin(&wg_range_lo, rlo);
    atomicMax(&wg_range_hi, rhi);
    atomicMin(&wg_range_lo2, rlo2);
    atomicMax(&wg_range_hi2, rhi2);
  }
  wg_lyap[lid] = lyap;
  workgroupBarrier();
  if (!live || lid != 0u) { return; }
  var sum = 0.0;
  for (var i = 0u; i < WORKGROUP_SIZE; i++) { sum += wg_lyap[i]; }
  var w: ColumnWords;
  w.bounded = atomicLoad(&wg_bounded);
  w.lyapunov = sum / f32(w.bounded);
  w.lo = key_value(atomicLoad(&wg_lo));
  w.hi = key_value(atomicLoad(&wg_hi));
  w.lo2 = key_value(atomicLoad(&wg_lo2));
  w.hi2 = key_value(atomicLoad(&wg_hi2));
  // Order keys, not values: +∞ and -∞ when no sample counted would need keys of their own.
  w.range_lo = atomicLoad(&wg_range_lo);
  w.range_hi = atomicLoad(&wg_range_hi);
  w.range_lo2 = atomicLoad(&wg_range_lo2);
  w.range_hi2 = atomicLoad(&wg_range_hi2);
  // The smallest period wins a tie; aperiodic orbits, as one class, win only outright, and are then
  // labelled by the most common of chaotic, escaping and unsettled (columnOutcome, in that order).
  var best = 1u;
  for (var p = 2u; p <= min(U.max_period, 64u); p++) {
    if (atomicLoad(&wg_classes[p]) > atomicLoad(&wg_classes[best])) { best = p; }
  }
  let n = atomicLoad(&wg_classes[best]);
  let chaotic = atomicLoad(&wg_classes[0]);
  let escaping = atomicLoad(&wg_classes[CLASS_ESCAPING]);
  let unsettled = atomicLoad(&wg_classes[CLASS_UNSETTLED]);
  w.period = select(0u, best, n > 0u && n >= chaotic + escaping + unsettled);
  var o = select(OUTCOME_PERIODIC, OUTCOME_CONVERGED, best == 1u);
  if (w.period == 0u) {
    o = OUTCOME_CHAOTIC;
    var most = chaotic;
    if (escaping > most) {
      o = OUTCOME_ESCAPING;
      most = escaping;
    }
    if (unsettled > most) { o = OUTCOME_UNSETTLED; }
  }
  w.outcome = select(OUTCOME_DIVERGED, o, w.bounded > 0u);
  columns[c] = w;
}

// [lo, hi, lo2, hi2] over the samples that are not escaping, then the same over all bounded samples.
var<workgroup> wg_range: array<atomic<u32>, 8>;

// The widened range of order keys klo ≤ khi, or [-1, 1] when nothing bounded was seen.
fn finish_range(klo: u32, khi: u32) -> vec2<f32> {
  var a = key_value(klo);
  var b = key_value(khi);
  let finite = (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u && (bitcast<u32>(b) & 0x7f800000u) != 0x7f800000u;
  if (klo > khi || !finite) {
    return vec2<f32>(-1.0, 1.0);
  }
  let scale = max(1.0, max(abs(a), abs(b)));
  if (b - a < 1e-6 * scale) {
    a -= 1e-3 * scale;
    b += 1e-3 * scale;
  }
  return vec2<f32>(a, b);
}

// chooseRange of src/core/ensemble.ts (the automatic one): the extremes of the kept observable over
// the bounded samples that are not escaping (over all bounded samples when every one escapes), widened
// when they coincide; for a PAIR the same for the second quantity. U.auto_range says which of the two
// are chosen (bit 1: the second); a fixed one stays. One workgroup.
@compute @workgroup_size(WORKGROUP_SIZE)
fn choose_range(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    for (var i = 0u; i < 8u; i += 2u) { atomicStore(&wg_range[i], 0xffffffffu); }
  }
  workgroupBarrier();
  var k = array<u32, 8>(0xffffffffu, 0u, 0xffffffffu, 0u, 0xffffffffu, 0u, 0xffffffffu, 0u);
  for (var c = lid; c < U.columns; c += WORKGROUP_SIZE) {
    let w = columns[c];
    if (w.bounded == 0u) { continue; }
    k[0] = min(k[0], w.range_lo);
    k[1] = max(k[1], w.range_hi);
    k[2] = min(k[2], w.range_lo2);
    k[3] = max(k[3], w.range_hi2);
    k[4] = min(k[4], key_of(w.lo));
    k[5] = max(k[5], key_of(w.hi));
    k[6] = min(k[6], key_of(w.lo2));
    k[7] = max(k[7], key_of(w.hi2));
  }
  for (var i = 0u; i < 8u; i += 2u) {
    atomicMin(&wg_range[i], k[i]);
    atomicMax(&wg_range[i + 1u], k[i + 1u]);
  }
  workgroupBarrier();
  if (lid != 0u) { return; }
  // Every bounded sample escaping leaves no key below the sentinel: fall back to all of them.
  let first = select(0u, 4u, atomicLoad(&wg_range[0]) > atomicLoad(&wg_range[1]));
  if ((U.auto_range & 1u) != 0u) {
    let r = finish_range(atomicLoad(&wg_range[first]), atomicLoad(&wg_range[first + 1u]));
    range[0] = r.x;
    range[1] = r.y;
  }
  if (PAIR && (U.auto_range & 2u) != 0u) {
    let r = finish_range(atomicLoad(&wg_range[first + 2u]), atomicLoad(&wg_range[first + 3u]));
    range[2] = r.x;
    range[3] = r.y;
  }
}

// Bins of the workgroup histogram (sharedBins of src/engine/bifurcation.ts: SHARED_BINS on a GPU, 1 on
// a CPU adapter, where `U.shared_bins` is 0 and every count is an atomic in `counts`).
override SHARED_BINS: u32 = 3840u;
var<workgroup> wg_bins: array<atomic<u32>, SHARED_BINS>;

// Bin of o among n over [lo, hi] (rowOf of src/core/ensemble.ts), n when outside or not finite.
fn bin_of(o: f32, lo: f32, hi: f32, n: u32) -> u32 {
  if ((bitcast<u32>(o) & 0x7f800000u) != 0x7f800000u && o >= lo && o <= hi) {
    return min(n - 1u, u32(floor((o - lo) / (hi - lo) * f32(n))));
  }
  return n;
}

// The row of a kept state among H, or for a PAIR its cell j·W + i of the W × (H / W) grid over the
// two quantities (cellOf of src/core/attractor.ts); H when outside.
fn cell_of(x: Vec, lo: f32, hi: f32, H: u32) -> u32 {
  if (!PAIR) { return bin_of(observe(x), lo, hi, H); }
  let w = U.pair_width;
  let h = H / w;
  let i = bin_of(observe(x), lo, hi, w);
  let j = bin_of(observe2(x), range[2], range[3], h);
  return select(H, j * w + i, i < w && j < h);
}

// Pass two: the kept steps k0 … k1 - 1 of K, replayed from x_T of each bounded sample, each counted
// once: in a bin of the range or in its column's `outside` count (rowOf of src/core/ensemble.ts).
@compute @workgroup_size(WORKGROUP_SIZE)
fn bin(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let g = D.p0 + t;
  let lo = range[0];
  let hi = range[1];
  let W = U.columns;
  let H = U.rows;
  // The workgroup's first and last samples: one column, and few enough rows, keep the histogram here.
  let first = D.p0 + (wid.x + wid.y * groups.x) * WORKGROUP_SIZE;
  let last = min(first + WORKGROUP_SIZE, D.p0 + D.count) - 1u;
  let col0 = first / U.samples;
  let in_shared = U.shared_bins != 0u && col0 == last / U.samples && H + 1u <= SHARED_BINS;
  if (t < D.count) {
    var q = samples[g - D.r0];
    if (q.escape == 0u) {
      let s = sample_setup(g);
      let col = g / U.samples;
      var x = q.xt;
      for (var k = D.k0; k < D.k1; k++) {
        x = opt_step(x, s.h);
        // Exactly one count per kept step: a bin, or the column's outside count.
        let r = cell_of(state_x(x), lo, hi, H);
        if (in_shared) {
          atomicAdd(&wg_bins[r], 1u);
        } else {
          atomicAdd(&counts[select(r * W + col, H * W + col, r == H)], 1u);
        }
      }
      q.xt = x;
      samples[g - D.r0] = q;
    }
  }
  if (!in_shared) { return; }
  workgroupBarrier();
  for (var r = lid; r <= H; r += WORKGROUP_SIZE) {
    let n = atomicLoad(&wg_bins[r]);
    if (n != 0u) { atomicAdd(&counts[select(r * W + col0, H * W + col0, r == H)], n); }
  }
}
