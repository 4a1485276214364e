// The benchmark's ceiling: plain GD x ← x - h ⊙ ∇f(x) (opt_step of GD), one invocation per pixel, with no divergence
// test, no period check, no Lyapunov exponent and no record: one word per pixel out, as a researcher's
// plain script would write. Driven exactly like shaders/basin.wgsl (same uniforms, parameter slots,
// bindings and dispatch plan), so the two differ only in what each step and each pixel does.
// Prepended: the objective block, the Vec and State helpers, GD's step and the generated structs. The plane is the first
// two coordinates, as the benchmark sweeps them.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> U: BasinUniforms;
@group(0) @binding(1) var<uniform> D: DispatchParams;
@group(0) @binding(2) var<storage, read> base: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<Vec>;
@group(0) @binding(5) var<storage, read_write> sink: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn run(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (t >= D.count) { return; }
  let p = D.p0 + t;
  let h = vec_read_base(DIM);
  params_read_base(2u * DIM);
  var x: Vec;
  if (D.k0 == 0u) {
    x = vec_read_base(0u);
    x = vec_with(x, 0u, U.u_min + (f32(p % U.width) + 0.5) * U.u_step);
    x = vec_with(x, min(1u, DIM - 1u), U.v_min + (f32(U.row0 + p / U.width) + 0.5) * U.v_step);
  } else {
    x = state[p - D.s0];
  }
  // Four steps per trip, as the engine's loops (shaders/gd-core.wgsl) run them.
  var k = D.k0;
  for (; k + 4u <= D.k1; k += 4u) {
    x = opt_step(x, h);
    x = opt_step(x, h);
    x = opt_step(x, h);
    x = opt_step(x, h);
  }
  for (; k < D.k1; k++) {
    x = opt_step(x, h);
  }
  if (D.k1 < U.iterations) {
    state[p - D.s0] = x;
  } else {
    sink[p - D.r0] = bitcast<u32>(x[0]);
  }
}
