// The reductions of a run: outcome counts, the period histogram, the step total and the pixels whose
// period rule 3's divisor test applies to (`counts`), and the least, largest and least positive
// value of every colour field (`ranges`), into the statistics
// (STATS_FIELDS of src/engine/layouts.ts). Each invocation folds STRIDE records in registers, so a
// workgroup's barrier and atomics are paid once per thousands of pixels: every WORKGROUP_SIZE-th
// record of its workgroup's WORKGROUP_SIZE × STRIDE, from its own offset on (`span`), so that
// neighbouring invocations read neighbouring records, as a GPU's memory coalesces them (SwiftShader
// runs either order at the same speed).
// Prepended: shaders/record.wgsl, the generated structs (Record, Stats, ReduceUniforms, STATS_* and
// RECORD_* offsets, period constants), shaders/period.wgsl and shaders/fields.wgsl.

override WORKGROUP_SIZE: u32 = 64u;
override STRIDE: u32 = 256u;
// On: `counts` also counts the diverged pixels of every grid column into `columns` (RunOptions.columns),
// so a per-column divergence profile needs no records read back.
override COLUMNS: bool = false;

@group(0) @binding(0) var<uniform> U: ReduceUniforms;
@group(0) @binding(1) var<storage, read> records: array<Record>;
@group(0) @binding(1) var<storage, read> quads: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> stats: Stats;
@group(0) @binding(3) var<storage, read_write> columns: array<atomic<u32>>;

var<workgroup> wg_outcomes: array<atomic<u32>, 6>;
var<workgroup> wg_periods: array<atomic<u32>, STATS_PERIOD_BINS>;
var<workgroup> wg_steps_lo: atomic<u32>;
var<workgroup> wg_steps_hi: atomic<u32>;
var<workgroup> wg_composite: atomic<u32>;

// The first and the end of the records of invocation `lid` (every WORKGROUP_SIZE-th from the first).
fn span(gid: vec3<u32>, groups: vec3<u32>, lid: u32) -> vec2<u32> {
  let first = (gid.x + gid.y * groups.x * WORKGROUP_SIZE - lid) * STRIDE;
  return vec2<u32>(first + lid, min(U.count, first + WORKGROUP_SIZE * STRIDE));
}

// Adds v to a 64-bit count held in two words.
fn add64(lo: ptr<workgroup, atomic<u32>>, hi: ptr<workgroup, atomic<u32>>, v: u32) {
  let old = atomicAdd(lo, v);
  if (old > 0xffffffffu - v) { atomicAdd(hi, 1u); }
}

// 1 where a pixel of outcome o and period p counts in `composite`: bounded, p with a divisor.
fn holds_composite(o: u32, p: u32) -> u32 {
  return select(0u, 1u, o != OUTCOME_DIVERGED && period_composite(p));
}

// What `counts` reads of a record is its first four words, in one load.
const_assert RECORD_WORDS % 4u == 0u && RECORD_OUTCOME < 4u && RECORD_PERIOD < 4u && RECORD_ITER < 4u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn counts(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let s = span(gid, groups, lid);
  // Outcomes 0-3 and 4-5 counted in two vectors; at most STRIDE × N < 2³² steps per invocation.
  var n03 = vec4<u32>(0u);
  var n45 = vec2<u32>(0u);
  var steps = 0u;
  var composite = 0u;
  for (var t = s.x; t < s.y; t += WORKGROUP_SIZE) {
    let head = quads[t * (RECORD_WORDS / 4u)];
    let o = head[RECORD_OUTCOME];
    let period = head[RECORD_PERIOD];
    let iter = head[RECORD_ITER];
    n03 += select(vec4<u32>(0u), vec4<u32>(1u), vec4<u32>(o) == vec4<u32>(0u, 1u, 2u, 3u));
    n45 += select(vec2<u32>(0u), vec2<u32>(1u), vec2<u32>(o) == vec2<u32>(4u, 5u));
    steps += iter;
    composite += holds_composite(o, period);
    if (o == OUTCOME_PERIODIC) { atomicAdd(&wg_periods[min(period, STATS_PERIOD_BINS - 1u)], 1u); }
    // Neighbouring records lie in different columns, so these atomics rarely collide.
    if (COLUMNS && o == OUTCOME_DIVERGED) { atomicAdd(&columns[(U.p0 + t) % U.width], 1u); }
  }
  if (s.x < s.y) {
    for (var i = 0u; i < 4u; i++) {
      if (n03[i] != 0u) { atomicAdd(&wg_outcomes[i], n03[i]); }
    }
    for (var i = 0u; i < 2u; i++) {
      if (n45[i] != 0u) { atomicAdd(&wg_outcomes[4u + i], n45[i]); }
    }
    add64(&wg_steps_lo, &wg_steps_hi, steps);
    if (composite != 0u) { atomicAdd(&wg_composite, composite); }
  }
  workgroupBarrier();
  flush_counts(lid);
}

// The workgroup's counts into the statistics, after its barrier.
fn flush_counts(lid: u32) {
  for (var i = lid; i < 6u; i += WORKGROUP_SIZE) {
    let n = atomicLoad(&wg_outcomes[i]);
    if (n != 0u) { atomicAdd(&stats.outcomes[i], n); }
  }
  for (var i = lid; i < STATS_PERIOD_BINS; i += WORKGROUP_SIZE) {
    let n = atomicLoad(&wg_periods[i]);
    if (n != 0u) { atomicAdd(&stats.periods[i], n); }
  }
  if (lid == 0u) {
    let c = atomicLoad(&wg_composite);
    if (c != 0u) { atomicAdd(&stats.composite, c); }
    let lo = atomicLoad(&wg_steps_lo);
    let old = atomicAdd(&stats.steps_lo, lo);
    let carry = select(0u, 1u, old > 0xffffffffu - lo);
    atomicAdd(&stats.steps_hi, atomicLoad(&wg_steps_hi) + carry);
  }
}

// `counts` over summary words (shaders/basin.wgsl packs outcome | period << 3 | iter << 10), four at
// a time: one vec4 load and vector arithmetic per four pixels, since SwiftShader's cost was the loop's
// trips (1024² words: 10 → 8 ms). The pool rounds buffers to 16 bytes, so a tile's last quad is in
// bounds; its words past the count are masked. Periodic pixels are counted in runs of one bin, since
// neighbours mostly share a period.
@compute @workgroup_size(WORKGROUP_SIZE)
fn packed_counts(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let s = span(gid, groups, lid);
  let first = s.x - lid;
  var n03 = vec4<u32>(0u);
  var n45 = vec2<u32>(0u);
  var steps = vec4<u32>(0u);
  var composite = vec4<u32>(0u);
  var bin = 0u;
  var run = 0u;
  for (var q = first / 4u + lid; 4u * q < s.y; q += WORKGROUP_SIZE) {
    let valid = vec4<u32>(4u * q) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(U.count);
    let w = select(vec4<u32>(7u), quads[q], valid);
    let o = w & vec4<u32>(7u);
    let one = vec4<u32>(1u);
    let zero = vec4<u32>(0u);
    n03 += vec4<u32>(
      dot(select(zero, one, o == vec4<u32>(0u)), one),
      dot(select(zero, one, o == vec4<u32>(1u)), one),
      dot(select(zero, one, o == vec4<u32>(2u)), one),
      dot(select(zero, one, o == vec4<u32>(3u)), one),
    );
    n45 += vec2<u32>(
      dot(select(zero, one, o == vec4<u32>(4u)), one),
      dot(select(zero, one, o == vec4<u32>(5u)), one),
    );
    steps += select(zero, w >> vec4<u32>(10u), valid);
    // Masked words (7) have period 0.
    let held = periods_composite((w >> vec4<u32>(3u)) & vec4<u32>(127u)) & (o != zero);
    composite += select(zero, one, held);
    let periodic = o == vec4<u32>(OUTCOME_PERIODIC);
    if (any(periodic)) {
      let b = min((w >> vec4<u32>(3u)) & vec4<u32>(127u), vec4<u32>(STATS_PERIOD_BINS - 1u));
      for (var j = 0u; j < 4u; j++) {
        if (periodic[j]) {
          if (b[j] != bin && run != 0u) { atomicAdd(&wg_periods[bin], run); run = 0u; }
          bin = b[j];
          run++;
        }
      }
    }
    if (COLUMNS && any(o == zero)) {
      for (var j = 0u; j < 4u; j++) {
        if (o[j] == OUTCOME_DIVERGED) { atomicAdd(&columns[(U.p0 + 4u * q + j) % U.width], 1u); }
      }
    }
  }
  if (run != 0u) { atomicAdd(&wg_periods[bin], run); }
  if (4u * (first / 4u + lid) < s.y) {
    for (var i = 0u; i < 4u; i++) {
      if (n03[i] != 0u) { atomicAdd(&wg_outcomes[i], n03[i]); }
    }
    for (var i = 0u; i < 2u; i++) {
      if (n45[i] != 0u) { atomicAdd(&wg_outcomes[4u + i], n45[i]); }
    }
    add64(&wg_steps_lo, &wg_steps_hi, steps.x + steps.y + steps.z + steps.w);
    let held = dot(composite, vec4<u32>(1u));
    if (held != 0u) { atomicAdd(&wg_composite, held); }
  }
  workgroupBarrier();
  flush_counts(lid);
}

// Per field: least, largest and least positive finite value, as keys, folded over STRIDE
// records per invocation in registers (three vec3s: fields 1–3, 4–6, 7–9 of COLOUR_FIELDS).
var<workgroup> wg_keys: array<atomic<u32>, 30>;

struct Fold {
  lo: vec3<u32>,
  hi: vec3<u32>,
  pos: vec3<u32>,
}

fn fold3(acc: ptr<function, Fold>, v: vec3<f32>) {
  let fin = (bitcast<vec3<u32>>(v) & vec3<u32>(0x7f800000u)) != vec3<u32>(0x7f800000u);
  let k = f32_keys(v);
  (*acc).lo = select((*acc).lo, min((*acc).lo, k), fin);
  (*acc).hi = select((*acc).hi, max((*acc).hi, k), fin);
  (*acc).pos = select((*acc).pos, min((*acc).pos, k), fin & (v > vec3<f32>(0.0)));
}

fn flush3(acc: Fold, field: u32) {
  for (var c = 0u; c < 3u; c++) {
    let o = 3u * (field + c);
    atomicMin(&wg_keys[o], acc.lo[c]);
    atomicMax(&wg_keys[o + 1u], acc.hi[c]);
    atomicMin(&wg_keys[o + 2u], acc.pos[c]);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn ranges(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  if (lid < FIELD_COUNT) {
    atomicStore(&wg_keys[3u * lid], 0xffffffffu);
    atomicStore(&wg_keys[3u * lid + 2u], 0xffffffffu);
  }
  workgroupBarrier();
  let s = span(gid, groups, lid);
  var empty: Fold;
  empty.lo = vec3<u32>(0xffffffffu);
  empty.hi = vec3<u32>(0u);
  empty.pos = vec3<u32>(0xffffffffu);
  var a = empty;
  var b = empty;
  var c = empty;
  for (var t = s.x; t < s.y; t += WORKGROUP_SIZE) {
    let r = records[t];
    fold3(&a, vec3<f32>(field_value(r, 1u), field_value(r, 2u), r.lyapunov));
    fold3(&b, vec3<f32>(r.f, r.sharpness, r.obs0));
    fold3(&c, vec3<f32>(r.obs1, r.final0, r.final1));
  }
  if (s.x < s.y) {
    flush3(a, 1u);
    flush3(b, 4u);
    flush3(c, 7u);
  }
  workgroupBarrier();
  if (lid < FIELD_COUNT) {
    atomicMin(&stats.ranges[3u * lid], atomicLoad(&wg_keys[3u * lid]));
    atomicMax(&stats.ranges[3u * lid + 1u], atomicLoad(&wg_keys[3u * lid + 1u]));
    atomicMin(&stats.ranges[3u * lid + 2u], atomicLoad(&wg_keys[3u * lid + 2u]));
  }
}
