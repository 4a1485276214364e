// The colour pass: records → RGBA8 by field and colormap, one invocation per record of a tile of
// whole rows. Prepended: shaders/record.wgsl. Mirrors pixelColour() in src/colormaps.ts step by step.

override WORKGROUP_SIZE: u32 = 64u;

// Field order: COLOUR_UNIFORM_FIELDS in src/engine/layouts.ts.
struct ColourUniforms {
  width: u32,
  height: u32,
  j0: u32,
  rows: u32,
  field: u32,
  log: u32,
  lo: f32,
  hi: f32,
  iterations: u32,
  flip: u32,
  lyap_scale: f32,
  palette_len: u32,
}

@group(0) @binding(0) var<uniform> U: ColourUniforms;
@group(0) @binding(1) var<storage, read> records: array<Record>;
// 256 RGBA8 words of the colormap (lutWords in src/colormaps.ts).
@group(0) @binding(2) var<storage, read> lut: array<u32>;
// paletteWords(): diverged fast, slow, converged, chaotic low, high, NaN, unsettled, escaping, then
// period colours.
@group(0) @binding(3) var<storage, read> palette: array<u32>;
@group(0) @binding(4) var<storage, read_write> pixels: array<u32>;

// COLOUR_FIELDS order in src/experiment/spec.ts.
const FIELD_OUTCOME: u32 = 0u;
const FIELD_ESCAPE: u32 = 1u;
const FIELD_PERIOD: u32 = 2u;
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

fn is_finite(a: f32) -> bool {
  return (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u;
}

fn field_value(r: Record) -> f32 {
  let nan = make_nan();
  switch U.field {
    case 1u: { return select(nan, f32(r.iter), r.outcome == OUTCOME_DIVERGED); }
    case 2u: {
      return select(nan, f32(r.period), r.outcome == OUTCOME_CONVERGED || r.outcome == OUTCOME_PERIODIC);
    }
    case 3u: { return r.lyapunov; }
    case 4u: { return r.f; }
    case 5u: { return r.sharpness; }
    case 6u: { return r.obs0; }
    case 7u: { return r.obs1; }
    case 8u: { return r.final0; }
    default: { return r.final1; }
  }
}

fn outcome_colour(r: Record) -> u32 {
  switch r.outcome {
    case 0u: {
      let t = clamp(log(f32(r.iter)) / log(f32(max(2u, U.iterations))), 0.0, 1.0);
      return mix_words(palette[0], palette[1], t);
    }
    case 1u: { return palette[2]; }
    case 2u: { return palette[PALETTE_FIXED + (r.period + U.palette_len - 2u) % U.palette_len]; }
    case 3u: {
      var t = 0.5;
      if (is_finite(r.lyapunov)) { t = clamp(r.lyapunov / U.lyap_scale, 0.0, 1.0); }
      return mix_words(palette[3], palette[4], t);
    }
    case 5u: { return palette[7]; }
    default: { return palette[6]; }
  }
}

fn colour(r: Record) -> u32 {
  if (U.field == FIELD_OUTCOME) { return outcome_colour(r); }
  var v = field_value(r);
  if (U.log != 0u) {
    v = select(make_nan(), log2(v) * 0.30102999566398120, v > 0.0);
  }
  if (!is_finite(v)) { return palette[5]; }
  let t = clamp((v - U.lo) / (U.hi - U.lo), 0.0, 1.0);
  return lut[min(255u, u32(floor(t * 256.0)))];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (t >= U.width * U.rows) { return; }
  let i = t % U.width;
  let j = U.j0 + t / U.width;
  let row = select(j, U.height - 1u - j, U.flip != 0u);
  pixels[row * U.width + i] = colour(records[t]);
}
