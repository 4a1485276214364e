// The lab's blit (src/ui/engine-host/blit.ts): a quad placed by the view matrix whose fragments read
// the W×H packed RGBA8 pixel buffer (row 0 the bottom of the map) at the nearest pixel.
struct Blit { view: mat4x4f, width: u32, height: u32 }
@group(0) @binding(0) var<uniform> blit: Blit;
@group(0) @binding(1) var<storage, read> pixels: array<u32>;

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) uv: vec2f,
}

@vertex
fn vs(@builtin(vertex_index) i: u32) -> VertexOut {
  // Two triangles over the picture's unit square: (0,0) (1,0) (0,1), (0,1) (1,0) (1,1).
  let k = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u)[i];
  let uv = vec2f(f32(k & 1u), f32(k >> 1u));
  var out: VertexOut;
  out.position = blit.view * vec4f(uv, 0.0, 1.0);
  out.uv = uv;
  return out;
}

@fragment
fn fs(in: VertexOut) -> @location(0) vec4f {
  let x = min(u32(max(in.uv.x, 0.0) * f32(blit.width)), blit.width - 1u);
  let y = min(u32(max(in.uv.y, 0.0) * f32(blit.height)), blit.height - 1u);
  return unpack4x8unorm(pixels[y * blit.width + x]);
}
