// One pixel's record: the layout RECORD_FIELDS in src/core/outcome.ts describes (a test checks they agree).
struct Record {
  outcome: u32,
  iter: u32,
  period: u32,
  flags: u32,
  lyapunov: f32,
  f: f32,
  sharpness: f32,
  obs0: f32,
  obs1: f32,
  final0: f32,
  final1: f32,
  spare: f32,
}

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
