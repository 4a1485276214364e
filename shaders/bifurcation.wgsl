// Ensemble kernel of the bifurcation and density views (definition: src/core/ensemble.ts).
// The objective block (DIM, NPARAM, P, objective_grad, objective_hvp, objective_f, observable_0)
// is spliced in front of this text. Layouts: src/engine/bifurcation-layout.ts.
//
// Phase 0 runs the whole trajectory in chunks [k0, k1): fate, period, Lyapunov exponent, extremes of
// the kept observable, and x_T. Phase 1 replays the K kept steps from x_T of bounded samples into the
// counts. Replaying rather than counting during phase 0 means a sample that escapes late never leaves
// counts behind, and the automatic range is known before anything is binned.

override WORKGROUP_SIZE: u32 = 64u;
// 0: state coordinate OBS_INDEX, 1: f, 2: observable_0.
override OBS_KIND: u32 = 0u;
override OBS_INDEX: u32 = 0u;

struct EnsembleUniforms {
  columns: u32,
  rows: u32,
  samples: u32,
  offset: u32,
  count: u32,
  k0: u32,
  k1: u32,
  phase: u32,
  iterations: u32,
  transient: u32,
  checkpoint: u32,
  lyapunov: u32,
  tol: f32,
  radius: f32,
  lo: f32,
  hi: f32,
  u_kind: u32,
  u_index: u32,
  spare0: u32,
  spare1: u32,
}

@group(0) @binding(0) var<uniform> U: EnsembleUniforms;
@group(0) @binding(1) var<storage, read> base: array<f32>;
@group(0) @binding(2) var<storage, read> starts: array<f32>;
@group(0) @binding(3) var<storage, read> values: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
@group(0) @binding(5) var<storage, read_write> counts: array<atomic<u32>>;

const S_V: u32 = DIM;
const S_C: u32 = 2u * DIM;
const S_XT: u32 = 3u * DIM;
const S_ANCHOR: u32 = 4u * DIM;
const S_LYAP: u32 = 5u * DIM;
const S_ESCAPE: u32 = 5u * DIM + 1u;
const S_PERIOD: u32 = 5u * DIM + 2u;
const S_MIN: u32 = 5u * DIM + 3u;
const S_MAX: u32 = 5u * DIM + 4u;
const S_LYAP_C: u32 = 5u * DIM + 5u;
const S_R1: u32 = 5u * DIM + 6u;
const S_R2: u32 = 5u * DIM + 7u;
const S_EXTENT: u32 = 5u * DIM + 8u;
const STATE_WORDS: u32 = 5u * DIM + 9u;

// AxisKind codes of src/experiment/plane.ts.
const AXIS_COORD: u32 = 0u;
const AXIS_LR: u32 = 1u;
const AXIS_LR_COORD: u32 = 2u;
const AXIS_PARAM: u32 = 3u;

// Bit test rather than x != x: compilers may assume floats are finite and fold the comparison away.
fn non_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}

fn observe(x: array<f32, DIM>) -> f32 {
  if (OBS_KIND == 1u) {
    return objective_f(x);
  }
  if (OBS_KIND == 2u) {
    return observable_0(x);
  }
  var xs = x;
  return xs[min(OBS_INDEX, DIM - 1u)];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // 2-D dispatch when a tile has more workgroups than one dimension allows.
  let t = gid.y * groups.x * WORKGROUP_SIZE + gid.x;
  if (t >= U.count) {
    return;
  }
  let g = U.offset + t;
  let col = g / U.samples;
  let m = g % U.samples;
  let sb = t * STATE_WORDS;
  let u = values[col];

  var h: array<f32, DIM>;
  for (var i = 0u; i < DIM; i++) {
    h[i] = base[i];
  }
  for (var j = 0u; j < NPARAM; j++) {
    P[j] = base[DIM + j];
  }
  if (U.u_kind == AXIS_LR) {
    for (var i = 0u; i < DIM; i++) {
      h[i] = u;
    }
  } else if (U.u_kind == AXIS_LR_COORD) {
    h[U.u_index] = u;
  } else if (U.u_kind == AXIS_PARAM) {
    P[U.u_index] = u;
  }

  var x: array<f32, DIM>;
  if (U.phase == 1u) {
    if (bitcast<u32>(state[sb + S_ESCAPE]) != 0u) {
      return;
    }
    for (var i = 0u; i < DIM; i++) {
      x[i] = select(state[sb + i], state[sb + S_XT + i], U.k0 == 0u);
    }
    let lo = U.lo;
    let hi = U.hi;
    let outside = U.rows * U.columns + col;
    for (var k = U.k0; k < U.k1; k++) {
      let gr = objective_grad(x);
      for (var i = 0u; i < DIM; i++) {
        x[i] = x[i] - h[i] * gr[i];
      }
      let o = observe(x);
      // Exactly one count per kept step: a bin, or the column's outside count.
      if (!non_finite(o) && o >= lo && o <= hi) {
        let r = min(U.rows - 1u, u32(floor((o - lo) / (hi - lo) * f32(U.rows))));
        atomicAdd(&counts[r * U.columns + col], 1u);
      } else {
        atomicAdd(&counts[outside], 1u);
      }
    }
    for (var i = 0u; i < DIM; i++) {
      state[sb + i] = x[i];
    }
    return;
  }

  var v: array<f32, DIM>;
  var c: array<f32, DIM>;
  // Rules 3 and 5 of src/core/outcome.ts: the orbit's extent seen from the checkpoint, and the extents
  // R1, R2 of the window's two halves, each seen from its first state (the anchor).
  var anchor: array<f32, DIM>;
  var extent = 0.0;
  var r1 = 0.0;
  var r2 = 0.0;
  let half = (U.iterations - min(U.transient, U.iterations)) / 2u;
  let mid = U.transient + half;
  // Kahan-compensated: a long run adds many small logs to a large sum, which plain f32 would lose.
  var lyap = 0.0;
  var lyap_c = 0.0;
  var escape = 0u;
  var period = 0u;
  var omin = 3.0e38;
  var omax = -3.0e38;
  let cp = U.checkpoint;
  if (U.k0 == 0u) {
    // The Lyapunov start vector of src/core/outcome.ts (tangentStart): v ∝ (1, r, r², …), r = 1/φ.
    var w = 1.0;
    var sq = 0.0;
    for (var i = 0u; i < DIM; i++) {
      x[i] = starts[m * DIM + i];
      v[i] = w;
      sq += w * w;
      w *= 0.6180339887;
    }
    let inv = inverseSqrt(sq);
    for (var i = 0u; i < DIM; i++) {
      v[i] *= inv;
    }
    if (U.u_kind == AXIS_COORD) {
      x[U.u_index] = u;
    }
    if (cp == 0u) {
      c = x;
    }
    if (U.transient == 0u) {
      anchor = x;
      for (var i = 0u; i < DIM; i++) {
        state[sb + S_XT + i] = x[i];
      }
    }
  } else {
    escape = bitcast<u32>(state[sb + S_ESCAPE]);
    if (escape != 0u) {
      return;
    }
    for (var i = 0u; i < DIM; i++) {
      x[i] = state[sb + i];
      v[i] = state[sb + S_V + i];
      c[i] = state[sb + S_C + i];
      anchor[i] = state[sb + S_ANCHOR + i];
    }
    extent = state[sb + S_EXTENT];
    r1 = state[sb + S_R1];
    r2 = state[sb + S_R2];
    lyap = state[sb + S_LYAP];
    lyap_c = state[sb + S_LYAP_C];
    period = bitcast<u32>(state[sb + S_PERIOD]);
    omin = state[sb + S_MIN];
    omax = state[sb + S_MAX];
  }
  var cnorm = 0.0;
  for (var i = 0u; i < DIM; i++) {
    cnorm = max(cnorm, abs(c[i]));
  }

  for (var k = U.k0; k < U.k1; k++) {
    if (U.lyapunov != 0u && k >= U.transient) {
      let hv = objective_hvp(x, v);
      var s = 0.0;
      var w: array<f32, DIM>;
      for (var i = 0u; i < DIM; i++) {
        w[i] = v[i] - h[i] * hv[i];
        s += w[i] * w[i];
      }
      let norm = max(sqrt(s), 1e-30);
      let y = log(norm) - lyap_c;
      let t = lyap + y;
      lyap_c = (t - lyap) - y;
      lyap = t;
      for (var i = 0u; i < DIM; i++) {
        v[i] = w[i] / norm;
      }
    }
    let gr = objective_grad(x);
    var bad = false;
    for (var i = 0u; i < DIM; i++) {
      x[i] = x[i] - h[i] * gr[i];
      bad = bad || non_finite(x[i]) || abs(x[i]) > U.radius;
    }
    if (bad) {
      escape = k + 1u;
      break;
    }
    let k1 = k + 1u;
    if (k1 > U.transient && k1 <= mid + half) {
      var d = 0.0;
      for (var i = 0u; i < DIM; i++) {
        d = max(d, abs(x[i] - anchor[i]));
      }
      if (k1 <= mid) {
        r1 = max(r1, d);
      } else {
        r2 = max(r2, d);
      }
    }
    if (k1 == U.transient || k1 == mid) {
      anchor = x;
    }
    if (k1 == U.transient) {
      for (var i = 0u; i < DIM; i++) {
        state[sb + S_XT + i] = x[i];
      }
    }
    if (k1 == cp) {
      c = x;
      cnorm = 0.0;
      for (var i = 0u; i < DIM; i++) {
        cnorm = max(cnorm, abs(c[i]));
      }
    } else if (k1 > cp && period == 0u) {
      var d = 0.0;
      for (var i = 0u; i < DIM; i++) {
        d = max(d, abs(x[i] - c[i]));
      }
      let p = k1 - cp;
      if (d <= U.tol * select(min(max(1.0, cnorm), extent), max(1.0, cnorm), p == 1u)) {
        period = p;
      } else {
        extent = max(extent, d);
      }
    }
    if (k1 > U.transient) {
      let o = observe(x);
      omin = min(omin, o);
      omax = max(omax, o);
    }
  }

  for (var i = 0u; i < DIM; i++) {
    state[sb + i] = x[i];
    state[sb + S_V + i] = v[i];
    state[sb + S_C + i] = c[i];
    state[sb + S_ANCHOR + i] = anchor[i];
  }
  state[sb + S_EXTENT] = extent;
  state[sb + S_R1] = r1;
  state[sb + S_R2] = r2;
  state[sb + S_LYAP] = lyap;
  state[sb + S_LYAP_C] = lyap_c;
  state[sb + S_ESCAPE] = bitcast<f32>(escape);
  state[sb + S_PERIOD] = bitcast<f32>(period);
  state[sb + S_MIN] = omin;
  state[sb + S_MAX] = omax;
}
