// Outcome codes of src/core/outcome.ts and a NaN; the struct Record itself is generated from
// RECORD_FIELDS (src/engine/layouts.ts) and prepended.

const OUTCOME_DIVERGED: u32 = 0u;
const OUTCOME_CONVERGED: u32 = 1u;
const OUTCOME_PERIODIC: u32 = 2u;
const OUTCOME_CHAOTIC: u32 = 3u;
const OUTCOME_UNSETTLED: u32 = 4u;
const OUTCOME_ESCAPING: u32 = 5u;

// A quiet NaN made at run time: a constant expression that evaluates to NaN is a shader-creation error.
fn make_nan() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}
