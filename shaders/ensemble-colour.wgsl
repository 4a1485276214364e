// The colour stage of an ensemble: a bifurcation diagram's counts, still on the GPU after the run,
// to RGBA8 words in renderBifurcation's layout (src/engine/bifurcation-render.ts): the strips on top,
// then the density with its highest row first, log(1 + count) through the colormap. `column_maxima`
// reduces the scale, `colour` writes the image, so nothing comes back to the host but the picture.
// Prepended: the generated EnsembleColourUniforms struct.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> U: EnsembleColourUniforms;
// rows × columns counts (index r · columns + c, row 0 the bottom), then the `outside` counts.
@group(0) @binding(1) var<storage, read> counts: array<u32>;
// Each column's largest count, then the image's at index `columns` (cleared before column_maxima).
@group(0) @binding(2) var<storage, read_write> maxima: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read> lut: array<u32>;
// The strips' colours per column, worked out on the host (from the column statistics it has).
@group(0) @binding(4) var<storage, read> strips: array<u32>;
@group(0) @binding(5) var<storage, read_write> pixels: array<u32>;

fn invocation(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// One invocation per column walks its rows: neighbouring invocations read neighbouring words, and a
// column (a few hundred to a few thousand rows) is too short to be worth a tree of workgroups.
@compute @workgroup_size(WORKGROUP_SIZE)
fn column_maxima(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let c = invocation(gid, groups);
  if (c >= U.columns) { return; }
  var m = 0u;
  for (var r = 0u; r < U.rows; r++) {
    m = max(m, counts[r * U.columns + c]);
  }
  atomicStore(&maxima[c], m);
  atomicMax(&maxima[U.columns], m);
}

// The LUT entry of count v on a log scale topped by `top`: renderBifurcation's
// round(255 · log1p(v) / log1p(top)), in f32 rather than its float64, so a count whose exact value
// lies on a half step may land one entry off (1 + v is exact below 2²⁴). floor(x + 0.5) rounds
// halves up, as Math.round does, where WGSL's round() would round them to even.
fn shade(v: u32, top: u32) -> u32 {
  let t = log(1.0 + f32(v)) / log(1.0 + f32(top));
  return lut[min(255u, u32(floor(t * 255.0 + 0.5)))];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn colour(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = invocation(gid, groups);
  let W = U.columns;
  if (t >= W * U.height) { return; }
  let c = t % W;
  let y = t / W;
  let s = U.strip_rows;
  if (y < U.density_top) {
    // Diverged strip, separator, outcome strip, separator.
    var word = U.empty;
    if (y < s) { word = strips[c]; }
    if (y > s && y <= 2u * s) { word = strips[W + c]; }
    pixels[t] = word;
    return;
  }
  let r = U.rows - 1u - (y - U.density_top);
  let v = counts[r * W + c];
  let top = atomicLoad(&maxima[select(W, c, U.per_column != 0u)]);
  pixels[t] = select(U.empty, shade(v, top), v > 0u);
}
