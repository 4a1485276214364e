/**
 * Shader modules assembled from named parts (the generated objective, shaders/record.wgsl, a
 * kernel), with compile messages mapped back from the concatenated text to the part and the line
 * and column within it, and pipelines created inside validation and out-of-memory error scopes.
 */

import { scoped } from './error-scopes.ts';

/** One piece of a shader module's source. */
export interface ShaderPart {
  /** `objective (generated)` or a file name such as `shaders/basin.wgsl`. */
  name: string;
  code: string;
}

/** A compile message located in its part. */
export interface ShaderMessage {
  type: GPUCompilationMessageType;
  message: string;
  /** Part the message points into. */
  part: string;
  /** 1-based line and column within that part (0 when the compiler gave no position). */
  line: number;
  column: number;
}

/** A shader module that failed to compile; the message lists every error as `part:line:column: text`. */
export class ShaderCompileError extends Error {
  override name = 'ShaderCompileError';
  constructor(
    readonly label: string,
    readonly messages: ShaderMessage[],
  ) {
    // The first error on the first line: where a report is one line (the CLI's), it still says where.
    const errors = messages
      .filter((m) => m.type === 'error')
      .map((m) => `${m.part}:${m.line}:${m.column}: ${m.message}`);
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more)\n  ${errors.slice(1).join('\n  ')}` : '';
    super(`WGSL compile error in ${label}: ${errors[0] ?? 'no message'}${more}`);
  }
}

/** A WebGPU validation or out-of-memory error captured by an error scope, with what was being done. */
export class GpuError extends Error {
  override name = 'GpuError';
  constructor(
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'lost',
    readonly what: string,
    detail: string,
  ) {
    super(`${kind} error while ${what}: ${detail}`);
  }
}

/** A size in a GpuError's message: bytes as MiB, one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Maps a 1-based line of the concatenated source to its part. */
export function locate(parts: readonly ShaderPart[], line: number): { part: string; line: number } {
  let start = 1;
  for (const p of parts) {
    const lines = p.code.split('\n').length;
    if (line < start + lines) return { part: p.name, line: line - start + 1 };
    start += lines;
  }
  return { part: parts.length ? parts[parts.length - 1].name : '?', line };
}

/** Joins parts with a newline each, so every part starts on a fresh line and `locate` can count. */
export function joinParts(parts: readonly ShaderPart[]): string {
  return parts.map((p) => (p.code.endsWith('\n') ? p.code.slice(0, -1) : p.code)).join('\n');
}

/**
 * Creates a shader module and waits for its compilation info; throws ShaderCompileError with
 * positions in the parts when there is any error.
 */
export async function createShaderModule(
  device: GPUDevice,
  label: string,
  parts: readonly ShaderPart[],
): Promise<GPUShaderModule> {
  // Parts end without their trailing newline so line counts add up exactly.
  const normalised = parts.map((p) => ({
    name: p.name,
    code: p.code.endsWith('\n') ? p.code.slice(0, -1) : p.code,
  }));
  const { value: module, errors } = scoped(device, () =>
    device.createShaderModule({ label, code: joinParts(normalised) }),
  );
  const [info, caught] = await Promise.all([module.getCompilationInfo(), errors]);
  const failed = caught.validation ?? caught.oom;
  const messages: ShaderMessage[] = info.messages.map((m) => {
    const where = m.lineNum > 0 ? locate(normalised, m.lineNum) : { part: label, line: 0 };
    return { type: m.type, message: m.message, part: where.part, line: where.line, column: m.linePos };
  });
  if (messages.some((m) => m.type === 'error')) throw new ShaderCompileError(label, messages);
  if (failed)
    throw new ShaderCompileError(label, [
      { type: 'error', message: failed.message, part: label, line: 0, column: 0 },
    ]);
  return module;
}

/**
 * createComputePipelineAsync (no jank in the browser) inside validation and out-of-memory scopes; a
 * failure becomes a GpuError naming the label. (Dawn's Node binding once aborted here; the cause was
 * its GPU instance being garbage-collected, fixed in node-gpu.ts, not the async call.)
 */
export async function createComputePipeline(
  device: GPUDevice,
  descriptor: GPUComputePipelineDescriptor & { label: string },
  inline = false,
): Promise<GPUComputePipeline> {
  const { value: made, errors } = scoped(device, () =>
    inline
      ? Promise.resolve(device.createComputePipeline(descriptor))
      : device.createComputePipelineAsync(descriptor),
  );
  let pipeline: GPUComputePipeline | null = null;
  let failure: unknown = null;
  try {
    pipeline = await made;
  } catch (e) {
    failure = e;
  }
  const { validation, oom } = await errors;
  if (validation) throw new GpuError('validation', `creating ${descriptor.label}`, validation.message);
  if (oom) throw new GpuError('out-of-memory', `creating ${descriptor.label}`, oom.message);
  if (!pipeline)
    throw new GpuError(
      'validation',
      `creating ${descriptor.label}`,
      (failure as Error)?.message ?? String(failure),
    );
  return pipeline;
}

/**
 * Creates buffers inside an out-of-memory and a validation scope, so a grid too large for the
 * device is reported as such instead of as a lost device later. Destroys what it made on failure.
 */
export async function createBuffers<K extends string>(
  device: GPUDevice,
  what: string,
  descriptors: Record<K, GPUBufferDescriptor>,
): Promise<Record<K, GPUBuffer>> {
  const { value: out, errors } = scoped(device, () => {
    const made = {} as Record<K, GPUBuffer>;
    for (const key of Object.keys(descriptors) as K[]) made[key] = device.createBuffer(descriptors[key]);
    return made;
  });
  const { validation, oom } = await errors;
  if (validation || oom) {
    for (const b of Object.values<GPUBuffer>(out)) b.destroy();
    if (oom) throw new GpuError('out-of-memory', what, oom.message);
    throw new GpuError('validation', what, validation!.message);
  }
  return out;
}

/** One buffer binding of a compute kernel: its index in group 0, its type, and whether its offset is dynamic. */
export type BufferBinding = readonly [binding: number, type: GPUBufferBindingType, dynamic?: boolean];

/**
 * The bind group layout of a compute kernel whose bindings are all buffers in group 0 (every pass of
 * this engine), and the pipeline layout of that one group; labelled `${label}.layout` and
 * `${label}.pipelineLayout`.
 */
export function bufferLayouts(
  device: GPUDevice,
  label: string,
  bindings: readonly BufferBinding[],
): { layout: GPUBindGroupLayout; pipelineLayout: GPUPipelineLayout } {
  const layout = device.createBindGroupLayout({
    label: `${label}.layout`,
    entries: bindings.map(([binding, type, dynamic = false]) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type, hasDynamicOffset: dynamic },
    })),
  });
  const pipelineLayout = device.createPipelineLayout({
    label: `${label}.pipelineLayout`,
    bindGroupLayouts: [layout],
  });
  return { layout, pipelineLayout };
}
