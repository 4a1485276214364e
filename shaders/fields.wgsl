// What the colour and reduction passes share: the value a record shows for each colour field, and
// order-preserving u32 keys of f32 values. Prepended: shaders/record.wgsl and the struct Record.

// COLOUR_FIELDS order in src/experiment/spec.ts.
const FIELD_OUTCOME: u32 = 0u;
const FIELD_COUNT: u32 = 10u;

fn is_finite(a: f32) -> bool {
  return (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u;
}

// The f32 of an order-preserving key (f32Key in src/engine/stats.ts; fold3 makes them).
fn key_f32(k: u32) -> f32 {
  return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u));
}

// The value a record shows for field `field` (before log): fieldValue() of src/colormaps.ts.
fn field_value(r: Record, field: u32) -> f32 {
  let nan = make_nan();
  switch field {
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

fn log10_of(v: f32) -> f32 {
  return select(make_nan(), log2(v) * 0.30102999566398120, v > 0.0);
}

// The order-preserving key of an f32 (f32Key in src/engine/stats.ts): negative values have every bit
// flipped, others only the sign bit, so atomicMin/Max on keys are min/max on the values.
fn f32_keys(v: vec3<f32>) -> vec3<u32> {
  let b = bitcast<vec3<u32>>(v);
  return select(b | vec3<u32>(0x80000000u), ~b, (b & vec3<u32>(0x80000000u)) != vec3<u32>(0u));
}
