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

// What `counts` and `packed_counts` add up, four pixels at a time in vector arithmetic (records read
// four a trip cost what one a trip did, their loads being the cost). On SwiftShader a trip's
// arithmetic is the cost: 1024² summary words of one period took 10.6 ms with a compare and a dot per
// outcome, 6.8 with byte counters, `composite_bits` and the one-bin case without a loop (3.3 with
// nothing counted but steps; a random mix of outcomes and periods, 9.6). A diverged pixel's period
// field is 0 (1 when marked), never composite. Lanes past the end have outcome 7, period 0 and iter
// 0, and count nowhere.
struct Tally {
  // Outcomes 0-3 and 4-5 as 8-bit counts of each lane's word (outcome o in byte o % 4): at most
  // STRIDE / 4 ≤ 64 pixels per lane.
  n03: vec4<u32>,
  n45: vec4<u32>,
  steps: vec4<u32>,
  composite: vec4<u32>,
  // Periodic pixels are counted in runs of one bin, since neighbours mostly share a period: the run
  // not yet added to wg_periods.
  bin: u32,
  run: u32,
}

fn tally4(acc: ptr<function, Tally>, o: vec4<u32>, period: vec4<u32>, iter: vec4<u32>, pixel: vec4<u32>) {
  let zero = vec4<u32>(0u);
  let bit = vec4<u32>(1u) << ((o & vec4<u32>(3u)) * vec4<u32>(8u));
  let low = o < vec4<u32>(4u);
  (*acc).n03 += select(zero, bit, low);
  // Masked lanes (outcome 7) count in byte 3, which nothing reads.
  (*acc).n45 += select(bit, zero, low);
  (*acc).steps += iter;
  (*acc).composite += composite_bits(period);
  let periodic = o == vec4<u32>(OUTCOME_PERIODIC);
  let b = min(period, vec4<u32>(STATS_PERIOD_BINS - 1u));
  // The common case, every periodic pixel of the four in the current run's bin, without a loop.
  if (all(!periodic | (b == vec4<u32>((*acc).bin)))) {
    (*acc).run += dot(select(zero, vec4<u32>(1u), periodic), vec4<u32>(1u));
  } else {
    for (var j = 0u; j < 4u; j++) {
      if (periodic[j]) {
        if (b[j] != (*acc).bin && (*acc).run != 0u) {
          atomicAdd(&wg_periods[(*acc).bin], (*acc).run);
          (*acc).run = 0u;
        }
        (*acc).bin = b[j];
        (*acc).run++;
      }
    }
  }
  // Neighbouring pixels of a record span lie in different columns, so these atomics rarely collide.
  if (COLUMNS && any(o == zero)) {
    for (var j = 0u; j < 4u; j++) {
      if (o[j] == OUTCOME_DIVERGED) { atomicAdd(&columns[(U.p0 + pixel[j]) % U.width], 1u); }
    }
  }
}

// An invocation's tally into the workgroup's (`counted`: it had pixels), then the workgroup's into the
// statistics after its barrier.
fn tally_flush(acc: Tally, counted: bool, lid: u32) {
  if (acc.run != 0u) { atomicAdd(&wg_periods[acc.bin], acc.run); }
  if (counted) {
    for (var i = 0u; i < 6u; i++) {
      let field = (select(acc.n03, acc.n45, i >= 4u) >> vec4<u32>(8u * (i % 4u))) & vec4<u32>(0xffu);
      let n = dot(field, vec4<u32>(1u));
      if (n != 0u) { atomicAdd(&wg_outcomes[i], n); }
    }
    add64(&wg_steps_lo, &wg_steps_hi, dot(acc.steps, vec4<u32>(1u)));
    let held = dot(acc.composite, vec4<u32>(1u));
    if (held != 0u) { atomicAdd(&wg_composite, held); }
  }
  workgroupBarrier();
  flush_counts(lid);
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
  var acc: Tally;
  let zero = vec4<u32>(0u);
  // Records t, t + W, t + 2W, t + 3W of the span (W = WORKGROUP_SIZE), those past its end masked.
  for (var t = s.x; t < s.y; t += 4u * WORKGROUP_SIZE) {
    let pixel = vec4<u32>(t) + vec4<u32>(0u, 1u, 2u, 3u) * WORKGROUP_SIZE;
    let valid = pixel < vec4<u32>(s.y);
    let at = min(pixel, vec4<u32>(s.y - 1u)) * (RECORD_WORDS / 4u);
    let h0 = quads[at.x];
    let h1 = quads[at.y];
    let h2 = quads[at.z];
    let h3 = quads[at.w];
    let o = vec4<u32>(h0[RECORD_OUTCOME], h1[RECORD_OUTCOME], h2[RECORD_OUTCOME], h3[RECORD_OUTCOME]);
    let period = vec4<u32>(h0[RECORD_PERIOD], h1[RECORD_PERIOD], h2[RECORD_PERIOD], h3[RECORD_PERIOD]);
    let iter = vec4<u32>(h0[RECORD_ITER], h1[RECORD_ITER], h2[RECORD_ITER], h3[RECORD_ITER]);
    tally4(&acc, select(vec4<u32>(7u), o, valid), select(zero, period, valid), select(zero, iter, valid), pixel);
  }
  tally_flush(acc, s.x < s.y, lid);
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
// a time: one vec4 load per four pixels. The pool rounds buffers to 16 bytes, so a tile's last quad is
// in bounds; its words past the count are masked.
@compute @workgroup_size(WORKGROUP_SIZE)
fn packed_counts(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let s = span(gid, groups, lid);
  let first = s.x - lid;
  var acc: Tally;
  for (var q = first / 4u + lid; 4u * q < s.y; q += WORKGROUP_SIZE) {
    let pixel = vec4<u32>(4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
    let w = select(vec4<u32>(7u), quads[q], pixel < vec4<u32>(U.count));
    tally4(&acc, w & vec4<u32>(7u), (w >> vec4<u32>(3u)) & vec4<u32>(127u), w >> vec4<u32>(10u), pixel);
  }
  tally_flush(acc, 4u * (first / 4u + lid) < s.y, lid);
}

// Per field: least, largest and least positive finite value, as keys, folded over STRIDE
// records per invocation in registers (three vec3s: fields 1–3, 4–6, 7–9 of COLOUR_FIELDS).
// Keys 30 … 59: the same over the escaping pixels (Stats.escaping_ranges).
var<workgroup> wg_keys: array<atomic<u32>, 60>;

struct Fold {
  lo: vec3<u32>,
  hi: vec3<u32>,
  pos: vec3<u32>,
}

fn fold3(acc: ptr<function, Fold>, v: vec3<f32>, keep: bool) {
  let fin = ((bitcast<vec3<u32>>(v) & vec3<u32>(0x7f800000u)) != vec3<u32>(0x7f800000u)) & vec3<bool>(keep);
  let k = f32_keys(v);
  (*acc).lo = select((*acc).lo, min((*acc).lo, k), fin);
  (*acc).hi = select((*acc).hi, max((*acc).hi, k), fin);
  (*acc).pos = select((*acc).pos, min((*acc).pos, k), fin & (v > vec3<f32>(0.0)));
}

// Fields field … field + 2 of a Fold into the workgroup's keys from `base` (0, or 30: escaping).
fn flush3(acc: Fold, field: u32, base: u32) {
  for (var c = 0u; c < 3u; c++) {
    let o = base + 3u * (field + c);
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
  if (lid < 2u * FIELD_COUNT) {
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
  // The escaping pixels' values, apart (FieldRange of src/core/engine.ts).
  var ea = empty;
  var eb = empty;
  var ec = empty;
  for (var t = s.x; t < s.y; t += WORKGROUP_SIZE) {
    let r = records[t];
    let esc = r.outcome == OUTCOME_ESCAPING;
    let va = vec3<f32>(field_value(r, 1u), field_value(r, 2u), r.lyapunov);
    let vb = vec3<f32>(r.f, r.sharpness, r.obs0);
    let vc = vec3<f32>(r.obs1, r.final0, r.final1);
    fold3(&a, va, !esc);
    fold3(&b, vb, !esc);
    fold3(&c, vc, !esc);
    fold3(&ea, va, esc);
    fold3(&eb, vb, esc);
    fold3(&ec, vc, esc);
  }
  if (s.x < s.y) {
    flush3(a, 1u, 0u);
    flush3(b, 4u, 0u);
    flush3(c, 7u, 0u);
    flush3(ea, 1u, 3u * FIELD_COUNT);
    flush3(eb, 4u, 3u * FIELD_COUNT);
    flush3(ec, 7u, 3u * FIELD_COUNT);
  }
  workgroupBarrier();
  if (lid < FIELD_COUNT) {
    let o = 3u * lid;
    let e = 3u * (FIELD_COUNT + lid);
    atomicMin(&stats.ranges[o], atomicLoad(&wg_keys[o]));
    atomicMax(&stats.ranges[o + 1u], atomicLoad(&wg_keys[o + 1u]));
    atomicMin(&stats.ranges[o + 2u], atomicLoad(&wg_keys[o + 2u]));
    atomicMin(&stats.escaping_ranges[o], atomicLoad(&wg_keys[e]));
    atomicMax(&stats.escaping_ranges[o + 1u], atomicLoad(&wg_keys[e + 1u]));
    atomicMin(&stats.escaping_ranges[o + 2u], atomicLoad(&wg_keys[e + 2u]));
  }
}
