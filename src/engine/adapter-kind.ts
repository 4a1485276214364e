/** Whether an adapter is a CPU rasterizer (SwiftShader, llvmpipe, WARP), by its description. */
export function softwareAdapter(adapter: string | undefined): boolean {
  return /swiftshader|llvmpipe|lavapipe|warp|software|cpu/i.test(adapter ?? '');
}
