// The benchmark's ceiling: plain GD x ← x - h ⊙ ∇f(x), one invocation per pixel, with no divergence
// test, no period check, no Lyapunov exponent and no record. Prepended: the compiled objective.
// The plane is fixed to the first two coordinates, as the benchmark sweeps them.

override WORKGROUP_SIZE: u32 = 64u;

// Field order: BARE_UNIFORM_FIELDS in src/engine/layouts.ts.
struct BareUniforms {
  count: u32,
  steps: u32,
  width: u32,
  spare: u32,
  u_min: f32,
  u_step: f32,
  v_min: f32,
  v_step: f32,
}

@group(0) @binding(0) var<uniform> U: BareUniforms;
// x0 (DIM), h (DIM), parameters (NPARAM), as for the basin pass.
@group(0) @binding(1) var<storage, read> base: array<f32>;
@group(0) @binding(2) var<storage, read_write> xs: array<array<f32, DIM>>;

fn invocation(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn init(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = invocation(gid, groups);
  if (t >= U.count) { return; }
  var x: array<f32, DIM>;
  for (var d = 0u; d < DIM; d++) { x[d] = base[d]; }
  x[0] = U.u_min + (f32(t % U.width) + 0.5) * U.u_step;
  x[min(1u, DIM - 1u)] = U.v_min + (f32(t / U.width) + 0.5) * U.v_step;
  xs[t] = x;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn advance(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = invocation(gid, groups);
  if (t >= U.count) { return; }
  for (var j = 0u; j < NPARAM; j++) { P[j] = base[2u * DIM + j]; }
  var h: array<f32, DIM>;
  for (var d = 0u; d < DIM; d++) { h[d] = base[DIM + d]; }
  var x = xs[t];
  for (var k = 0u; k < U.steps; k++) {
    let g = objective_grad(x);
    for (var d = 0u; d < DIM; d++) { x[d] = x[d] - h[d] * g[d]; }
  }
  xs[t] = x;
}
