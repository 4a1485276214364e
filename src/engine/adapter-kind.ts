/**
 * Which adapters are CPU rasterizers: one list for the engines' defaults (cost guesses, reduction
 * strides, the workgroup histogram), the Node device's features and the CPU-or-GPU decision, which
 * once kept two lists that disagreed (softpipe and Microsoft's Basic Render Driver were software to
 * one and hardware to the other).
 */

/** Software rasterisers: a needle in the adapter's description, and the name a person knows. */
const SOFTWARE = [
  ['swiftshader', 'SwiftShader'],
  ['llvmpipe', 'llvmpipe'],
  ['lavapipe', 'lavapipe'],
  ['softpipe', 'softpipe'],
  ['warp', 'WARP'],
  ['microsoft basic render', 'Microsoft Basic Render Driver'],
] as const;

/** The software rasteriser an adapter is, from adapter.info; null for a hardware adapter. */
export function softwareRasteriser(info: {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}): string | null {
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ').toLowerCase();
  for (const [needle, name] of SOFTWARE) if (text.includes(needle)) return name;
  return info.isFallbackAdapter ? 'a fallback adapter' : null;
}

/**
 * Whether an adapter is a CPU rasterizer, by the description the engines are given (describeAdapter
 * of node-gpu.ts, or the lab's): a known rasterizer, or one that says it is software or a CPU.
 */
export function softwareAdapter(adapter: string | undefined): boolean {
  return softwareRasteriser({ description: adapter }) !== null || /\b(software|cpu)\b/i.test(adapter ?? '');
}
