// The colour pass: records → RGBA8 by field and colormap, one invocation per record of a records
// binding, with the automatic range read from the statistics (shaders/reduce.wgsl fills it), so no
// range ever needs the records on the host. Mirrors pixelColour() in src/colormaps.ts step by step.
// Prepended: shaders/record.wgsl, shaders/fields.wgsl and the generated structs (Record,
// ColourUniforms, STATS_* offsets).

override WORKGROUP_SIZE: u32 = 64u;
// The colour, fixed per pipeline (ColourPass keeps one per field, log and range source): the field
// (COLOUR_FIELDS order), colour by log10 of it, and the range from the statistics rather than U.lo,
// U.hi. SwiftShader runs every case of a switch and both sides of a branch whose condition is not a
// constant: with all of them in one kernel a 1024² image took 85 ms to colour.
override FIELD: u32 = 0u;
override LOG: bool = false;
override AUTO_RANGE: bool = false;

@group(0) @binding(0) var<uniform> U: ColourUniforms;
@group(0) @binding(1) var<storage, read> records: array<Record>;
// `outcome_words` reads summary words there instead (shaders/basin.wgsl packs outcome | period << 3 |
// iter << 10) and λ beside them.
@group(0) @binding(1) var<storage, read> words: array<u32>;
@group(0) @binding(6) var<storage, read> lyaps: array<f32>;
// 256 RGBA8 words of the colormap (lutWords in src/colormaps.ts).
@group(0) @binding(2) var<storage, read> lut: array<u32>;
// paletteWords() in src/palette.ts: diverged fast, slow, converged, chaotic low, high, NaN,
// unsettled, escaping, then period colours.
@group(0) @binding(3) var<storage, read> palette: array<u32>;
@group(0) @binding(4) var<storage, read_write> pixels: array<u32>;
// The statistics as words: the automatic range is there.
@group(0) @binding(5) var<storage, read> stats_words: array<u32>;

const PALETTE_FIXED: u32 = 8u;

fn unpack(c: u32) -> vec3<f32> {
  return vec3<f32>(f32(c & 0xffu), f32((c >> 8u) & 0xffu), f32((c >> 16u) & 0xffu));
}

fn pack(c: vec3<f32>) -> u32 {
  let r = vec3<u32>(round(c));
  return r.x | (r.y << 8u) | (r.z << 16u) | (255u << 24u);
}

fn mix_words(a: u32, b: u32, s: f32) -> u32 {
  let ca = unpack(a);
  let cb = unpack(b);
  return pack(ca + (cb - ca) * s);
}

// The mapped range: U.lo, U.hi, or resolveColourSettings' automatic range from the statistics.
fn colour_range() -> vec2<f32> {
  if (!AUTO_RANGE) { return vec2<f32>(U.lo, U.hi); }
  // The escaping pixels' range only where no other pixel has a value (FieldRange, src/core/engine.ts).
  let settled = STATS_RANGES + 3u * FIELD;
  let o = select(settled, STATS_ESCAPING_RANGES + 3u * FIELD, stats_words[settled] > stats_words[settled + 1u]);
  let kmin = stats_words[o];
  let kmax = stats_words[o + 1u];
  let kpos = stats_words[o + 2u];
  var lo = key_f32(kmin);
  var hi = key_f32(kmax);
  var empty = kmin > kmax;
  if (LOG) {
    // log10 is monotone: the extremes of the logs are the logs of the least positive and largest values.
    empty = kpos > kmax || !(hi > 0.0);
    lo = log10_of(key_f32(kpos));
    hi = log10_of(hi);
  }
  if (empty) { return vec2<f32>(0.0, 1.0); }
  if (lo == hi) { return vec2<f32>(lo - 0.5, hi + 0.5); }
  return vec2<f32>(lo, hi);
}

// The outcome's palette entry, mixed with the next one for diverged (by escape time) and chaotic (by
// λ) pixels: every outcome's index and mix factor by selects, then two palette reads and one mix.
// (A switch over the outcomes ran every case for every pixel on SwiftShader: 1024² took 66, now 52 ms.)
fn outcome_colour(r: Record) -> u32 {
  let o = r.outcome;
  let n = U.palette_len;
  var a = 6u;
  a = select(a, 0u, o == OUTCOME_DIVERGED);
  a = select(a, 2u, o == OUTCOME_CONVERGED);
  a = select(a, PALETTE_FIXED + (r.period + n - 2u) % n, o == OUTCOME_PERIODIC);
  a = select(a, 3u, o == OUTCOME_CHAOTIC);
  a = select(a, 7u, o == OUTCOME_ESCAPING);
  let escape_t = clamp(log(f32(r.iter)) / log(f32(max(2u, U.iterations))), 0.0, 1.0);
  let lyap_t = select(0.5, clamp(r.lyapunov / U.lyap_scale, 0.0, 1.0), is_finite(r.lyapunov));
  let mixed = o == OUTCOME_DIVERGED || o == OUTCOME_CHAOTIC;
  let w = palette[a];
  let next = palette[select(a, a + 1u, mixed)];
  return select(w, mix_words(w, next, select(lyap_t, escape_t, o == OUTCOME_DIVERGED)), mixed);
}

fn colour(r: Record, range: vec2<f32>) -> u32 {
  if (FIELD == FIELD_OUTCOME) { return outcome_colour(r); }
  var v = field_value(r, FIELD);
  if (LOG) { v = log10_of(v); }
  if (!is_finite(v)) { return palette[5]; }
  let t = clamp((v - range.x) / (range.y - range.x), 0.0, 1.0);
  return lut[min(255u, u32(floor(t * 256.0)))];
}

// Where the t-th pixel of the binding goes in the output (its row flipped in image order).
fn output_index(t: u32) -> u32 {
  let p = U.p0 + t;
  let i = p % U.width;
  let j = p / U.width;
  let row = select(j, U.height - 1u - j, U.flip != 0u);
  return row * U.width + i - U.out0;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (t >= U.count) { return; }
  pixels[output_index(t)] = colour(records[t], colour_range());
}

// The outcome colours from a run's summary words: what outcome_colour reads of a record (outcome,
// period, iter, and λ, which only chaotic pixels read, from the words' λ; NaN where none were kept:
// without the exponent no pixel is chaotic), so the picture is the records' pixel for pixel.
@compute @workgroup_size(WORKGROUP_SIZE)
fn outcome_words(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (t >= U.count) { return; }
  let w = words[t];
  var r: Record;
  r.outcome = w & 7u;
  r.period = (w >> 3u) & 127u;
  r.iter = w >> 10u;
  r.lyapunov = select(make_nan(), lyaps[min(t, arrayLength(&lyaps) - 1u)], U.lyap_words != 0u);
  pixels[output_index(t)] = outcome_colour(r);
}
