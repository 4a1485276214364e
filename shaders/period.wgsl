// Which candidate periods rule 3's divisor test (src/core/outcome.ts) can fail: those with a divisor
// 2 ≤ q < p. Read by the GD core's tail, the basin kernel's `escape` pass, and the reduction, which
// counts the pixels that hold one. Prepended: the generated MAX_PERIOD and PERIOD_COMPOSITE
// (periodConstants of src/engine/layouts.ts).

// Bit p - 1 of PERIOD_COMPOSITE's two words, chosen by a select: on SwiftShader a constant array read at
// a dynamic index is copied to memory first, and the packed reduction's four such reads a quad cost
// it a third of its time (1024² words: 8 → 11 ms).
const_assert MAX_PERIOD == 64u;

fn periods_composite(p: vec4<u32>) -> vec4<bool> {
  // p = 0 wraps to 2³² - 1, out of range.
  let i = p - vec4<u32>(1u);
  let word = select(vec4<u32>(PERIOD_COMPOSITE[0]), vec4<u32>(PERIOD_COMPOSITE[1]), i >= vec4<u32>(32u));
  return (i < vec4<u32>(MAX_PERIOD)) & (((word >> (i % vec4<u32>(32u))) & vec4<u32>(1u)) != vec4<u32>(0u));
}

fn period_composite(p: u32) -> bool {
  return periods_composite(vec4<u32>(p)).x;
}

// 1 where periods_composite, else 0, in fewer operations: a shift takes its amount modulo 32.
fn composite_bits(p: vec4<u32>) -> vec4<u32> {
  let i = p - vec4<u32>(1u);
  let word = select(vec4<u32>(PERIOD_COMPOSITE[0]), vec4<u32>(PERIOD_COMPOSITE[1]), i >= vec4<u32>(32u));
  return select(vec4<u32>(0u), (word >> i) & vec4<u32>(1u), i < vec4<u32>(MAX_PERIOD));
}
